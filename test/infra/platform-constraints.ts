/**
 * Constraints Azure enforces that no mock would notice, written down from Microsoft's
 * documentation and the provider issues where deployments met them, and checked against
 * the program for each stack.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { stackConfig, synthesize, type Recorded } from './synthesize.js';
import { webSiteOrigin } from '../../infra/web-app.js';

/**
 * Flex Consumption refuses or ignores these site properties and app settings.
 * Source: "Flex Consumption plan deprecations",
 * https://learn.microsoft.com/azure/azure-functions/functions-app-settings#flex-consumption-plan-deprecations;
 * `siteConfig.ftpsState` fails the deployment with error 51021 in regions that enforce it
 * (microsoft/azure-pipelines-tasks#21032), and so does `netFrameworkVersion`, which the
 * azure-native SDK fills in by default ("The following site configuration property
 * (Site.SiteConfig.NetFrameworkVersion) for Flex Consumption sites is invalid",
 * pulumi/pulumi-azure-native#4168).
 */
export const flexRejectedSiteConfig = [
  'ftpsState',
  'alwaysOn',
  'functionAppScaleLimit',
  'minimumElasticInstanceCount',
  'preWarmedInstanceCount',
  'linuxFxVersion',
  'windowsFxVersion',
  'javaVersion',
  'netFrameworkVersion',
  'nodeVersion',
  'powerShellVersion',
  'pythonVersion',
  'use32BitWorkerProcess',
];
export const flexRejectedAppSettings = [
  'FUNCTIONS_EXTENSION_VERSION',
  'FUNCTIONS_WORKER_RUNTIME',
  'FUNCTIONS_WORKER_RUNTIME_VERSION',
  'FUNCTIONS_MAX_HTTP_CONCURRENCY',
  'FUNCTIONS_WORKER_PROCESS_COUNT',
  'FUNCTIONS_WORKER_DYNAMIC_CONCURRENCY_ENABLED',
  'SCM_DO_BUILD_DURING_DEPLOYMENT',
  'ENABLE_ORYX_BUILD',
  'WEBSITE_CONTENTAZUREFILECONNECTIONSTRING',
  'WEBSITE_CONTENTOVERVNET',
  'WEBSITE_CONTENTSHARE',
  'WEBSITE_DNS_SERVER',
  'WEBSITE_MAX_DYNAMIC_APPLICATION_SCALE_OUT',
  'WEBSITE_NODE_DEFAULT_VERSION',
  'WEBSITE_RUN_FROM_PACKAGE',
  'WEBSITE_SKIP_CONTENTSHARE_VALIDATION',
  'WEBSITE_VNET_ROUTE_ALL',
];

/**
 * Metric categories a diagnostic setting may name, per resource type; any other fails with 400.
 * Sources: the "Supported metrics" / "Resource logs" references of each service —
 * Cosmos DB https://learn.microsoft.com/azure/cosmos-db/monitor-reference (category `Requests`),
 * Blob Storage https://learn.microsoft.com/azure/storage/blobs/monitor-blob-storage-reference
 * (`Capacity`, `Transaction`; there is no `AllMetrics` on blobServices),
 * Service Bus https://learn.microsoft.com/azure/service-bus-messaging/monitor-service-bus-reference,
 * Key Vault https://learn.microsoft.com/azure/key-vault/general/monitor-key-vault-reference,
 * App Service https://learn.microsoft.com/azure/app-service/monitor-app-service-reference (`AllMetrics`).
 */
export const diagnosticMetricCategories: Record<string, readonly string[]> = {
  'azure-native:cosmosdb:DatabaseAccount': ['Requests'],
  'azure-native:storage:StorageAccount/blobServices': ['Capacity', 'Transaction'],
  'azure-native:servicebus:Namespace': ['AllMetrics'],
  'azure-native:keyvault:Vault': ['AllMetrics'],
  'azure-native:web:WebApp': ['AllMetrics'],
};

type Inputs = Record<string, unknown>;
const get = (o: unknown, path: string): unknown =>
  path.split('.').reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Inputs)[k] : undefined), o);

