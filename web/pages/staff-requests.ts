/**
 * The staff workspace: the triage queue (a GET form: filters, counts per service,
 * pages) and one request's page (timeline with public updates and internal notes
 * apart, photos, dispatch, reporter details behind a stated reason) with its
 * actions: status by the transition table, update or note, assignment, resend.
 */
import { z } from 'zod';
import { ApiError, ok, type DoorstepApi } from '../api/client.js';
import { documentFileUrl, documentItem, documentsOf } from '../api/uploads.js';
import { statusNames } from '../api/views.js';
import type { StaffPageHandler, StaffPageRequest, StaffPageResult } from '../staff/staff-page.js';
import {
  queueView,
  staffRequestView,
  staffServicesView,
  teamsView,
  type StaffRequestView,
  type StaffStatus,
} from '../staff/views.js';
import { formErrorData, type FormError } from '../staff/form-errors.js';

const statusCodes = Object.keys(statusNames) as [StaffStatus, ...StaffStatus[]];

/** The queue's filters as the form sends them; a value out of bounds is an error to show, never sent on. */
const filtersSchema = z.object({
  status: z.enum(statusCodes).optional(),
  serviceCode: z
    .string()
    .regex(/^[a-z][a-z0-9-]{1,39}$/)
    .optional(),
  ward: z
    .string()
    .regex(/^[A-Za-z0-9-]{1,20}$/, 'Select a ward from the list')
    .optional(),
  overdue: z.enum(['true', 'false']).optional(),
  olderThanDays: z.coerce
    .number({ message: 'Enter the age as a whole number of days, like 7' })
    .int('Enter the age as a whole number of days, like 7')
    .min(0, 'Enter an age of 0 days or more')
    .max(3650, 'Enter an age of 3650 days or fewer')
    .optional(),
  continuation: z.string().max(4000).optional(),
});
type Filters = z.infer<typeof filtersSchema>;

const filterNames = ['status', 'serviceCode', 'ward', 'overdue', 'olderThanDays'] as const;

const queueLink = (filters: Partial<Record<string, string | number | undefined>>) => {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(filters))
    if (value !== undefined && value !== '') query.set(name, String(value));
  const text = query.toString();
  return `/staff/requests${text ? `?${text}` : ''}`;
};

/** Why the queue is read: kept in the audit with each request it shows. */
const queueReason = 'Triage queue';

async function teamsOf(api: DoorstepApi) {
  return teamsView.parse(ok(await api.GET('/staff/teams'))).items;
}

export const assigneeName = (value: string | null | undefined, teams: readonly { code: string; name: string }[]) => {
  if (!value) return 'Nobody';
  if (value.startsWith('team:')) return teams.find((t) => `team:${t.code}` === value)?.name ?? value.slice(5);
  if (value.startsWith('officer:')) return `Officer ${value.slice(8)}`;
  return value;
};

export const queue: StaffPageHandler = async (page) => {
  const raw = Object.fromEntries(
    [...filterNames, 'continuation'].flatMap((name) => {
      const value = page.query.get(name)?.trim();
      return value ? [[name, value]] : [];
    }),
  );
  const parsed = filtersSchema.safeParse(raw);
  const errors = parsed.success ? [] : parsed.error.issues.map((i) => ({ field: String(i.path[0]), text: i.message }));
  const filters: Filters = parsed.success
    ? parsed.data
    : filtersSchema.parse(Object.fromEntries(Object.entries(raw).filter(([k]) => !errors.some((e) => e.field === k))));
  const api = page.api(queueReason);
  const [services, teams, wards, found] = await Promise.all([
    api.GET('/services').then((r) => staffServicesView.parse(ok(r)).items),
    teamsOf(api),
    // The ward filter is a list of the council's wards (code and name: the same shape as a service's).
    api.GET('/wards').then((r) => staffServicesView.parse(ok(r)).items),
    errors.length > 0
      ? undefined
      : api
          .GET('/staff/requests', { params: { query: { ...filters, pageSize: 25 } } })
          .then((r) => queueView.parse(ok(r))),
  ]);
  const current = Object.fromEntries(filterNames.map((n) => [n, raw[n]]));
  return {
    view: 'staff-queue',
    status: errors.length > 0 ? 400 : 200,
    data: {
      ...formErrorData(errors),
      values: current,
      statusItems: [
        { value: '', text: 'Any status' },
        ...statusCodes.map((s) => ({ value: s, text: statusNames[s], selected: raw.status === s })),
      ],
      serviceItems: [
        { value: '', text: 'Any service' },
        ...services.map((s) => ({ value: s.code, text: s.name, selected: raw.serviceCode === s.code })),
      ],
      wardItems: [
        { value: '', text: 'Any ward' },
        ...wards.map((w) => ({ value: w.code, text: w.name, selected: raw.ward === w.code })),
      ],
      overdueItems: [
        { value: '', text: 'Either', checked: !raw.overdue },
        { value: 'true', text: 'Overdue only', checked: raw.overdue === 'true' },
        { value: 'false', text: 'Not overdue', checked: raw.overdue === 'false' },
      ],
      items: (found?.items ?? []).map((r) => ({
        ...r,
        href: `/staff/requests/${encodeURIComponent(r.id)}`,
        statusName: statusNames[r.status],
        assignee: assigneeName(r.assignedTo, teams),
      })),
      counts: (found?.counts ?? []).map((c) => ({
        ...c,
        href: queueLink({ ...current, serviceCode: c.serviceCode }),
      })),
      next: found?.continuation ? queueLink({ ...current, continuation: found.continuation }) : undefined,
      first: filters.continuation ? queueLink(current) : undefined,
      clear: queueLink({}),
    },
  };
};

