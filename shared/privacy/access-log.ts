/**
 * The access audit as the agreed contract describes it (`shared/audit/access-log.ts`
 * is the data map owner's; until it is merged, erasure and export code against this
 * shape, and the merge points both at one module). Append-only: the app only ever
 * creates entries.
 */
import type { Container } from '@azure/cosmos';
import { randomUUID } from 'node:crypto';

export interface AccessEntry {
  readonly id: string;
  readonly residentId: string;
  readonly kind: 'access';
  readonly at: string;
  readonly actor: { readonly sub: string; readonly roles: readonly string[]; readonly kind: 'staff' | 'partner' };
  readonly what: { readonly type: 'request' | 'profile' | 'document' | 'payment' | 'export'; readonly id: string };
  readonly why: string;
}

export interface AccessLog {
  record(entry: Omit<AccessEntry, 'id' | 'kind'>): Promise<void>;
  listForResident(residentId: string): Promise<AccessEntry[]>;
}

export function cosmosAccessLog(audit: Container): AccessLog {
  return {
    async record(entry) {
      await audit.items.create({ ...entry, id: randomUUID(), kind: 'access' });
    },
    async listForResident(residentId) {
      const { resources } = await audit.items
        .query<AccessEntry>(
          {
            query: "SELECT * FROM c WHERE c.residentId = @r AND c.kind = 'access' ORDER BY c.at",
            parameters: [{ name: '@r', value: residentId }],
          },
          { partitionKey: residentId },
        )
        .fetchAll();
      return resources.map(({ id, residentId: r, kind, at, actor, what, why }) => ({
        id,
        residentId: r,
        kind,
        at,
        actor,
        what,
        why,
      }));
    },
  };
}