export function describeConstraints(stack: 'dev' | 'prod'): void {
  const cfg = stackConfig(stack);
  let resources: Recorded[];
  let subscribed: Recorded[];
  const ofType = (type: string, from = resources) => from.filter((r) => r.type === `azure-native:${type}`);
  const named = (name: string, from = resources) => from.find((r) => r.name === name);

  beforeAll(async () => {
    ({ resources } = await synthesize(stack));
    ({ resources: subscribed } = await synthesize(stack, { uploadEvents: 'true' }));
  }, 240_000);

  describe(`the ${stack} stack within Azure's platform constraints`, () => {
    it('sets no site property or app setting that Flex Consumption refuses', () => {
      const app = ofType('web:WebApp')[0]?.inputs;
      const siteConfig = Object.keys((get(app, 'siteConfig') as Inputs | undefined) ?? {});
      expect(siteConfig.filter((k) => flexRejectedSiteConfig.includes(k))).toEqual([]);
      const settings = ((get(app, 'siteConfig.appSettings') as { name: string }[] | undefined) ?? []).map(
        (s) => s.name,
      );
      expect(settings.filter((s) => flexRejectedAppSettings.includes(s))).toEqual([]);
    });

    it('creates no Event Grid system topic on the documents account: Defender owns the one a source may have', () => {
      // "Only one system topic is allowed per Azure resource": https://learn.microsoft.com/azure/event-grid/system-topics
      for (const from of [resources, subscribed]) {
        const sources = ofType('eventgrid:SystemTopic', from).map((t) => t.inputs.source);
        expect(new Set(sources).size).toBe(sources.length);
        expect(sources).not.toContain(named('st-documents', from)?.id);
      }
    });

    it('has Defender publish scan results to the program’s own custom topic', () => {
      const topic = named('egt-scan-results');
      expect(topic?.type).toBe('azure-native:eventgrid:Topic');
      expect(
        get(
          ofType('security:DefenderForStorage')[0]?.inputs,
          'properties.malwareScanning.scanResultsEventGridTopicResourceId',
        ),
      ).toBe(topic?.id);
    });

    it('subscribes scan-upload only when asked (the function must exist first), and then with a dead-letter destination', () => {
      expect(cfg.uploadEvents).toBe(false);
      expect([
        ...ofType('eventgrid:TopicEventSubscription'),
        ...ofType('eventgrid:SystemTopicEventSubscription'),
      ]).toEqual([]);
      const [subscription, ...others] = ofType('eventgrid:TopicEventSubscription', subscribed);
      expect(others).toEqual([]);
      expect(subscription?.inputs).toMatchObject({
        topicName: `egt-doorstep-scan-results-${stack}`,
        destination: {
          endpointType: 'AzureFunction',
          resourceId: `${String(named('func')?.id)}/functions/scan-upload`,
        },
        filter: {
          includedEventTypes: ['Microsoft.Security.MalwareScanningResult'],
          advancedFilters: [
            {
              operatorType: 'StringBeginsWith',
              key: 'data.blobUri',
              values: [`https://stdoorstepdocs${stack}.blob.core.windows.net/quarantine/`],
            },
          ],
        },
        deadLetterWithResourceIdentity: {
          identity: { type: 'SystemAssigned' },
          deadLetterDestination: {
            endpointType: 'StorageBlob',
            resourceId: named('st-host')?.id,
            blobContainerName: 'scan-results-deadletter',
          },
        },
      });
    });

    it('names only the metric categories each resource type offers in its diagnostic settings', () => {
      const settings = ofType('monitor:DiagnosticSetting');
      expect(settings.length).toBeGreaterThanOrEqual(5);
      for (const d of settings) {
        const uri = String(d.inputs.resourceUri);
        const blobService = uri.endsWith('/blobServices/default');
        const target = resources.find((r) => r.id === uri.replace(/\/blobServices\/default$/, ''));
        const type = `${target?.type ?? '?'}${blobService ? '/blobServices' : ''}`;
        const categories = ((d.inputs.metrics as { category: string }[] | undefined) ?? []).map((m) => m.category);
        expect(diagnosticMetricCategories[type], `${d.name}: ${type}`).toBeDefined();
        for (const c of categories) expect(diagnosticMetricCategories[type], `${d.name}: ${c}`).toContain(c);
      }
    });

    it('sets the budget’s start date on the first run only: Azure refuses to change it later', () => {
      // "The start date ... can't be changed after the budget is created": Budgets - Create Or Update,
      // https://learn.microsoft.com/rest/api/consumption/budgets/create-or-update
      const budget = ofType('consumption:Budget')[0];
      expect(String(get(budget?.inputs, 'timePeriod.startDate'))).toMatch(/^\d{4}-\d{2}-01T00:00:00\.000Z$/);
      expect(budget?.ignoreChanges).toContain('timePeriod.startDate');
    });

    it('lets residents’ browsers reach the documents account: public, keyless, CORS for exactly the front-end origins', () => {
      const account = named('st-documents');
      expect(account?.inputs).toMatchObject({
        publicNetworkAccess: 'Enabled',
        allowSharedKeyAccess: false,
        allowBlobPublicAccess: false,
        enableHttpsTrafficOnly: true,
      });
      const rules = get(ofType('storage:BlobServiceProperties')[0]?.inputs, 'cors.corsRules') as Inputs[];
      expect(rules).toHaveLength(1);
      // The configured front ends and the resident website's own origin (infra/web-app.ts).
      const origins = [...new Set([...cfg.webOrigins, webSiteOrigin(cfg)])];
      expect(rules[0]?.allowedOrigins).toEqual(origins);
      expect(rules[0]?.allowedOrigins).not.toContain('*');
      expect(rules[0]?.allowedMethods).toEqual(['PUT', 'GET', 'HEAD', 'OPTIONS']);
      expect(get(named('func')?.inputs, 'siteConfig.cors.allowedOrigins')).toEqual(origins);
      // The website answers only its own origin: no CORS on it at all.
      expect(get(named('func-web')?.inputs, 'siteConfig.cors')).toBeUndefined();
    });

    it('refuses a wildcard or non-https front-end origin in the stack configuration', () => {
      for (const webOrigins of ['*', 'http://www.council.example', 'https://www.council.example/path', ''])
        expect(() => stackConfig(stack, { webOrigins }), webOrigins).toThrow(/webOrigins/);
      for (const webOrigin of ['*', 'http://report.council.example', 'https://report.council.example/'])
        expect(() => stackConfig(stack, { webOrigin }), webOrigin).toThrow(/webOrigin/);
    });
  });
}
