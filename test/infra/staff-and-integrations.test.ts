/**
 * #17 and #18 in infra/: the staff pages' sign-in, every setting the code requires, dead-letter
 * rights for the operator API (decision 1070), legal holds on documents (decision 1071) and
 * device identities (decision 1072), under Pulumi mocks.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseInfraConfig } from '../../infra/config.js';
import { builtInRoles, customRoleId } from '../../infra/roles.js';
import { webStaffSecretSettings } from '../../infra/web-app.js';
import { ConfigError, parseConfig } from '../../shared/config.js';
import { documentContainers } from '../../shared/data/blob-containers.js';
import { cosmosContainers } from '../../shared/data/cosmos-containers.js';
import { topology } from '../../shared/messaging/topology.js';
import { deadLetterEntities, isReplayable } from '../../shared/operations/dead-letters.js';
import { parseWebConfig, WebConfigError } from '../../web/config.js';
import { localWards } from '../../shared/wards/local-wards.js';
import { packageWards } from '../../scripts/package-wards.js';
import { mocked, stackConfig, synthesize, type Recorded } from './synthesize.js';

const recordsSystem = '00000000-0000-4000-8000-0000000011f0';
// A syntactically valid PEM: the hub stores the public certificate; no key is ever configured.
const deviceCa = '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUDoorstepDeviceCA\n-----END CERTIFICATE-----\n';
// A council's ward file where the platform team keeps it (decision 1074); any path works, infra/ is the base.
const wardFile = join(mkdtempSync(join(tmpdir(), 'doorstep-stack-')), 'wards.geojson');
writeFileSync(wardFile, JSON.stringify(localWards));
const overrides = {
  wardBoundariesFile: wardFile,
  partnerPrincipals: JSON.stringify({ 'records-system': recordsSystem }),
  deviceCaCertificate: deviceCa,
  staffTeams: 'highways=Highways,waste=Waste',
  // A council's own member-enquiry standard (the app's defaults are 10 and 2).
  enquiryResponseWorkingDays: '15',
  enquiryReminderWorkingDays: '3',
};
const cfg = stackConfig('prod', overrides);

let resources: Recorded[] = [];
const ofType = (type: string) => resources.filter((r) => r.type === `azure-native:${type}`);
const named = (name: string) => resources.find((r) => r.name === name);
const byId = (id: unknown) => resources.find((r) => r.id === id);
const settingsOf = (app: string) =>
  Object.fromEntries(
    (
      (named(app)?.inputs.siteConfig as { appSettings?: { name: string; value: string }[] } | undefined)?.appSettings ??
      []
    ).map((s) => [s.name, s.value]),
  );
/** What the platform puts in place of a Key Vault reference once it resolves it. */
const resolved = (settings: Record<string, string>) =>
  Object.fromEntries(
    Object.entries(settings).map(([k, v]) => [k, v.startsWith('@Microsoft.KeyVault(') ? 'resolved-secret' : v]),
  );
/** A stack file's `doorstep:` values, as `pulumi config` holds them. */
function stackValues(stack: 'dev' | 'prod'): Record<string, string> {
  const file = parse(readFileSync(join(import.meta.dirname, `../../infra/Pulumi.${stack}.yaml`), 'utf8')) as {
    config: Record<string, unknown>;
  };
  return Object.fromEntries(
    Object.entries(file.config)
      .filter(([k]) => k.startsWith('doorstep:'))
      .map(([k, v]) => [k.slice('doorstep:'.length), String(v)]),
  );
}
const roleOf = (a: Recorded) => String(a.inputs.roleDefinitionId).split('/').pop();

/** The app package as `npm run build -- --stack prod` lays it out: host.json and the stack's wards. */
const app = mkdtempSync(join(tmpdir(), 'doorstep-app-'));
writeFileSync(join(app, 'host.json'), '{"version":"2.0"}');

beforeAll(async () => {
  ({ resources } = await synthesize('prod', overrides));
  await packageWards(wardFile, app);
}, 240_000);

