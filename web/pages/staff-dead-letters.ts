/**
 * Dead-lettered messages for the platform operator (decision 1002), what `npm run dlq`
 * does: how many each queue and subscription holds, one entity's messages with why each
 * was set aside, one message, replay it to its queue, or discard it after a confirmation
 * page. Never a message's body: the API does not give it.
 */
import { ApiError, ok } from '../api/client.js';
import type { StaffPageHandler, StaffPageRequest, StaffPageResult } from '../staff/staff-page.js';
import { deadLetterCountsView, deadLettersView, type DeadLetterView } from '../staff/ops-views.js';

/** The shape of the topology's names (a queue, or topic/subscription); the API checks the names themselves. */
const entityPattern = /^[a-z0-9][a-z0-9._-]{0,99}(\/[a-z0-9][a-z0-9._-]{0,99})?$/i;
const sequencePattern = /^\d{1,19}$/;

const listPath = (entity: string) => `/staff/dead-letters/messages?entity=${encodeURIComponent(entity)}`;
const messagePath = (entity: string, sequenceNumber: string, action = '') =>
  `/staff/dead-letters/messages/${sequenceNumber}${action}?entity=${encodeURIComponent(entity)}`;

/** A subscription's dead letter is never replayed: its topic would deliver it to every subscription. */
const replayable = (entity: string) => !entity.includes('/');

export const deadLetterCounts: StaffPageHandler = async (page) => {
  const result = await page.api().GET('/operator/dead-letters');
  // Counting reads every entity's dead letters: when Service Bus is slow, say so and let them try again.
  if (result.response.status === 503)
    return { view: 'staff-dead-letters', status: 503, data: { unavailable: true, entities: [], total: 0 } };
  const { entities } = deadLetterCountsView.parse(ok(result));
  return {
    view: 'staff-dead-letters',
    data: {
      entities: entities.map((e) => ({ ...e, href: listPath(e.entity) })),
      total: entities.reduce((n, e) => n + e.count, 0),
    },
  };
};

/** The entity and sequence number a page or form names; undefined when either is malformed. */
function target(page: StaffPageRequest): { entity: string; sequenceNumber: string } | undefined {
  const entity = page.query.get('entity') ?? page.form.get('entity') ?? '';
  const sequenceNumber = page.request.params.sequenceNumber ?? '';
  return entityPattern.test(entity) && sequencePattern.test(sequenceNumber) ? { entity, sequenceNumber } : undefined;
}

async function listOf(page: StaffPageRequest, entity: string): Promise<readonly DeadLetterView[] | undefined> {
  const result = await page.api().GET('/operator/dead-letters/messages', { params: { query: { entity, max: 500 } } });
  // An entity the topology does not have.
  if (result.response.status === 400 || result.response.status === 422) return undefined;
  return deadLettersView.parse(ok(result)).items;
}

const notFound: StaffPageResult = { view: 'staff-not-found', status: 404 };

export const deadLetterList: StaffPageHandler = async (page) => {
  const entity = page.query.get('entity') ?? '';
  const items = entityPattern.test(entity) ? await listOf(page, entity) : undefined;
  if (!items) return notFound;
  return {
    view: 'staff-dead-letter-list',
    data: {
      entity,
      replayable: replayable(entity),
      items: items.map((m) => ({ ...m, href: messagePath(entity, m.sequenceNumber) })),
    },
  };
};

async function oneMessage(page: StaffPageRequest, view: string): Promise<StaffPageResult> {
  const at = target(page);
  const items = at ? await listOf(page, at.entity) : undefined;
  const message = at && items?.find((m) => m.sequenceNumber === at.sequenceNumber);
  if (!at || !items) return notFound;
  if (!message) {
    page.session = { ...page.session, flash: 'That message is no longer dead-lettered.' };
    return { redirect: listPath(at.entity) };
  }
  return {
    view,
    data: {
      message,
      listHref: listPath(at.entity),
      messageHref: messagePath(at.entity, at.sequenceNumber),
      replayHref: messagePath(at.entity, at.sequenceNumber, '/replay'),
      discardHref: messagePath(at.entity, at.sequenceNumber, '/discard'),
      replayable: replayable(at.entity),
    },
  };
}

export const deadLetter: StaffPageHandler = (page) => oneMessage(page, 'staff-dead-letter');

/** The API's answer to a replay or discard, as what the operator reads next on the entity's list. */
function outcome(
  page: StaffPageRequest,
  entity: string,
  result: { response: Response; error?: unknown },
  done: string,
): StaffPageResult {
  const status = result.response.status;
  const problem = (result.error ?? {}) as ApiError['problem'] & { readonly detail?: string };
  if (status === 404) page.session = { ...page.session, flash: 'That message is no longer dead-lettered.' };
  else if (status === 409)
    page.session = { ...page.session, flash: problem.detail ?? 'That message cannot be replayed.' };
  else if (!result.response.ok) throw new ApiError(status, problem);
  else page.session = { ...page.session, flash: done };
  return { redirect: listPath(entity) };
}

export const replay: StaffPageHandler = async (page) => {
  const at = target(page);
  if (!at) return notFound;
  const result = await page.api().POST('/operator/dead-letters/messages/{sequenceNumber}/replay', {
    params: { path: { sequenceNumber: at.sequenceNumber }, query: { entity: at.entity } },
  });
  return outcome(page, at.entity, result, `Message ${at.sequenceNumber} was sent back to ${at.entity}`);
};

/** GET: the confirmation page; POST (its "Yes"): the discard. */
export const discard: StaffPageHandler = async (page) => {
  if (page.request.method !== 'POST') return oneMessage(page, 'staff-dead-letter-discard');
  const at = target(page);
  if (!at) return notFound;
  const result = await page.api().DELETE('/operator/dead-letters/messages/{sequenceNumber}', {
    params: { path: { sequenceNumber: at.sequenceNumber }, query: { entity: at.entity } },
  });
  return outcome(page, at.entity, result, `Message ${at.sequenceNumber} was discarded`);
};
