/**
 * How long each record is kept, for the data map's document: a stored record quotes
 * its rules from `shared/data/retention.ts` (the one table erasure, export, the
 * retention timer, TTLs and lifecycle rules read); what only passes through says
 * how long it is in transit and who keeps it after.
 */
import { retentionRules, type KeepFor, type RecordType } from '../data/retention.js';
import type { RecordMap } from './classification.js';

const period = (keep: KeepFor): string => {
  if (keep === 'while-account-active') return 'while the account is active';
  if (keep === 'until-used') return 'until its job is done';
  const years = keep.days % 365 === 0 ? `${keep.days / 365} year${keep.days === 365 ? '' : 's'}` : `${keep.days} days`;
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