/** The setting names a configuration parser says are missing when given nothing at all. */
function required(parse: () => unknown): string[] {
  try {
    parse();
  } catch (error) {
    if (!(error instanceof ConfigError || error instanceof WebConfigError)) throw error;
    return error.issues.flatMap((issue) => {
      const name = /^([A-Za-z][A-Za-z0-9_]+):/.exec(issue)?.[1] ?? /^Set ([A-Za-z]+__[A-Za-z]+)/.exec(issue)?.[1];
      return name ? [name] : [];
    });
  }
  throw new Error('an empty environment was accepted');
}

describe('the app settings infra sets, against what the code reads', () => {
  it('when the code is given nothing, then every setting it says is missing is one infra sets, for the API and the site', () => {
    const api = required(() => parseConfig({}));
    const site = required(() => parseWebConfig({}));
    // Guards the parse of the messages: the known required settings are among them.
    expect(api).toEqual(expect.arrayContaining(['OIDC_ISSUER', 'COUNCIL_BOUNDARY', 'CosmosDb__accountEndpoint']));
    expect(site).toEqual(expect.arrayContaining(['WEB_API_BASE_URL', 'WEB_OIDC_CLIENT_SECRET', 'WEB_SESSION_KEY']));
    expect(api.filter((name) => !(name in settingsOf('func')))).toEqual([]);
    expect(site.filter((name) => !(name in settingsOf('func-web')))).toEqual([]);
  });

  it('when the stack configures the optional features, then their settings reach the parsed configuration', () => {
    const api = parseConfig(resolved(settingsOf('func')), app);
    // The records system is its service principal: the one that holds its Service Bus rights (decision 1100).
    expect(api.recordsSystemPrincipal).toBe(recordsSystem);
    expect(api.casework.mailbox).toBe(cfg.caseworkMailbox);
    expect(api.casework.responseWorkingDays).toBe(15);
    expect(api.casework.reminderWorkingDays).toBe(3);
    // A reminder on or after the deadline is refused at preview, not quietly moved by the app.
    expect(() => stackConfig('prod', { ...overrides, enquiryReminderWorkingDays: '15' })).toThrow(
      /enquiryReminderWorkingDays/,
    );
    expect(api.staffTeams.map((t) => t.code)).toEqual(['highways', 'waste']);
    expect(api.workforceIdentity).toEqual({
      issuer: cfg.workforceOidcIssuer,
      audience: cfg.workforceOidcAudience,
      tenantId: cfg.workforceTenantId,
    });
  });

  it('when the stack names a ward file, then the setting points into the package built for the stack, and the app reads the wards from there', () => {
    expect(settingsOf('func').WARD_BOUNDARIES_FILE).toBe('wards.geojson');
    // The data itself never rides an app setting: too big for one (decision 1074).
    expect(settingsOf('func').WARD_BOUNDARIES).toBeUndefined();
    const api = parseConfig(resolved(settingsOf('func')), app);
    expect(api.wards.map((w) => w.code)).toEqual(localWards.features.map((f) => f.properties.WD24CD));
    // Built without the stack's wards, the app refuses to start rather than place no request in a ward.
    expect(() => parseConfig(resolved(settingsOf('func')), mkdtempSync(join(tmpdir(), 'doorstep-app-')))).toThrow(
      /WARD_BOUNDARIES_FILE: wards\.geojson is not in the app package/,
    );
  });

  it('when infra sets a setting, then the code or the Functions host reads it (no misspelt name goes unnoticed)', () => {
    const read = ['shared/config.ts', 'web/config.ts', 'web/index.ts']
      .map((f) => readFileSync(join(import.meta.dirname, '../..', f), 'utf8'))
      .join('\n');
    // Read by the Functions host or the Azure SDKs' credential, not by Doorstep's own code.
    const host = /^(AzureWebJobsStorage|APPLICATIONINSIGHTS_|AZURE_CLIENT_ID$|FUNCTIONS_REQUEST_BODY_SIZE_LIMIT$)/;
    const unread = ['func', 'func-web'].flatMap((app) =>
      Object.keys(settingsOf(app))
        .map((name) => name.replace(/__(credential|clientId)$/, ''))
        // A connection's name and its suffix are spelled apart in shared/config.ts (`${name}__${suffix}`).
        .filter((name) => !host.test(name) && !name.split('__').every((part) => read.includes(part)))
        .map((name) => `${app}: ${name}`),
    );
    expect(unread).toEqual([]);
  });
});

