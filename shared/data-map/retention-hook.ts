/**
 * How long each record type is kept, for the data map's document.
 *
 * TODO(privacy-rights merge): shared/data/retention.ts gains per-record-type rules
 * (`{ keepFor, onErasure, reason }`). When it does, read them here: this is the ONE
 * place the data map reads retention. Until then: the blob lifecycle rules and the
 * container TTLs that exist, and "not yet enforced" for the rest.
 */
import { lifecycleRules } from '../data/retention.js';
import { cosmosContainers } from '../data/cosmos-containers.js';

const days = (n: number) => (n % 365 === 0 ? `${n / 365} year${n === 365 ? '' : 's'}` : `${n} days`);

const blobRule = (prefix: string) => {
  const rule = lifecycleRules.find((r) => r.prefix === prefix);
  return rule ? `${days(rule.deleteAfterDays)} (Storage lifecycle rule \`${rule.name}\`)` : undefined;
};

const idempotencyTtl = (cosmosContainers.find((c) => c.name === 'idempotency') as { defaultTtlSeconds?: number })
  .defaultTtlSeconds;

export function retentionOf(record: string, kind: string): string {
  if (kind === 'blob' && record === 'photo') return blobRule('documents/photos/') ?? notYet;
  if (kind === 'blob' && record === 'document') return blobRule('documents/evidence/') ?? notYet;
  if (record === 'idempotency' && idempotencyTtl) return `${idempotencyTtl / 3600} hours (container TTL)`;
  if (kind === 'queue') return 'until sent; at most 14 days on the queue';
  if (kind === 'event')
    return 'at most 14 days on the topic; each subscriber keeps its own copy under its own schedule';
  if (kind === 'work-order') return 'at most 14 days on the topic; the back office keeps it under its contract';
  if (kind === 'notify' || kind === 'pay')
    return 'held by the processor under its own retention (Notify: 7 days of content; Pay: the financial record)';
  if (kind === 'open311') return 'not stored: shown while the request is kept';
  return notYet;
}

const notYet = 'not yet enforced: per-record-type rules arrive in shared/data/retention.ts (#16 item 4)';
