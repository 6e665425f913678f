/**
 * How long each record is kept, for the data map's document: a stored record quotes
 * its rules from `shared/data/retention.ts` (the one table erasure, export, the
 * retention timer, TTLs and lifecycle rules read); what only passes through says
 * how long it is in transit and who keeps it after.
 */
import { recordTypes, retentionRules, type KeepFor, type OnErasure, type RecordType } from '../data/retention.js';
import type { RecordMap } from './classification.js';

const period = (keep: KeepFor): string => {
  if (keep === 'while-account-active') return 'while the account is active';
  if (keep === 'until-used') return 'until its job is done';
  if (keep.days === 0) return `until ${keep.from}`;
  const years =
    keep.days % 365 === 0
      ? `${keep.days / 365} year${keep.days === 365 ? '' : 's'}`
      : `${keep.days} day${keep.days === 1 ? '' : 's'}`;
  return `${years} from ${keep.from}`;
};

const rule = (type: RecordType): string => {
  const r = retentionRules[type];
  return `\`${type}\`: ${period(r.keepFor)}; on erasure ${r.onErasure} (${r.enforcedBy.join(', ')}). ${r.reason}`;
};

export function retentionOf(map: Pick<RecordMap<unknown>, 'kind' | 'retention'>): string {
  if (map.retention && map.retention.length > 0) return map.retention.map(rule).join(' ');
  switch (map.kind) {
    case 'queue':
      return 'until sent; at most 14 days on the queue';
    case 'event':
      return 'at most 14 days on the topic; each subscriber keeps its own copy under its own schedule';
    case 'work-order':
      return 'at most 14 days on the topic; the back office keeps it under its contract';
    case 'notify':
    case 'pay':
      return 'held by the processor under its own retention (Notify: 7 days of content; Pay: the financial record)';
    case 'open311':
      return 'not stored: shown while the request is kept';
    default:
      return 'no rule: a stored record must name its retention rules';
  }
}

const onErasure: Readonly<Record<OnErasure, string>> = {
  delete: 'deleted',
  anonymise: 'kept, detached from the person (see its rule)',
  keep: 'kept whole, for its rule’s period (see its reason)',
};

const enforcedBy = {
  'cosmos-ttl': 'Cosmos DB TTL',
  'retention-timer': 'retention timer',
  'blob-lifecycle': 'Storage lifecycle rule',
  'queue-ttl': 'queue expiry',
  'erasure-only': 'erasure of the account',
} as const;

/**
 * One table of every record type: how long it is kept, what enforces that, and what
 * erasing the resident does to it (the summary a DPO or a closing note quotes).
 */
export function retentionTable(maps: readonly Pick<RecordMap<unknown>, 'title' | 'retention'>[]): string[] {
  const cell = (s: string) => s.replace(/\|/g, '\\|');
  return [
    '## Retention and erasure, by record type',
    '',
    'From `shared/data/retention.ts`; each rule’s reason is quoted with the records below. A document under legal hold',
    '(`shared/uploads/legal-hold.ts`) is kept by every retention and erasure step while the hold lasts.',
    '',
    '| record type | kept | enforced by | on erasure | records |',
    '| --- | --- | --- | --- | --- |',
    ...recordTypes.map((type) => {
      const r = retentionRules[type];
      const records = maps.filter((m) => m.retention?.includes(type)).map((m) => m.title);
      return `| \`${type}\` | ${period(r.keepFor)} | ${r.enforcedBy.map((e) => enforcedBy[e]).join(', ')} | ${onErasure[r.onErasure]} | ${cell(records.join('; ') || '(none stored)')} |`;
    }),
    '',
  ];
}
