import { describe, expect, it } from 'vitest';
import { lifecycleRules, recordTypes, retentionRules, ttlSecondsOf } from '../../shared/data/retention.js';
import { cosmosContainers } from '../../shared/data/cosmos-containers.js';
import { uploadPolicies } from '../../shared/uploads/policy.js';

describe('retention rules', () => {
  it('when a record type is listed, then it has a period, an erasure action and a written reason', () => {
    for (const type of recordTypes) {
      const rule = retentionRules[type];
      expect(rule.reason.length, type).toBeGreaterThan(40);
      expect(['delete', 'anonymise', 'keep']).toContain(rule.onErasure);
      expect(rule.enforcedBy.length, type).toBeGreaterThan(0);
    }
  });

  it('when Storage lifecycle rules are applied, then quarantine and exports expire by them and documents only lose previous versions (legal hold)', () => {
    expect(lifecycleRules).toEqual([
      { name: 'quarantine-1-day', prefix: 'quarantine/', deleteAfterDays: 1 },
      // Documents: the retention timer deletes them (it honours legal hold); the rule only clears previous versions.
      { name: 'photos-versions', prefix: 'documents/photos/', deleteAfterDays: null },
      { name: 'evidence-versions', prefix: 'documents/evidence/', deleteAfterDays: null },
      { name: 'exports-7-days', prefix: 'exports/', deleteAfterDays: 7 },
    ]);
    for (const policy of Object.values(uploadPolicies))
      expect(lifecycleRules.map((r) => r.prefix)).toContain(`documents/${policy.folder}/`);
  });

  it('when the access audit expires by TTL, then its container default is the audit rule’s period', () => {
    const audit = cosmosContainers.find((c) => c.name === 'audit');
    expect(audit?.defaultTtlSeconds).toBe(ttlSecondsOf('audit-entry'));
  });

  it('when a rule keeps records through an erasure, then it says so (financial records are kept, not deleted)', () => {
    expect(retentionRules.payment.onErasure).toBe('anonymise');
    expect(retentionRules.refund.onErasure).toBe('keep');
    expect(retentionRules.profile.onErasure).toBe('delete');
    expect(retentionRules['document-evidence'].onErasure).toBe('delete');
  });
});