/** The reasons staff may give to see who reported a request (each kept in the audit). */
const reporterReasons = [
  'Contacting the reporter about this request',
  'Checking a duplicate or related report',
  'A complaint or information request',
];

async function requestPage(
  page: StaffPageRequest,
  id: string,
  extra: { errors?: readonly FormError[]; values?: Record<string, string>; status?: number } = {},
): Promise<StaffPageResult> {
  const reasonAsked = page.query.get('reason') ?? '';
  const showReporter = reporterReasons.includes(reasonAsked);
  // Every opening is audited with why: the page itself, or the reason given to see the reporter.
  const api = page.api(showReporter ? reasonAsked : 'Request page');
  const result = await api.GET('/requests/{id}', { params: { path: { id } } });
  const request = staffRequestView.parse(ok(result));
  const etag = result.response.headers.get('etag') ?? '';
  const [teams, documents] = await Promise.all([teamsOf(api), documentsOf(api, request.photos).catch(() => undefined)]);
  const errors = extra.errors ?? [];
  return {
    view: 'staff-request',
    status: extra.status ?? (errors.length > 0 ? 400 : 200),
    data: {
      report: request,
      etag,
      statusName: statusNames[request.status],
      assignee: assigneeName(request.assignedTo, teams),
      timeline: timelineOf(request),
      photos: documents?.map((d) => ({
        ...documentItem(d),
        fileUrl:
          d.status === 'available'
            ? `/staff/requests/${encodeURIComponent(id)}/photos/${encodeURIComponent(d.id)}`
            : undefined,
      })),
      dispatch: request.dispatch ?? undefined,
      showReporter,
      reporterReasons: [{ value: '', text: 'Choose a reason' }, ...reporterReasons.map((r) => ({ value: r, text: r }))],
      statusItems: request.nextStatuses.map((s) => ({ value: s, text: statusNames[s] })),
      teamItems: [
        { value: '', text: 'Choose a team' },
        ...teams.map((t) => ({
          value: t.code,
          text: t.name,
          selected: request.assignedTo === `team:${t.code}`,
        })),
      ],
      ...formErrorData(errors),
      values: extra.values ?? {},
      me: page.session.user?.sub,
    },
  };
}

/** Public updates and internal notes in one timeline, newest first, each marked for what it is. */
function timelineOf(request: StaffRequestView) {
  return [
    ...request.timeline.map((t) => ({
      at: t.at,
      internal: false,
      title: t.status ? statusNames[t.status] : t.kind === 'update' ? 'Public update' : 'Update',
      text: t.text,
      by:
        t.by === 'council'
          ? 'Council'
          : t.by === 'resident'
            ? 'Reporter'
            : t.by === 'partner'
              ? 'Back office'
              : 'Open311 client',
    })),
    ...request.internalNotes.map((n) => ({ at: n.at, internal: true, title: 'Internal note', text: n.text, by: n.by })),
  ].sort((a, b) => b.at.localeCompare(a.at));
}

export const oneRequest: StaffPageHandler = (page) => requestPage(page, page.request.params.id ?? '');

/** The photo's short-lived read link (the API's, after its audited read). */
export const requestPhoto: StaffPageHandler = async (page) => {
  const url = await documentFileUrl(page.api('Request page: photo'), page.request.params.photoId ?? '');
  return url ? { redirect: url } : { view: 'staff-not-found', status: 404 };
};

const back = (id: string) => `/staff/requests/${encodeURIComponent(id)}`;

/**
 * Sends one change with the ETag the form was drawn from. The API's refusals come
 * back as what the member of staff can do about them.
 */
