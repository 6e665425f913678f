/**
 * The report journey's "has it been reported already?" step, after the location:
 * open reports of the same service near the chosen place (the API's bounded
 * nearby search). The resident follows one instead of filing a duplicate, or
 * carries on reporting. Self-contained: it reads the journey's service and
 * location, and hands on to `next` (the photos step) when nothing nearby matches.
 */
import { ApiError, ok } from '../api/client.js';
import { followableView, nearbyView, statusNames, type NearbyView } from '../api/views.js';
import type { PageHandler } from '../http/page.js';
import { journeyOf, saveJourney } from './report.js';
import { setFollowing } from './following.js';

/** The step after this one. */
export const next = '/report/photos';
/** Metres: a street's length either way, as FixMyStreet shows possible duplicates around the pin. */
export const nearbyRadius = 250;
/** At most this many are offered: enough to recognise one's own problem, few enough to read. */
const shown = 10;
const none = 'none';

export const nearbyReports: PageHandler = async (page) => {
  const journey = journeyOf(page);
  if (!journey.serviceCode) return { redirect: '/report' };
  if (!journey.location) return { redirect: '/report/location' };
  const { lat, long } = journey.location;
  const found: NearbyView['items'] = nearbyView
    .parse(
      ok(
        await page.api().GET('/requests/nearby', {
          params: { query: { lat, long, radius: nearbyRadius, serviceCode: journey.serviceCode } },
        }),
      ),
    )
    .items.slice(0, shown);
  if (found.length === 0) return { redirect: next };

  let error: string | undefined;
  if (page.request.method === 'POST') {
    const choice = page.form.get('report') ?? '';
    if (choice === none) return { redirect: next };
    const chosen = found.find((r) => r.id === choice);
    if (!chosen) error = 'Select the report that is your problem, or that it is not listed';
    else {
      try {
        await setFollowing(page.api(), chosen.id, true);
        // Nothing to file: the journey ends here.
        saveJourney(page, undefined);
        return { redirect: `/report/following/${encodeURIComponent(chosen.id)}` };
      } catch (e) {
        if (!(e instanceof ApiError) || e.status !== 409) throw e;
        error = (e.problem as { detail?: string }).detail ?? 'You cannot follow that report';
      }
    }
  }
  const items = found.map((r, i) => ({
    value: r.id,
    text: `${i + 1}. ${r.serviceName}, about ${r.distanceM} metres away`,
    hint: { text: `Reported on ${longDate(r.reportedOn)}. Status: ${statusNames[r.status]}.` },
    checked: page.form.get('report') === r.id,
  }));
  return {
    view: 'report-nearby',
    status: error ? 400 : 200,
    data: {
      errors: error ? [{ text: error, href: '#report' }] : [],
      error: error ? { text: error } : undefined,
      items: [...items, { divider: 'or' }, { value: none, text: 'My problem is not listed: report it' }],
      map: {
        centre: { lat, long },
        radius: nearbyRadius,
        pins: found.map((r, i) => ({ n: i + 1, id: r.id, lat: r.lat, long: r.long })),
      },
    },
  };
};

const longDate = (day: string) =>
  new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(`${day}T00:00:00Z`));

/** After following instead of reporting: the confirmation. */
export const followingConfirmation: PageHandler = async (page) => {
  const requestId = page.request.params.id ?? '';
  const view = followableView.parse(
    ok(await page.api().GET('/me/following/{requestId}', { params: { path: { requestId } } })),
  );
  if (!view.following) return { redirect: `/my-account/requests/${encodeURIComponent(requestId)}` };
  return { view: 'report-following', data: { report: view.request, statusName: statusNames[view.request.status] } };
};
