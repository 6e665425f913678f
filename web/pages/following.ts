/**
 * Following a report from the website: the follow and unfollow buttons (POST
 * forms with the CSRF token, so they work without JavaScript), a followed
 * report's public page, and "reports you follow" on My Account.
 */
import { ApiError, ok, type DoorstepApi } from '../api/client.js';
import { followableView, followingListView, statusNames } from '../api/views.js';
import type { PageHandler, PageRequest, PageResult } from '../http/page.js';

const isUuid = (id: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);

/** PUT or DELETE /api/me/following/{id}: 204 either way; anything else is the API's problem. */
export async function setFollowing(api: DoorstepApi, requestId: string, follow: boolean): Promise<void> {
  const params = { params: { path: { requestId } } };
  const { response, error } = follow
    ? await api.PUT('/me/following/{requestId}', params)
    : await api.DELETE('/me/following/{requestId}', params);
  if (!response.ok) throw new ApiError(response.status, error ?? {});
}

/** The reports the resident follows, for My Account (the first 50; the list is bounded at 100). */
export async function followedReports(api: DoorstepApi) {
  const list = followingListView.parse(ok(await api.GET('/me/following', { params: { query: { pageSize: 50 } } })));
  return list.items.map((f) => ({
    requestId: f.requestId,
    since: f.since,
    title: f.request?.serviceName ?? 'A report that is no longer shown',
    status: f.request ? statusNames[f.request.status] : undefined,
    href: f.request ? `/my-account/requests/${encodeURIComponent(f.requestId)}` : undefined,
  }));
}

/** The public page of a report the resident did not make: with a follow or an unfollow button. */
export async function followableReportPage(page: PageRequest, id: string): Promise<PageResult> {
  const view = followableView.parse(
    ok(await page.api().GET('/me/following/{requestId}', { params: { path: { requestId: id } } })),
  );
  const { request } = view;
  return {
    view: 'followed-request',
    data: {
      view,
      report: request,
      statusName: statusNames[request.status],
      updates: request.timeline
        .filter((t) => t.text !== undefined || t.status !== undefined)
        .map((t) => ({ ...t, statusName: t.status ? statusNames[t.status] : undefined }))
        .reverse(),
    },
  };
}

/** POST /my-account/following/{id}: `action` follow or unfollow; back to where the button was. */
export const changeFollowing: PageHandler = async (page) => {
  const id = page.request.params.id ?? '';
  if (!isUuid(id)) return { view: 'not-found', status: 404 };
  const follow = page.form.get('action') === 'follow';
  const back = page.form.get('from') === 'account' ? '/my-account' : `/my-account/requests/${id}`;
  try {
    await setFollowing(page.api(), id, follow);
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 409) throw error;
    page.session = { ...page.session, flash: error.problem.title ?? 'You cannot follow this report.' };
    const detail = (error.problem as { detail?: string }).detail;
    if (detail) page.session.flash = detail;
    return { redirect: back };
  }
  page.session = {
    ...page.session,
    flash: follow
      ? 'You are following this report. We will tell you about its progress in the way you chose in your account.'
      : 'You no longer follow this report.',
  };
  return { redirect: back };
};