describe('the Cosmos DB containers #17 and #18 added', () => {
  it('when casework, reports and sensors are provisioned, then with their partition keys, and only the app holds a data role on each, never on the database', () => {
    for (const name of ['casework', 'reports', 'sensors'] as const) {
      const definition = cosmosContainers.find((c) => c.name === name);
      const container = ofType('cosmosdb:SqlResourceSqlContainer').find((c) => c.inputs.containerName === name);
      expect(container?.inputs.resource, name).toMatchObject({
        partitionKey: { paths: [definition?.partitionKeyPath] },
      });
      const roles = ofType('cosmosdb:SqlResourceSqlRoleAssignment').filter((r) =>
        String(r.inputs.scope).endsWith(`/colls/${name}`),
      );
      expect(
        roles.map((r) => r.inputs.principalId),
        name,
      ).toEqual([mocked.principalId('id-app')]);
    }
    expect(
      ofType('cosmosdb:SqlResourceSqlRoleAssignment').filter((r) => String(r.inputs.scope).endsWith('/dbs/doorstep')),
    ).toEqual([]);
  });
});

describe('the staff pages’ sign-in (decision 1073)', () => {
  it('when the stack names the workforce directory and the staff app, then the site signs staff in there, with the client secret a reference to the site’s own vault', () => {
    const settings = settingsOf('func-web');
    for (const [setting, secret] of Object.entries(webStaffSecretSettings))
      expect(settings[setting]).toBe(`@Microsoft.KeyVault(VaultName=kv-doorstep-web-prod;SecretName=${secret})`);
    const site = parseWebConfig({
      ...resolved(settings),
      WEB_SESSION_KEY: Buffer.alloc(32, 7).toString('base64'),
    });
    expect(site.staffOidc).toMatchObject({
      issuer: cfg.workforceOidcIssuer,
      clientId: cfg.staffWebClientId,
      clientSecret: 'resolved-secret',
      audience: cfg.workforceOidcAudience,
      redirectUri: `${String(cfg.webOrigin)}/staff/auth/callback`,
      // Entra names the API in a scope and refuses an RFC 8707 `resource` (AADSTS901002).
      scopes: `openid profile api://${String(cfg.workforceOidcAudience)}/access_as_user`,
      resourceIndicator: false,
    });
    // The resident sign-in stays on the resident directory, asking for the API's scope there.
    expect(site.oidc.issuer).toBe(cfg.oidcIssuer);
    expect(site.oidc).toMatchObject({ scopes: `openid profile email ${cfg.webApiScope}`, resourceIndicator: false });
  });

  it('when only part of the workforce settings is given, then the stack configuration is refused before anything is built', () => {
    const values = stackValues('prod');
    const { workforceTenantId: _tenant, ...partial } = values;
    expect(() => parseInfraConfig(partial)).toThrow(/all three or none/);
    const { workforceOidcIssuer: _i, workforceOidcAudience: _a, ...noWorkforce } = partial;
    expect(() => parseInfraConfig(noWorkforce)).toThrow(/staffWebClientId/);
    expect(() => parseInfraConfig(values)).not.toThrow();
  });
});

describe('dead letters for the operator (decision 1070)', () => {
  const scopeName = (entity: string) => (entity.includes('/') ? `sbs-${entity.replace('/', '-')}` : `sbq-${entity}`);
  const grantsTo = (principal: string, role: string) =>
    ofType('authorization:RoleAssignment')
      .filter((a) => a.inputs.principalId === principal && roleOf(a) === role)
      .map((a) => byId(a.inputs.scope)?.name);

  it('when the operator API runs as the app, then the app may read every dead-letter queue and replay to every queue, each granted on its own entity', () => {
    for (const principal of [mocked.principalId('id-app'), cfg.operatorsGroupObjectId ?? 'none']) {
      const receive = grantsTo(principal, builtInRoles.serviceBusDataReceiver);
      const send = grantsTo(principal, builtInRoles.serviceBusDataSender);
      for (const entity of deadLetterEntities()) {
        expect(receive, `${principal} receives on ${entity}`).toContain(scopeName(entity));
        if (isReplayable(entity)) expect(send, `${principal} sends to ${entity}`).toContain(scopeName(entity));
      }
      // A subscription is never sent to: its topic would deliver the copy to every subscriber.
      expect(send.filter((s) => s?.startsWith('sbs-'))).toEqual([]);
    }
    // The operators' group cannot publish as Doorstep: no send on a topic.
    expect(grantsTo(cfg.operatorsGroupObjectId ?? 'none', builtInRoles.serviceBusDataSender)).toEqual(
      topology.queues.map((q) => `sbq-${q.name}`),
    );
  });

  it('when anyone is granted Service Bus rights, then never namespace-wide, and never twice on one entity', () => {
    const assignments = ofType('authorization:RoleAssignment');
    expect(assignments.filter((a) => byId(a.inputs.scope)?.type === 'azure-native:servicebus:Namespace')).toEqual([]);
    const keys = assignments.map((a) => `${String(a.inputs.principalId)} ${roleOf(a) ?? ''} ${String(a.inputs.scope)}`);
    // Azure refuses a second assignment of one role to one principal at one scope.
    expect(keys.filter((k, i) => keys.indexOf(k) !== i)).toEqual([]);
  });
});