async function change(
  page: StaffPageRequest,
  id: string,
  body: Record<string, unknown>,
  done: string,
): Promise<StaffPageResult | FormError> {
  const result = await page.api('Request page: change').PATCH('/staff/requests/{id}', {
    params: { path: { id }, header: { 'If-Match': page.form.get('etag') ?? '' } },
    body: body as never,
  });
  if (result.response.ok) {
    page.session = { ...page.session, flash: done };
    return { redirect: back(id) };
  }
  if (result.response.status === 412 || result.response.status === 409) {
    page.session = {
      ...page.session,
      flash:
        result.response.status === 412
          ? 'Someone else changed this request while you had it open. Check it and try again.'
          : 'That status is not a next step for this request any more. Check it and try again.',
    };
    return { redirect: back(id) };
  }
  const problem = (result.error ?? {}) as ApiError['problem'];
  if (result.response.status === 422)
    return { field: '', text: problem.errors?.[0]?.detail ?? problem.title ?? 'Check what you entered' };
  throw new ApiError(result.response.status, problem);
}

const textField = (form: URLSearchParams, name: string) => (form.get(name) ?? '').trim();

export const changeStatus: StaffPageHandler = async (page) => {
  const id = page.request.params.id ?? '';
  const status = textField(page.form, 'status');
  const text = textField(page.form, 'statusUpdate');
  const errors: FormError[] = [];
  if (!statusCodes.includes(status as StaffStatus)) errors.push({ field: 'status', text: 'Select the new status' });
  if (text.length > 2000)
    errors.push({ field: 'statusUpdate', text: 'The public update must be 2000 characters or fewer' });
  if (errors.length > 0) return requestPage(page, id, { errors, values: { statusUpdate: text } });
  const result = await change(
    page,
    id,
    { status, ...(text ? { publicUpdate: text } : {}) },
    `Status changed to ${statusNames[status as StaffStatus]}`,
  );
  return 'field' in result ? requestPage(page, id, { errors: [{ ...result, field: 'status' }] }) : result;
};

export const addUpdate: StaffPageHandler = async (page) => {
  const id = page.request.params.id ?? '';
  const kind = textField(page.form, 'kind');
  const text = textField(page.form, 'text');
  const errors: FormError[] = [];
  if (kind !== 'public' && kind !== 'internal')
    errors.push({ field: 'kind', text: 'Select whether this is a public update or an internal note' });
  if (text === '') errors.push({ field: 'text', text: 'Enter the update or note' });
  else if (text.length > 2000)
    errors.push({ field: 'text', text: 'The update or note must be 2000 characters or fewer' });
  if (errors.length > 0) return requestPage(page, id, { errors, values: { kind, text } });
  const result = await change(
    page,
    id,
    kind === 'public' ? { publicUpdate: text } : { internalNote: text },
    kind === 'public' ? 'Public update added' : 'Internal note added',
  );
  return 'field' in result
    ? requestPage(page, id, { errors: [{ ...result, field: 'text' }], values: { kind, text } })
    : result;
};

export const assign: StaffPageHandler = async (page) => {
  const id = page.request.params.id ?? '';
  const to = textField(page.form, 'assignTo');
  const team = textField(page.form, 'team');
  const officer = textField(page.form, 'officer');
  const errors: FormError[] = [];
  let assignedTo: string | null | undefined;
  if (to === 'team') {
    if (team) assignedTo = `team:${team}`;
    else errors.push({ field: 'team', text: 'Select a team' });
  } else if (to === 'officer') {
    if (/^[A-Za-z0-9._@-]{1,128}$/.test(officer)) assignedTo = `officer:${officer}`;
    else errors.push({ field: 'officer', text: 'Enter the officer’s staff ID, like sam' });
  } else if (to === 'me') assignedTo = `officer:${page.session.user?.sub ?? ''}`;
  else if (to === 'nobody') assignedTo = null;
  else errors.push({ field: 'assignTo', text: 'Select who to assign this request to' });
  if (errors.length > 0 || assignedTo === undefined)
    return requestPage(page, id, { errors, values: { assignTo: to, officer } });
  const result = await change(page, id, { assignedTo }, assignedTo ? 'Request assigned' : 'Request unassigned');
  return 'field' in result ? requestPage(page, id, { errors: [{ ...result, field: 'assignTo' }] }) : result;
};

export const resend: StaffPageHandler = async (page) => {
  const id = page.request.params.id ?? '';
  const result = await page.api('Request page: resend').POST('/staff/requests/{id}/dispatch', {
    params: { path: { id } },
  });
  if (result.response.status === 409) {
    page.session = { ...page.session, flash: 'This request cannot be sent again now.' };
    return { redirect: back(id) };
  }
  ok(result);
  page.session = { ...page.session, flash: 'Sent to the back office again' };
  return { redirect: back(id) };
};
