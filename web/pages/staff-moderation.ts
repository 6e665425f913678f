/**
 * Moderation of a report's public view (the Open311 view, decision 0300): what the
 * reporter wrote beside what the public sees, and one form each for the description,
 * the photos and every update someone outside the council wrote. Moderators only; the
 * API checks the role again, records who changed what on the request and audits the read.
 */
import { ApiError, ok } from '../api/client.js';
import type { StaffPageHandler, StaffPageRequest, StaffPageResult } from '../staff/staff-page.js';
import { moderationQueueView, moderationRequestView, type ModerationRequestView } from '../staff/ops-views.js';
import { formErrorData, type FormError } from '../staff/form-errors.js';

type Published = ModerationRequestView['moderation']['description'];

/** What the public sees of one text, in words. */
function publicState(value: Published, original: string | undefined): { text: string; shown?: string } {
  if (value === undefined) return { text: 'Not published' };
  if (value === 'hidden') return { text: 'Hidden' };
  return { text: value.text === original?.trim() ? 'Published as written' : 'Published, edited', shown: value.text };
}

const byName: Record<string, string> = { resident: 'Reporter', partner: 'Back office', client: 'Open311 client' };
const targetName = { description: 'Description', photos: 'Photos', update: 'Update' } as const;

/** Updates that need a moderator: text someone outside the council wrote (the council's own are public as written). */
const moderatedUpdates = (request: ModerationRequestView) =>
  request.timeline.filter((t) => t.text && t.by !== 'council');

const path = (id: string) => `/staff/requests/${encodeURIComponent(id)}/moderation`;

async function moderationPage(
  page: StaffPageRequest,
  id: string,
  extra: { errors?: readonly FormError[]; values?: Record<string, string> } = {},
): Promise<StaffPageResult> {
  const result = await page.api('Moderation').GET('/staff/requests/{id}/moderation', { params: { path: { id } } });
  const request = moderationRequestView.parse(ok(result));
  const errors = extra.errors ?? [];
  const values = extra.values ?? {};
  const description = publicState(request.moderation.description, request.description);
  return {
    view: 'staff-moderation',
    status: errors.length > 0 ? 400 : 200,
    data: {
      report: request,
      // A moderator who is not staff cannot open the request's own page: they go back to their queue.
      canOpenRequest: page.session.user?.roles.some((r) => r === 'staff' || r === 'admin') ?? false,
      etag: result.response.headers.get('etag') ?? '',
      description: {
        ...description,
        // The form starts from what the public sees, or else the reporter's words.
        draft: values.descriptionText ?? description.shown ?? request.description ?? '',
      },
      photosHidden: request.moderation.photos === 'hidden',
      updates: moderatedUpdates(request).map((u, index) => {
        const state = publicState(request.moderation.updates?.[u.id], u.text);
        return {
          ...u,
          index,
          byName: byName[u.by] ?? u.by,
          state,
          draft: values.updateId === u.id ? (values.updateText ?? '') : (state.shown ?? u.text ?? ''),
        };
      }),
      log: [...request.moderationLog].reverse().map((l) => ({ ...l, targetName: targetName[l.target] })),
      ...formErrorData(errors),
      values,
    },
  };
}

export const moderation: StaffPageHandler = (page) => moderationPage(page, page.request.params.id ?? '');

/**
 * One of the report's stored photos, through the API's moderator-only read link (audited
 * there): a moderator may hold no staff role, and so could not read the documents themselves.
 */
export const photo: StaffPageHandler = async (page) => {
  const { id = '', photoId = '' } = page.request.params;
  // openapi-fetch has read the (empty) body already.
  const { response } = await page
    .api('Moderation: photo')
    .GET('/staff/requests/{id}/moderation/photos/{photoId}', { params: { path: { id, photoId } }, redirect: 'manual' });
  if (response.status === 401) throw new ApiError(401, {});
  const location = response.headers.get('location');
  return response.status === 302 && location ? { redirect: location } : { view: 'staff-not-found', status: 404 };
};

const field = (form: URLSearchParams, name: string) => (form.get(name) ?? '').trim();
const maxText = 5000;

/** A text's choice (publish as written, publish edited, hide) as the API's value, or the error to show. */
function textChoice(
  choice: string,
  edited: string,
  original: string,
  fields: { choice: string; text: string },
): string | null | FormError {
  if (choice === 'publish') return original.trim();
  if (choice === 'hide') return null;
  if (choice !== 'edit') return { field: fields.choice, text: 'Select what the public should see' };
  if (edited === '') return { field: fields.text, text: 'Enter the text the public should see' };
  if (edited.length > maxText) return { field: fields.text, text: `The text must be ${maxText} characters or fewer` };
  return edited;
}

