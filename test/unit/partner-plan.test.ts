import { describe, expect, it } from 'vitest';
import { partnerMessageSchemaId } from '../../shared/partners/contract.js';
import { planBatch, type Received } from '../../shared/partners/plan.js';

const requestA = '3f0c2a8e-5b7d-4c1e-9a2b-6d8e0f1a2b3c';
const requestB = '7d1e9b40-2c3a-4f5b-8e6d-0a1b2c3d4e5f';

let n = 0;
/** A received message whose handle is its own id, so plans read as lists of ids. */
function received(body: unknown, overrides: Partial<Received<string>> = {}): Received<string> {
  const id = overrides.messageId ?? `m${++n}`;
  return { handle: id, messageId: id, body, deliveryCount: 1, ...overrides };
}
const aMessage = (fields: Record<string, unknown>) => ({
  schema: partnerMessageSchemaId,
  sentAt: '2026-11-22T09:00:00Z',
  ...fields,
});
const ids = (jobs: readonly (readonly { handle: string }[])[]) => jobs.map((job) => job.map((m) => m.handle));

describe('planning a batch of partner messages', () => {
  it('when a batch mixes jobs, then acknowledgements go first and each job keeps its order, its reference joined to its request', () => {
    const plan = planBatch(
      [
        received(aMessage({ kind: 'status-change', partnerReference: 'HW-1', status: 'action-scheduled' }), {
          messageId: 'a2',
        }),
        received(aMessage({ kind: 'public-update', requestId: requestB, text: 'Looking' }), { messageId: 'b1' }),
        received(aMessage({ kind: 'acknowledged', requestId: requestA, partnerReference: 'HW-1' }), {
          messageId: 'a1',
        }),
        received(aMessage({ kind: 'completion', requestId: requestA, notes: 'Done' }), { messageId: 'a3' }),
        received(aMessage({ kind: 'completion', partnerReference: 'WS-9', notes: 'Done' }), { messageId: 'c1' }),
      ],
      'highways-contractor',
    );
    expect(plan.phases).toHaveLength(2);
    expect(ids(plan.phases[0] ?? [])).toEqual([['a1']]);
    // a2 names the job by the reference a1 gives, a3 by its request id: one job, in the order received.
    expect(ids(plan.phases[1] ?? [])).toEqual([['a2', 'a3'], ['b1'], ['c1']]);
    expect(plan.rejected).toEqual([]);
  });

  it('when a message was held back earlier in this run, then it is released untouched and not planned', () => {
    const plan = planBatch(
      [
        received(aMessage({ kind: 'public-update', requestId: requestA, text: 'x' }), { messageId: 'held' }),
        received(aMessage({ kind: 'public-update', requestId: requestA, text: 'y' }), { messageId: 'fresh' }),
      ],
      'highways-contractor',
      new Set(['held']),
    );
    expect(plan.release).toEqual(['held']);
    expect(ids(plan.phases[1] ?? [])).toEqual([['fresh']]);
  });

  it('when bodies are not JSON, break the contract or name another back office, then each is rejected with its reason and a description naming fields, not values', () => {
    const plan = planBatch(
      [
        received('not json {', { messageId: 'text' }),
        received(Buffer.from('[1,2]'), { messageId: 'array' }),
        received(aMessage({ kind: 'status-change', requestId: requestA, status: 'demolished' }), {
          messageId: 'status',
        }),
        received(aMessage({ kind: 'public-update', requestId: requestA, text: 'x', colour: 'red' }), {
          messageId: 'extra',
        }),
        received(aMessage({ kind: 'completion', requestId: requestA, notes: 'Done', partner: 'waste-contractor' }), {
          messageId: 'other',
        }),
        received(aMessage({ kind: 'completion', requestId: requestA, notes: 'Done', partner: 'highways-contractor' }), {
          messageId: 'self',
        }),
      ],
      'highways-contractor',
    );
    expect(plan.rejected.map((r) => [r.messageId, r.reason])).toEqual([
      ['text', 'InvalidJson'],
      ['array', 'InvalidJson'],
      ['status', 'SchemaValidationFailed'],
      ['extra', 'SchemaValidationFailed'],
      ['other', 'PartnerMismatch'],
    ]);
    expect(plan.rejected.find((r) => r.messageId === 'status')?.description).toContain('/status');
    expect(plan.rejected.map((r) => r.description).join(' ')).not.toMatch(/demolished|red/);
    // Naming itself is allowed: the queue and the body agree.
    expect(ids(plan.phases[1] ?? [])).toEqual([['self']]);
  });

  it('when the same message or the same update of a job comes twice in a batch, then the first is planned and the repeat is a duplicate', () => {
    const update = aMessage({ kind: 'public-update', requestId: requestA, text: 'Cones placed', updateId: 'U-1' });
    const plan = planBatch(
      [
        received(update, { messageId: 'first' }),
        received(update, { messageId: 'same-update' }),
        received(aMessage({ kind: 'public-update', requestId: requestA, text: 'Again' }), { messageId: 'twice' }),
        received(aMessage({ kind: 'public-update', requestId: requestA, text: 'Again' }), { messageId: 'twice' }),
        // The same update id on another job is another update.
        received(aMessage({ kind: 'public-update', requestId: requestB, text: 'Cones', updateId: 'U-1' }), {
          messageId: 'other-job',
        }),
      ],
      'highways-contractor',
    );
    expect(plan.duplicates).toEqual(['same-update', 'twice']);
    expect(ids(plan.phases[1] ?? [])).toEqual([['first', 'twice'], ['other-job']]);
  });

  it('parses each body once, whatever it arrives as (object, text or bytes)', () => {
    const body = aMessage({ kind: 'public-update', requestId: requestA, text: 'x' });
    const plan = planBatch(
      [
        received(body, { messageId: 'object' }),
        received(JSON.stringify(body), { messageId: 'text' }),
        received(Buffer.from(JSON.stringify(body)), { messageId: 'bytes' }),
      ],
      'highways-contractor',
    );
    expect(ids(plan.phases[1] ?? [])).toEqual([['object', 'text', 'bytes']]);
    expect(plan.phases[1]?.[0]?.[1]?.message).toMatchObject({ kind: 'public-update', text: 'x' });
  });
});
