/**
 * Permissions from Azure's own definitions: every role the stack assigns exists in
 * Microsoft's published list (azure-built-in-roles.json), every data-plane call in
 * data-plane-calls.ts is granted where it is made, and nothing more is granted.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  cosmosDataActions,
  dataPlaneCalls as ownCalls,
  partnerCalls,
  type Caller,
  type DataPlaneCall,
} from './data-plane-calls.js';
import { customRoleId, customRoles, type CustomRole } from '../../infra/roles.js';
import { mocked, stackConfig, synthesize, type Recorded } from './synthesize.js';

interface RoleDefinition {
  readonly id: string;
  readonly roleName: string;
  readonly actions: readonly string[];
  readonly dataActions: readonly string[];
}
const published = JSON.parse(readFileSync(join(import.meta.dirname, 'azure-built-in-roles.json'), 'utf8')) as {
  roles: RoleDefinition[];
  cosmosSqlRoles: RoleDefinition[];
};
const repoRoot = join(import.meta.dirname, '../..');

/** Azure's wildcard: `*` matches any run of characters, `/` included; names are case-insensitive. */
const matches = (pattern: string, action: string) =>
  new RegExp(`^${pattern.split('*').map(escape).join('.*')}$`, 'i').test(action);
function escape(s: string) {
  return s.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
}
const allows = (role: RoleDefinition, p: DataPlaneCall['permission']) =>
  (p.plane === 'data' ? role.dataActions : role.actions).some((pattern) => matches(pattern, p.action));

/**
 * Rights that matter beyond what the app uses: a role that also grants one of these where it
 * is not needed is wider than necessary (tags, ACLs and ownership, the whole namespace...).
 */
const sensitive: DataPlaneCall['permission'][] = [
  ...['tags/read', 'tags/write', 'modifyPermissions/action', 'manageOwnership/action', 'runAsSuperUser/action'].map(
    (verb) => ({
      action: `Microsoft.Storage/storageAccounts/blobServices/containers/blobs/${verb}`,
      plane: 'data' as const,
    }),
  ),
  { action: 'Microsoft.Storage/storageAccounts/blobServices/containers/delete', plane: 'control' },
  { action: 'Microsoft.ServiceBus/namespaces/queues/write', plane: 'control' },
  { action: 'Microsoft.KeyVault/vaults/secrets/delete', plane: 'data' },
  { action: 'Microsoft.KeyVault/vaults/secrets/purge/action', plane: 'data' },
];
const universe = [...ownCalls.map((c) => c.permission), ...sensitive];
const grants = (role: RoleDefinition) => universe.filter((p) => allows(role, p)).map((p) => `${p.plane}:${p.action}`);
/** `a` grants a strict subset of what `b` grants, over every permission this program cares about. */
const narrower = (a: RoleDefinition, b: RoleDefinition) => {
  const ga = new Set(grants(a));
  const gb = new Set(grants(b));
  return ga.size < gb.size && [...ga].every((g) => gb.has(g));
};

/** Back offices' principals, when the stack configuration names them (the partners' part of infra/). */
export const partnerPrincipals = (cfg: object): Record<string, string> => {
  const value = (cfg as { partnerPrincipals?: unknown }).partnerPrincipals;
  const parsed: unknown = typeof value === 'string' ? JSON.parse(value || '{}') : value;
  return parsed && typeof parsed === 'object'
    ? Object.fromEntries(Object.entries(parsed).filter((e): e is [string, string] => typeof e[1] === 'string'))
    : {};
};