describe('legal holds on documents (decision 1071)', () => {
  it('when the documents container is created, then it has version-level immutability on an account with versioning, and no other container does', () => {
    const containers = ofType('storage:BlobContainer').filter((c) => c.inputs.accountName === 'stdoorstepdocsprod');
    expect(containers.map((c) => c.inputs.containerName).sort()).toEqual(Object.values(documentContainers).sort());
    for (const c of containers)
      expect(c.inputs.immutableStorageWithVersioning, String(c.inputs.containerName)).toEqual(
        c.inputs.containerName === documentContainers.documents ? { enabled: true } : undefined,
      );
    expect(named('st-documents-blob-service')?.inputs.isVersioningEnabled).toBe(true);
    // Azure takes the property only at creation: an existing container is migrated, never replaced.
    expect(named(`st-documents-${documentContainers.documents}`)?.ignoreChanges).toContain(
      'immutableStorageWithVersioning',
    );
  });

  it('when the app sets a hold, then it holds a role with the hold action alone, on the documents container alone, defined for this stack', () => {
    const definition = named('role-def-legalHoldWriter');
    expect(definition?.inputs).toMatchObject({
      roleDefinitionId: customRoleId(cfg, 'legalHoldWriter'),
      scope: named('rg')?.id,
      assignableScopes: [named('rg')?.id],
      permissions: [
        {
          actions: [],
          dataActions: [
            'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/immutableStorage/runAsSuperUser/action',
          ],
        },
      ],
    });
    const assignment = named('role-blob-legal-hold');
    expect(assignment?.inputs.principalId).toBe(mocked.principalId('id-app'));
    expect(byId(assignment?.inputs.scope)?.name).toBe(`st-documents-${documentContainers.documents}`);
    expect(assignment?.dependsOn).toContain('role-def-legalHoldWriter');
    // A custom role's id is unique in the tenant, where a council's dev and prod stacks both live.
    expect(customRoleId(stackConfig('dev'), 'legalHoldWriter')).not.toBe(customRoleId(cfg, 'legalHoldWriter'));
    expect(customRoleId(cfg, 'legalHoldWriter')).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });
});

describe('device identities (decision 1072)', () => {
  it('when devices connect, then only with certificates from the council’s device CA: no key of any kind works and no provisioning service holds a hub key', () => {
    expect(named('iot-hub')?.inputs.properties).toMatchObject({
      disableLocalAuth: true,
      disableDeviceSAS: true,
      disableModuleSAS: true,
    });
    expect(named('iot-device-ca')?.inputs).toMatchObject({
      resourceName: 'iot-doorstep-prod',
      certificateName: 'device-ca',
      properties: { certificate: deviceCa, isVerified: true },
    });
    expect(resources.filter((r) => r.type.startsWith('azure-native:deviceprovisioningservices:'))).toEqual([]);
  });

  it('when the platform team registers devices, then it holds the registry role on the hub and nothing else there', () => {
    const onHub = ofType('authorization:RoleAssignment').filter((a) => a.inputs.scope === named('iot-hub')?.id);
    expect(onHub.map((a) => [a.inputs.principalId, roleOf(a)])).toEqual([
      [cfg.operatorsGroupObjectId, builtInRoles.iotHubRegistryContributor],
    ]);
  });
});
