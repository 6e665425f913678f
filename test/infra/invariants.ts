/**
 * The platform's security and consistency invariants, checked for one stack
 * configuration under Pulumi mocks. Each stack's test file runs them in its own process.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { builtInRoles, customRoleId } from '../../infra/roles.js';
import { optionalSecretSettings, secretSettings } from '../../infra/secrets.js';
import {
  govukPayCardOrigin,
  webRequestBodyLimitBytes,
  webSecretSettings,
  webStaffSecretSettings,
} from '../../infra/web-app.js';
import { uploadRules } from '../../web/api/uploads.js';
import { parseWebConfig } from '../../web/config.js';
import { parseConfig } from '../../shared/config.js';
import { cosmosContainers, type ContainerDefinition } from '../../shared/data/cosmos-containers.js';
import { documentContainers } from '../../shared/data/blob-containers.js';
import { topology } from '../../shared/messaging/topology.js';
import { partnerPrincipals } from './permissions.js';
import { mocked, stackConfig, synthesize, type Recorded } from './synthesize.js';

type Inputs = Record<string, unknown>;
const get = (o: unknown, path: string): unknown =>
  path.split('.').reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Inputs)[k] : undefined), o);

export function describeStack(stack: 'dev' | 'prod'): void {
  const cfg = stackConfig(stack);
  let resources: Recorded[];
  const ofType = (type: string) => resources.filter((r) => r.type === `azure-native:${type}`);
  const one = (type: string, name?: string) => {
    const found = ofType(type).filter((r) => name === undefined || r.name === name);
    expect(found, `${type} ${name ?? ''}`).toHaveLength(1);
    return found[0] as Recorded;
  };
  const byId = (id: unknown) => resources.find((r) => r.id === id);

  beforeAll(async () => {
    ({ resources } = await synthesize(stack));
  }, 240_000);

  describe(`the ${stack} stack`, () => {
    it('allows no key, shared-key or local authentication anywhere', () => {
      expect(one('cosmosdb:DatabaseAccount').inputs).toMatchObject({
        disableLocalAuth: true,
        disableKeyBasedMetadataWriteAccess: true,
      });
      expect(one('servicebus:Namespace').inputs.disableLocalAuth).toBe(true);
      expect(one('applicationinsights:Component').inputs.disableLocalAuth).toBe(true);
      const accounts = ofType('storage:StorageAccount');
      expect(accounts).toHaveLength(4);
      expect(one('iothub:IotHubResource').inputs).toMatchObject({ properties: { disableLocalAuth: true } });
      for (const a of accounts)
        expect(a.inputs, a.name).toMatchObject({ allowSharedKeyAccess: false, defaultToOAuthAuthentication: true });
      // Both function apps: the API and the resident website.
      expect(ofType('web:WebAppFtpAllowed').map((r) => r.inputs.allow)).toEqual([false, false]);
      expect(ofType('web:WebAppScmAllowed').map((r) => r.inputs.allow)).toEqual([false, false]);
    });

    it('allows no public blob access and requires TLS 1.2 or later', () => {
      for (const a of ofType('storage:StorageAccount'))
        expect(a.inputs, a.name).toMatchObject({
          allowBlobPublicAccess: false,
          minimumTlsVersion: 'TLS1_2',
          enableHttpsTrafficOnly: true,
        });
      for (const c of ofType('storage:BlobContainer')) expect(c.inputs.publicAccess, c.name).toBe('None');
      expect(one('servicebus:Namespace').inputs.minimumTlsVersion).toBe('1.2');
      expect(one('cosmosdb:DatabaseAccount').inputs.minimalTlsVersion).toBe('Tls12');
      expect(ofType('web:WebApp')).toHaveLength(2);
      for (const app of ofType('web:WebApp')) {
        expect(app.inputs.httpsOnly, app.name).toBe(true);
        expect(get(app.inputs, 'siteConfig.minTlsVersion'), app.name).toBe('1.2');
      }
    });

    it('scopes every role assignment to the one resource it needs, for this stack’s identities and the operators only', () => {
      const allowed: Record<string, string[]> = {
        [builtInRoles.storageBlobDataContributor]: ['storage:BlobContainer'],
        [builtInRoles.storageBlobDelegator]: ['storage:StorageAccount'],
        [builtInRoles.serviceBusDataSender]: ['servicebus:Queue', 'servicebus:Topic'],
        [builtInRoles.serviceBusDataReceiver]: ['servicebus:Queue', 'servicebus:Subscription'],
        [builtInRoles.iotHubRegistryContributor]: ['iothub:IotHubResource'],
        [customRoleId(cfg, 'legalHoldWriter')]: ['storage:BlobContainer'],
        [builtInRoles.keyVaultSecretsUser]: ['keyvault:Vault'],
        [builtInRoles.keyVaultSecretsOfficer]: ['keyvault:Vault'],
        [builtInRoles.monitoringMetricsPublisher]: ['applicationinsights:Component'],
      };
      const operators = cfg.operatorsGroupObjectId;
      const principals = [
        mocked.principalId('id-app'),
        mocked.principalId('id-web'),
        mocked.principalId('id-deploy'),
        mocked.principalId('egt-scan-results'),
        mocked.principalId('id-iothub'),
        ...(operators ? [operators] : []),
        ...Object.values(partnerPrincipals(cfg)),
      ];
      const assignments = ofType('authorization:RoleAssignment');
      expect(assignments.length).toBeGreaterThan(8);
      for (const a of assignments) {
        // Only the mocks know these principals: each assignment is wired to one of this stack's identities.
        expect(principals, a.name).toContain(a.inputs.principalId);
        expect(a.inputs.principalType, a.name).toBe(a.inputs.principalId === operators ? 'Group' : 'ServicePrincipal');
        const role = String(a.inputs.roleDefinitionId).split('/').pop() ?? '';
        expect(String(a.inputs.roleDefinitionId)).toBe(
          `/subscriptions/${mocked.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${role}`,
        );
        const target = byId(a.inputs.scope);
        expect(target, `${a.name} is scoped to a resource of this stack`).toBeDefined();
        expect(allowed[role], `${a.name} uses an allowed role`).toContain(target?.type.replace('azure-native:', ''));
      }
      const scopesOf = (principal: string, role: string) =>
        assignments
          .filter((a) => a.inputs.principalId === principal && String(a.inputs.roleDefinitionId).endsWith(role))
          .map((a) => byId(a.inputs.scope)?.name)
          .sort();
      const app = mocked.principalId('id-app');
      expect(scopesOf(app, builtInRoles.storageBlobDelegator)).toEqual(['st-documents']);
      expect(scopesOf(app, builtInRoles.storageBlobDataContributor)).toEqual(
        [
          ...Object.values(documentContainers).map((c) => `st-documents-${c}`),
          'st-host-azure-webjobs-hosts',
          'st-host-azure-webjobs-secrets',
          'st-lake-open-data',
        ].sort(),
      );
      // The deployment package is out of the app identity's reach.
      expect(scopesOf(mocked.principalId('id-deploy'), builtInRoles.storageBlobDataContributor)).toEqual([
        'st-host-deployment',
        'st-web-deployment',
      ]);
      expect(
        assignments.filter((a) => a.inputs.principalId === mocked.principalId('id-deploy')).map((a) => a.name),
      ).toEqual(['role-deploy-package', 'role-web-deploy-package']);
      const account = one('cosmosdb:DatabaseAccount');
      const cosmosRoles = ofType('cosmosdb:SqlResourceSqlRoleAssignment');
      // Data Contributor on each container but `audit`, never database-wide (assignments add up).
      const contributor = cosmosRoles.filter(
        (r) => r.inputs.roleDefinitionId === `${account.id}/sqlRoleDefinitions/00000000-0000-0000-0000-000000000002`,
      );
      expect(contributor.map((r) => r.inputs.scope).sort()).toEqual(
        cosmosContainers
          .filter((c) => c.name !== 'audit')
          .map((c) => `${account.id}/dbs/doorstep/colls/${c.name}`)
          .sort(),
      );
      for (const r of cosmosRoles) {
        expect(r.inputs.principalId).toBe(mocked.principalId('id-app'));
        expect(
          r.dependsOn.some((d) => d.startsWith('cosmos-')),
          'each assignment waits for its container',
        ).toBe(true);
      }
      // The audit container: the app may only create, read and query (append-only).
      const audit = cosmosRoles.filter((r) => !contributor.includes(r));
      expect(audit).toHaveLength(1);
      expect(audit[0]?.inputs.scope).toBe(`${account.id}/dbs/doorstep/colls/audit`);
      const definition = byId(audit[0]?.inputs.roleDefinitionId);
      expect(get(definition?.inputs, 'permissions')).toEqual([
        {
          dataActions: [
            'Microsoft.DocumentDB/databaseAccounts/readMetadata',
            'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers/items/create',
            'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers/items/read',
            'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers/executeQuery',
          ],
        },
      ]);
    });

    it('sets every app setting the code reads, identity-based, with secrets as Key Vault references', () => {
      const settings = Object.fromEntries(
        (get(one('web:WebApp', 'func').inputs, 'siteConfig.appSettings') as { name: string; value: string }[]).map(
          (s) => [s.name, s.value],
        ),
      );
      // The app sees Key Vault references resolved by the platform (config refuses a literal one).
      const config = parseConfig(
        Object.fromEntries(
          Object.entries(settings).map(([k, v]) => [k, v.startsWith('@Microsoft.KeyVault(') ? 'resolved-secret' : v]),
        ),
      );
      expect(config.cosmos).toMatchObject({ kind: 'identity', database: 'doorstep' });
      expect(config.serviceBus).toMatchObject({
        kind: 'identity',
        endpoint: 'sb-doorstep-' + stack + '.servicebus.windows.net',
      });
      expect(config.blob.kind).toBe('identity');
      expect(settings.AZURE_CLIENT_ID).toBe(mocked.clientId('id-app'));
      for (const name of ['AzureWebJobsStorage', 'CosmosDb', 'ServiceBus', 'Storage']) {
        expect(settings[`${name}__credential`]).toBe('managedidentity');
        expect(settings[`${name}__clientId`]).toBe(mocked.clientId('id-app'));
      }
      for (const [setting, secret] of Object.entries(secretSettings))
        expect(settings[setting]).toBe(`@Microsoft.KeyVault(VaultName=kv-doorstep-${stack};SecretName=${secret})`);
      // The address service's key only where the stack uses OS Places (it is refused unresolved).
      expect(config.addressLookup).toBe(cfg.addressLookup);
      expect(settings.OS_PLACES_API_KEY).toBe(
        cfg.addressLookup === 'os-places'
          ? `@Microsoft.KeyVault(VaultName=kv-doorstep-${stack};SecretName=${optionalSecretSettings.OS_PLACES_API_KEY})`
          : undefined,
      );
      for (const [name, value] of Object.entries(settings)) {
        expect(value, name).not.toMatch(/AccountKey=|SharedAccessKey=|Password=|SharedAccessSignature=/i);
      }
      expect(settings.AzureWebJobsStorage).toBeUndefined();
      expect(settings.FUNCTIONS_WORKER_RUNTIME).toBeUndefined();
    });

    it('creates exactly the Service Bus entities of the shared topology, with the same settings', () => {
      const queues = ofType('servicebus:Queue');
      expect(queues.map((q) => q.inputs.queueName).sort()).toEqual(topology.queues.map((q) => q.name).sort());
      for (const q of topology.queues) {
        expect(queues.find((r) => r.inputs.queueName === q.name)?.inputs).toMatchObject({
          lockDuration: q.lockDuration,
          maxDeliveryCount: q.maxDeliveryCount,
          requiresDuplicateDetection: q.requiresDuplicateDetection,
          deadLetteringOnMessageExpiration: q.deadLetteringOnMessageExpiration,
        });
      }
      expect(ofType('servicebus:Topic').map((t) => t.inputs.topicName)).toEqual(topology.topics.map((t) => t.name));
      const subscriptions = ofType('servicebus:Subscription');
      const rules = ofType('servicebus:Rule');
      for (const t of topology.topics) {
        for (const s of t.subscriptions) {
          const ofTopic = (r: { inputs: Record<string, unknown> }) =>
            r.inputs.subscriptionName === s.name && r.inputs.topicName === t.name;
          expect(subscriptions.find(ofTopic)?.inputs, `${t.name}/${s.name}`).toMatchObject({
            topicName: t.name,
            maxDeliveryCount: s.maxDeliveryCount,
            lockDuration: s.lockDuration,
          });
          const rule = rules.find(ofTopic);
          if (s.filter.kind === 'sql') expect(get(rule?.inputs, 'sqlFilter.sqlExpression')).toBe(s.filter.expression);
          if (s.filter.kind === 'correlation') expect(rule?.inputs.filterType).toBe('CorrelationFilter');
          if (s.filter.kind === 'true') expect(rule).toBeUndefined();
        }
      }
    });

    it('creates the Cosmos DB containers the code uses, with their partition keys, TTLs and indexes', () => {
      const containers = ofType('cosmosdb:SqlResourceSqlContainer');
      expect(containers).toHaveLength(cosmosContainers.length);
      for (const c of cosmosContainers as readonly ContainerDefinition[]) {
        const resource = containers.find((r) => r.inputs.containerName === c.name)?.inputs.resource as
          Inputs | undefined;
        expect(get(resource, 'partitionKey.paths'), c.name).toEqual([c.partitionKeyPath]);
        expect(resource?.defaultTtl, c.name).toBe(c.defaultTtlSeconds);
        expect(get(resource, 'indexingPolicy.compositeIndexes')).toEqual(
          c.compositeIndexes.map((i) => i.map((p) => ({ path: p.path, order: p.order }))),
        );
      }
      expect(get(one('cosmosdb:DatabaseAccount').inputs, 'backupPolicy.type')).toBe('Continuous');
    });

    it('keeps documents with versioning and soft delete, scans uploads with Defender, and expires quarantine after a day', () => {
      expect(one('storage:BlobServiceProperties').inputs).toMatchObject({
        isVersioningEnabled: true,
        deleteRetentionPolicy: { enabled: true },
      });
      expect(get(one('security:DefenderForStorage').inputs, 'properties.malwareScanning.onUpload.isEnabled')).toBe(
        true,
      );
      const rules = get(one('storage:ManagementPolicy', 'st-documents-lifecycle').inputs, 'policy.rules') as {
        name: string;
        definition: Inputs;
      }[];
      const quarantine = rules.find(
        (r) =>
          get(r.definition, 'filters.prefixMatch') !== undefined &&
          (get(r.definition, 'filters.prefixMatch') as string[]).includes('quarantine/'),
      );
      expect(get(quarantine?.definition, 'actions.baseBlob.delete.daysAfterCreationGreaterThan')).toBe(1);
    });

    it('keeps secrets in an RBAC Key Vault with purge protection', () => {
      expect(
        ofType('keyvault:Vault')
          .map((v) => v.name)
          .sort(),
      ).toEqual(['kv', 'kv-web']);
      for (const vault of ofType('keyvault:Vault'))
        expect(vault.inputs.properties, vault.name).toMatchObject({
          enableRbacAuthorization: true,
          enablePurgeProtection: true,
          enableSoftDelete: true,
          tenantId: mocked.tenantId,
        });
    });

    it('runs the app on Flex Consumption, Node 22, deployed with its managed identity', () => {
      expect(get(one('web:AppServicePlan', 'plan').inputs, 'sku')).toEqual({ name: 'FC1', tier: 'FlexConsumption' });
      const app = one('web:WebApp', 'func').inputs;
      expect(get(app, 'functionAppConfig.runtime')).toEqual({ name: 'node', version: '22' });
      expect(get(app, 'functionAppConfig.deployment.storage.authentication')).toEqual({
        type: 'UserAssignedIdentity',
        userAssignedIdentityResourceId: one('managedidentity:UserAssignedIdentity', 'id-deploy').id,
      });
      expect(get(app, 'functionAppConfig.deployment.storage.value')).toBe(
        `https://stdoorstephost${stack}.blob.core.windows.net/deployment`,
      );
      expect(get(app, 'functionAppConfig.scaleAndConcurrency.alwaysReady')).toEqual(
        cfg.alwaysReadyHttp > 0 ? [{ name: 'http', instanceCount: cfg.alwaysReadyHttp }] : [],
      );
    });

    it('sends every data service’s diagnostics to Log Analytics and alerts on dead letters, 5xx, payment failures and budget', () => {
      const diagnosed = ofType('monitor:DiagnosticSetting').map(
        (d) => byId(String(d.inputs.resourceUri).replace(/\/blobServices\/default$/, ''))?.type,
      );
      expect(diagnosed.sort()).toEqual(
        [
          'azure-native:cosmosdb:DatabaseAccount',
          'azure-native:keyvault:Vault',
          'azure-native:servicebus:Namespace',
          'azure-native:storage:StorageAccount',
          'azure-native:storage:StorageAccount',
          'azure-native:web:WebApp',
          'azure-native:web:WebApp',
        ].sort(),
      );
      expect(ofType('monitor:MetricAlert').map((a) => get(a.inputs, 'criteria.allOf.0.metricName'))).toEqual(
        expect.arrayContaining(['DeadletteredMessages', 'Http5xx']),
      );
      expect(ofType('monitor:ScheduledQueryRule')).toHaveLength(1);
      expect(one('consumption:Budget').inputs.amount).toBe(cfg.monthlyBudgetGbp);
    });

    it('runs the resident website as its own Flex Consumption app, HTTPS only, with its own identity and no role on residents’ data', () => {
      const site = one('web:WebApp', 'func-web').inputs;
      expect(get(one('web:AppServicePlan', 'plan-web').inputs, 'sku')).toEqual({
        name: 'FC1',
        tier: 'FlexConsumption',
      });
      expect(get(site, 'functionAppConfig.runtime')).toEqual({ name: 'node', version: '22' });
      expect(site).toMatchObject({ httpsOnly: true, kind: 'functionapp,linux', clientCertEnabled: false });
      const webIdentity = one('managedidentity:UserAssignedIdentity', 'id-web');
      expect(site.keyVaultReferenceIdentity).toBe(webIdentity.id);
      expect(get(site, 'identity.userAssignedIdentities')).not.toContain(
        one('managedidentity:UserAssignedIdentity', 'id-app').id,
      );
      // Nothing but the platform's own needs: its host containers and its own vault.
      const web = mocked.principalId('id-web');
      const granted = ofType('authorization:RoleAssignment')
        .filter((a) => a.inputs.principalId === web)
        .map(
          (a) => `${String(a.inputs.roleDefinitionId).split('/').pop() ?? ''} on ${byId(a.inputs.scope)?.name ?? '?'}`,
        )
        .sort();
      expect(granted).toEqual(
        [
          `${builtInRoles.keyVaultSecretsUser} on kv-web`,
          `${builtInRoles.storageBlobDataContributor} on st-web-azure-webjobs-hosts`,
          `${builtInRoles.storageBlobDataContributor} on st-web-azure-webjobs-secrets`,
        ].sort(),
      );
      const dataServices = new Set(
        [
          'cosmosdb:DatabaseAccount',
          'servicebus:Namespace',
          'servicebus:Queue',
          'servicebus:Topic',
          'servicebus:Subscription',
        ].map((t) => `azure-native:${t}`),
      );
      for (const a of ofType('authorization:RoleAssignment').filter((r) => r.inputs.principalId === web)) {
        const target = byId(a.inputs.scope);
        expect(dataServices.has(target?.type ?? ''), a.name).toBe(false);
        expect(['st-documents', 'st-host', 'kv', 'appi'], a.name).not.toContain(target?.name);
        expect(JSON.stringify(target?.inputs.accountName ?? ''), a.name).not.toMatch(/docs|host/);
      }
      expect(ofType('cosmosdb:SqlResourceSqlRoleAssignment').map((r) => r.inputs.principalId)).not.toContain(web);
    });

    it('configures the website from the stack: no secret in its settings, the client secret and session key as references to its own vault, and they parse with web/config.ts', () => {
      const settings = Object.fromEntries(
        (get(one('web:WebApp', 'func-web').inputs, 'siteConfig.appSettings') as { name: string; value: string }[]).map(
          (s) => [s.name, s.value],
        ),
      );
      // The staff pages' secret too, when the stack names the staff app (decision 1073).
      const secrets = { ...webSecretSettings, ...(cfg.staffWebClientId ? webStaffSecretSettings : {}) };
      for (const [setting, secret] of Object.entries(secrets))
        expect(settings[setting]).toBe(`@Microsoft.KeyVault(VaultName=kv-doorstep-web-${stack};SecretName=${secret})`);
      for (const [name, value] of Object.entries(settings)) {
        expect(value, name).not.toMatch(
          /AccountKey=|SharedAccessKey=|Password=|SharedAccessSignature=|InstrumentationKey=/i,
        );
        if (!(name in secrets)) expect(value, name).not.toMatch(/^@Microsoft\.KeyVault/);
      }
      // The API's data-plane settings are not the website's business.
      for (const name of [
        'CosmosDb__accountEndpoint',
        'ServiceBus__fullyQualifiedNamespace',
        'Storage__blobServiceUri',
      ])
        expect(settings[name], name).toBeUndefined();
      const site = parseWebConfig({
        ...settings,
        // What the platform puts in place of the references once resolved.
        WEB_OIDC_CLIENT_SECRET: 'resolved-secret',
        ...(cfg.staffWebClientId ? { WEB_STAFF_OIDC_CLIENT_SECRET: 'resolved-secret' } : {}),
        WEB_SESSION_KEY: Buffer.alloc(32, 7).toString('base64'),
      });
      const origin = cfg.webOrigin ?? `https://func-doorstep-web-${stack}.azurewebsites.net`;
      expect(site.origin).toBe(origin);
      expect(site.oidc).toMatchObject({
        issuer: cfg.oidcIssuer,
        clientId: cfg.webClientId,
        audience: cfg.oidcAudience,
        redirectUri: `${origin}/auth/callback`,
      });
      expect(site.apiBaseUrl).toBe(`https://apim-doorstep-${stack}.azure-api.net/api`);
      expect(site.uploadOrigins).toEqual([`https://stdoorstepdocs${stack}.blob.core.windows.net`]);
      expect(site.formActionOrigins).toEqual([govukPayCardOrigin]);
      // Its origin is one of the front ends: the API's CORS and the documents account's CORS both name it.
      expect(get(one('web:WebApp', 'func').inputs, 'siteConfig.cors.allowedOrigins')).toContain(origin);
      const documentsCors = get(one('storage:BlobServiceProperties').inputs, 'cors.corsRules.0.allowedOrigins');
      expect(documentsCors).toContain(origin);
      expect(documentsCors).toEqual(expect.arrayContaining(cfg.webOrigins));
    });

    it('streams requests into the website (enableHttpStream through WEB_HTTP_STREAM), under the host body limit it names', () => {
      const settings = Object.fromEntries(
        (get(one('web:WebApp', 'func-web').inputs, 'siteConfig.appSettings') as { name: string; value: string }[]).map(
          (s) => [s.name, s.value],
        ),
      );
      // web/index.ts calls app.setup({ enableHttpStream: true }) only when this is 'true'.
      expect(settings.WEB_HTTP_STREAM).toBe('true');
      // The largest file the site takes (a 20 MB document) and its form fit under the host's limit.
      expect(Number(settings.FUNCTIONS_REQUEST_BODY_SIZE_LIMIT)).toBe(webRequestBodyLimitBytes);
      expect(webRequestBodyLimitBytes).toBeGreaterThan(uploadRules.evidence.maxBytes + 64 * 1024);
      // The API is not streamed: the setting is the website's alone.
      const api = (get(one('web:WebApp', 'func').inputs, 'siteConfig.appSettings') as { name: string }[]).map(
        (s) => s.name,
      );
      expect(api).not.toContain('WEB_HTTP_STREAM');
    });

    it(
      stack === 'prod'
        ? 'closes public network access and reaches every data service through private endpoints'
        : 'leaves networking off and Cosmos serverless',
      () => {
        const endpoints = ofType('network:PrivateEndpoint');
        const publicAccess = [one('cosmosdb:DatabaseAccount'), one('storage:StorageAccount', 'st-host')].map(
          (r) => r.inputs.publicNetworkAccess,
        );
        if (stack === 'prod') {
          expect(endpoints.map((e) => get(e.inputs, 'privateLinkServiceConnections.0.groupIds.0')).sort()).toEqual([
            'Sql',
            'blob',
            'blob',
            'namespace',
            'vault',
          ]);
          expect(publicAccess.every((v) => v === 'Disabled')).toBe(true);
          // Key Vault and Service Bus are open only to the allow-listed ranges (docs/decisions/0202).
          expect(get(one('keyvault:Vault', 'kv').inputs, 'properties.networkAcls')).toMatchObject({
            defaultAction: 'Deny',
            ipRules: cfg.operatorIps.map((value) => ({ value })),
          });
          expect(one('servicebus:NamespaceNetworkRuleSet').inputs).toMatchObject({
            defaultAction: 'Deny',
            ipRules: [...cfg.partnerIps, ...cfg.operatorIps].map((ipMask) => ({ ipMask, action: 'Allow' })),
            trustedServiceAccessEnabled: false,
          });
          // Outbound calls leave through one NAT address.
          expect(get(one('network:Subnet', 'snet-app').inputs, 'natGateway.id')).toBe(one('network:NatGateway').id);
          expect(one('web:WebApp', 'func').inputs.virtualNetworkSubnetId).toBe(one('network:Subnet', 'snet-app').id);
          expect(get(one('cosmosdb:SqlResourceSqlDatabase').inputs, 'options.autoscaleSettings.maxThroughput')).toBe(
            cfg.cosmosMaxThroughput,
          );
        } else {
          expect(endpoints).toHaveLength(0);
          expect(one('cosmosdb:DatabaseAccount').inputs.capabilities).toEqual([{ name: 'EnableServerless' }]);
        }
      },
    );
  });
}