export function describePermissions(stack: 'dev' | 'prod'): void {
  const cfg = stackConfig(stack);
  const partners = partnerPrincipals(cfg);
  const dataPlaneCalls = [...ownCalls, ...Object.keys(partners).flatMap(partnerCalls)];
  let resources: Recorded[];
  const byName = (name: string) => resources.find((r) => r.name === name);
  const byId = (id: unknown) => resources.find((r) => r.id === id);
  const principalOf = (caller: Caller) =>
    caller === 'operators'
      ? (cfg.operatorsGroupObjectId ?? 'no-operators-group')
      : caller.startsWith('partner:')
        ? (partners[caller.slice('partner:'.length)] ?? 'no-such-partner')
        : mocked.principalId(caller);
  /** A resource and what contains it (container → account, subscription → topic → namespace). */
  const lineage = (r: Recorded | undefined): Recorded[] => {
    if (!r) return [];
    const parent = (type: string, key: string) =>
      resources.find((p) => p.type === `azure-native:${type}` && p.inputs[key] === r.inputs[key]);
    const up =
      r.type === 'azure-native:storage:BlobContainer'
        ? parent('storage:StorageAccount', 'accountName')
        : r.type === 'azure-native:servicebus:Subscription'
          ? parent('servicebus:Topic', 'topicName')
          : r.type === 'azure-native:servicebus:Queue' || r.type === 'azure-native:servicebus:Topic'
            ? parent('servicebus:Namespace', 'namespaceName')
            : undefined;
    return [r, ...lineage(up)];
  };
  // The project's own roles (infra/roles.ts), where no published role is narrow enough.
  const custom: RoleDefinition[] = Object.entries(customRoles).map(([name, r]) => ({
    id: customRoleId(cfg, name as CustomRole),
    roleName: `Doorstep ${name}`,
    actions: [],
    dataActions: [...r.dataActions],
  }));
  const roleOf = (a: Recorded) => {
    const id = String(a.inputs.roleDefinitionId).split('/').pop();
    return [...published.roles, ...custom].find((r) => r.id === id);
  };

  beforeAll(async () => {
    ({ resources } = await synthesize(stack));
  }, 240_000);

  describe(`the ${stack} stack's permissions, checked against Microsoft's published role definitions`, () => {
    const assignments = () => resources.filter((r) => r.type === 'azure-native:authorization:RoleAssignment');

    it('assigns only roles that exist in the published list', () => {
      for (const a of assignments()) expect(roleOf(a), `${a.name}: ${String(a.inputs.roleDefinitionId)}`).toBeDefined();
      // role-cosmos-audit is the project's own custom role (create/read/query on `audit`), checked in invariants.ts.
      const cosmos = resources.filter(
        (r) => r.type === 'azure-native:cosmosdb:SqlResourceSqlRoleAssignment' && r.name !== 'role-cosmos-audit',
      );
      for (const a of cosmos) {
        const id = String(a.inputs.roleDefinitionId).split('/').pop();
        expect(
          published.cosmosSqlRoles.map((r) => r.id),
          a.name,
        ).toContain(id);
      }
    });

    it('grants every data-plane call the app and the platform make, on the resource it is made on', () => {
      const missing = dataPlaneCalls.filter((c) => {
        const scopes = lineage(byName(c.on)).map((r) => r.id);
        return !assignments().some((a) => {
          const role = roleOf(a);
          return (
            a.inputs.principalId === principalOf(c.caller) &&
            scopes.includes(String(a.inputs.scope)) &&
            role !== undefined &&
            allows(role, c.permission)
          );
        });
      });
      expect(missing.map((c) => `${c.caller} → ${c.call} (${c.permission.action} on ${c.on})`)).toEqual([]);
    });

    it('grants nothing more: each assignment is needed by a call, and no narrower published role would do', () => {
      for (const a of assignments()) {
        const role = roleOf(a);
        const needs = dataPlaneCalls.filter(
          (c) =>
            principalOf(c.caller) === a.inputs.principalId &&
            lineage(byName(c.on)).some((r) => r.id === a.inputs.scope) &&
            role !== undefined &&
            allows(role, c.permission),
        );
        expect(
          needs.length,
          `${a.name} (${role?.roleName ?? '?'} on ${byId(a.inputs.scope)?.name ?? '?'}) is needed`,
        ).toBeGreaterThan(0);
        const enough = published.roles.filter(
          (r) => role !== undefined && narrower(r, role) && needs.every((c) => allows(r, c.permission)),
        );
        expect(
          enough.map((r) => r.roleName),
          `${a.name}: a narrower role would do`,
        ).toEqual([]);
      }
    });

    it('lets the app do what it does in Cosmos DB with the narrowest built-in data role, on its database only', () => {
      const [assignment] = resources.filter(
        (r) => r.type === 'azure-native:cosmosdb:SqlResourceSqlRoleAssignment' && r.name !== 'role-cosmos-audit',
      );
      const id = String(assignment?.inputs.roleDefinitionId).split('/').pop();
      const role = published.cosmosSqlRoles.find((r) => r.id === id);
      const covers = (r: RoleDefinition | undefined) =>
        cosmosDataActions.every((action) => r?.dataActions.some((p) => matches(p, action)));
      expect(covers(role)).toBe(true);
      expect(
        published.cosmosSqlRoles.filter((r) => r.dataActions.length < (role?.dataActions.length ?? 0) && covers(r)),
      ).toEqual([]);
      expect(String(assignment?.inputs.scope)).toMatch(/\/dbs\/doorstep\/colls\/[a-z-]+$/);
    });

    it('maps calls the code still makes: each named file holds the call', () => {
      for (const c of dataPlaneCalls) {
        if (c.where === 'platform') continue;
        const file = join(repoRoot, c.where.file);
        expect(existsSync(file), c.where.file).toBe(true);
        expect(readFileSync(file, 'utf8'), `${c.where.file} ${c.where.symbol}`).toContain(c.where.symbol);
      }
    });
  });
}