export const moderate: StaffPageHandler = async (page) => {
  const id = page.request.params.id ?? '';
  const target = field(page.form, 'target');
  const choice = field(page.form, 'choice');
  let body: Record<string, unknown>;
  let done: string;
  let values: Record<string, string> = {};
  if (target === 'photos') {
    if (choice !== 'shown' && choice !== 'hidden')
      return moderationPage(page, id, {
        errors: [{ field: 'photos', text: 'Select whether the public sees the photos' }],
      });
    body = { photos: choice };
    done = choice === 'shown' ? 'The photos are shown to the public' : 'The photos are hidden from the public';
  } else if (target === 'description') {
    const text = field(page.form, 'descriptionText');
    values = { descriptionText: text };
    // The reporter's words as they are now, never as a form carried them.
    const current = moderationRequestView.parse(
      ok(await page.api('Moderation').GET('/staff/requests/{id}/moderation', { params: { path: { id } } })),
    );
    const chosen = textChoice(choice, text, current.description ?? '', {
      choice: 'description',
      text: 'descriptionText',
    });
    if (chosen !== null && typeof chosen === 'object') return moderationPage(page, id, { errors: [chosen], values });
    if (chosen === '')
      return moderationPage(page, id, {
        errors: [{ field: 'description', text: 'There is no description to publish' }],
        values,
      });
    body = { description: chosen };
    done = chosen === null ? 'The description is hidden from the public' : 'The description is published';
  } else if (target === 'update') {
    const updateId = field(page.form, 'updateId');
    const index = field(page.form, 'index');
    const text = field(page.form, 'updateText');
    values = { updateId, updateText: text };
    const current = moderationRequestView.parse(
      ok(await page.api('Moderation').GET('/staff/requests/{id}/moderation', { params: { path: { id } } })),
    );
    const update = moderatedUpdates(current).find((u) => u.id === updateId);
    if (!update)
      return moderationPage(page, id, { errors: [{ field: '', text: 'That update is not on this request' }] });
    const chosen = textChoice(choice, text, update.text ?? '', {
      choice: `update-${index}`,
      text: `update-${index}-text`,
    });
    if (chosen !== null && typeof chosen === 'object') return moderationPage(page, id, { errors: [chosen], values });
    body = { updates: [{ id: updateId, text: chosen }] };
    done = chosen === null ? 'The update is hidden from the public' : 'The update is published';
  } else {
    return moderationPage(page, id, { errors: [{ field: '', text: 'Choose what to moderate' }] });
  }
  const result = await page.api('Moderation: change').PATCH('/staff/requests/{id}/moderation', {
    params: { path: { id }, header: { 'If-Match': page.form.get('etag') ?? '' } },
    body: body as never,
  });
  if (result.response.status === 412) {
    page.session = {
      ...page.session,
      flash: 'Someone else changed this request while you had it open. Check it and try again.',
    };
    return { redirect: path(id) };
  }
  if (result.response.status === 422) {
    const problem = (result.error ?? {}) as ApiError['problem'];
    return moderationPage(page, id, {
      errors: [{ field: '', text: problem.errors?.[0]?.detail ?? problem.title ?? 'Check what you entered' }],
      values,
    });
  }
  if (!result.response.ok) throw new ApiError(result.response.status, result.error ?? {});
  page.session = { ...page.session, flash: done };
  return { redirect: path(id) };
};

const waitingFor = (item: { description: boolean; photos: boolean; updates: number }) =>
  [
    ...(item.description ? ['Description'] : []),
    ...(item.photos ? ['Photos'] : []),
    ...(item.updates > 0 ? [item.updates === 1 ? '1 update' : `${item.updates} updates`] : []),
  ].join(', ');

/**
 * The moderators' queue (decision 1032): reports with something no moderator has decided
 * on, longest waiting first. `after` is the API's opaque continuation, which names nobody.
 */
export const queue: StaffPageHandler = async (page) => {
  const after = page.query.get('after') ?? undefined;
  const result = await page.api('Moderation queue').GET('/staff/moderation', {
    params: { query: { pageSize: 20, ...(after ? { continuation: after } : {}) } },
  });
  // A continuation this API did not issue (an edited link): start again from the first page.
  if (result.response.status === 400) return { redirect: '/staff/moderation' };
  const list = moderationQueueView.parse(ok(result));
  return {
    view: 'staff-moderation-queue',
    data: {
      items: list.items.map((i) => ({ ...i, href: path(i.id), waiting: waitingFor(i) })),
      ...(list.continuation ? { next: `/staff/moderation?after=${encodeURIComponent(list.continuation)}` } : {}),
      firstPage: after === undefined,
    },
  };
};
