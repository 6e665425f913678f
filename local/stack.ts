/**
 * The embedded local stack: every dependency Doorstep has in Azure, on loopback,
 * in one process tree, talking to the real SDKs.
 *
 * | Azure                      | here                                        |
 * | -------------------------- | ------------------------------------------- |
 * | Cosmos DB for NoSQL        | `@vercel/cosmosdb-server` (in process)      |
 * | Blob Storage               | Azurite (child process, in memory)          |
 * | Service Bus                | Doorstep's AMQP emulator (in process)       |
 * | Entra External ID          | `oidc-provider` (in process)                |
 * | Entra ID (the workforce)   | a second `oidc-provider` on its own port    |
 */
import { BlobServiceClient } from '@azure/storage-blob';
import { cosmosContainers } from '../shared/data/cosmos-containers.js';
import { dataLakeContainers, documentContainers } from '../shared/data/blob-containers.js';
import { documentsCorsRule, parseWebOrigins } from '../shared/uploads/browser-access.js';
import { topology } from '../shared/messaging/topology.js';
import { localWards } from '../shared/wards/local-wards.js';
import { startAzurite, type Azurite } from './azurite.js';
import { provisionCosmos, startCosmos, startTtlSweeper, type CosmosEmulator } from './cosmos.js';
import { startGovUkPay, type GovUkPayStandIn } from './govuk-pay/server.js';
import { localTenants, startIdentityProvider, type IdentityProvider } from './identity/provider.js';
import { startGovUkNotify, type GovUkNotifyStandIn } from './govuk-notify/server.js';
import { startServiceBusEmulator, type ServiceBusEmulator } from './service-bus/amqp-server.js';

export interface StackPorts {
  readonly cosmos: number;
  readonly blob: number;
  readonly serviceBus: number;
  readonly identity: number;
  readonly govukPay: number;
  readonly govukNotify: number;
  readonly workforceIdentity: number;
}

export interface LocalEndpoints {
  readonly cosmos: { readonly endpoint: string; readonly connectionString: string; readonly database: string };
  readonly blob: { readonly endpoint: string; readonly connectionString: string };
  readonly serviceBus: { readonly connectionString: string; readonly port: number };
  readonly identity: { readonly issuer: string; readonly audience: string; readonly discovery: string };
  /** The staff directory: its own issuer, audience and tenant (decision 1000). */
  readonly workforceIdentity: {
    readonly issuer: string;
    readonly audience: string;
    readonly tenantId: string;
    readonly discovery: string;
  };
}

export type OutageComponent = 'cosmos' | 'blob' | 'serviceBus' | 'identity';

export interface LocalStack {
  readonly endpoints: LocalEndpoints;
  /** App settings that point Doorstep at this stack (the names of README's table). */
  readonly appSettings: Readonly<Record<string, string>>;
  readonly serviceBus: ServiceBusEmulator;
  readonly cosmos: CosmosEmulator;
  readonly govukPay: GovUkPayStandIn;
  readonly govukNotify: GovUkNotifyStandIn;
  /** Where the GOV.UK Pay stand-in sends webhooks (the host's URL, known once it listens). */
  setPaymentWebhookTarget(url: string): void;
  /** Stops one dependency, leaving the rest up (outage tests). */
  stop(component: keyof StackPorts): Promise<void>;
  /** Takes a dependency away, keeping its state, until `resume` (fault tests). */
  suspend(component: OutageComponent): Promise<void>;
  resume(component: OutageComponent): Promise<void>;
  close(): Promise<void>;
}

export interface StackOptions {
  /** 0 picks a free port (tests); omitted picks the defaults below. */
  readonly ports?: Partial<StackPorts>;
  readonly database?: string;
  readonly audience?: string;
  readonly serviceBusLockDurationMs?: number;
  /** Benchmarks turn the TTL sweeper off so that it does not count as the app's operations. */
  readonly sweepTtl?: boolean;
  readonly log?: (line: string) => void;
  /** Front-end origins browsers may PUT uploads from (default `WEB_ORIGINS`, else loopback :3000). */
  readonly webOrigins?: readonly string[];
}

export const localCouncilBoundary = '-2.72,51.40,-2.50,51.54';

export const defaultPorts: StackPorts = {
  cosmos: 8081,
  blob: 10000,
  serviceBus: 5672,
  identity: 7072,
  govukPay: 7073,
  govukNotify: 7074,
  workforceIdentity: 7075,
};
/** Every component on a free port the OS picks (tests and benchmarks). */
export const freePorts: StackPorts = {
  cosmos: 0,
  blob: 0,
  serviceBus: 0,
  identity: 0,
  govukPay: 0,
  govukNotify: 0,
  workforceIdentity: 0,
};
/** The workforce API audience locally; in Azure, the API app registration's client id. */
export const localWorkforceAudience = 'api://doorstep-staff';

export async function startLocalStack(options: StackOptions = {}): Promise<LocalStack> {
  const ports = { ...defaultPorts, ...options.ports };
  const database = options.database ?? 'doorstep';
  const audience = options.audience ?? 'api://doorstep';
  const log = options.log ?? ((line: string) => console.log(line));
  const started: { close(): Promise<void> }[] = [];
  // Each closes once, whether stopped alone or with the stack.
  const closeOnce = <T extends { close(): Promise<void> }>(s: T): T => {
    let closing: Promise<void> | undefined;
    const close = s.close.bind(s);
    return Object.assign(s, { close: () => (closing ??= close()) });
  };
  try {
    const [cosmos, azurite, serviceBus, identity]: [CosmosEmulator, Azurite, ServiceBusEmulator, IdentityProvider] =
      await Promise.all([
        startCosmos({ port: ports.cosmos }).then((s) => (started.push(closeOnce(s)), s)),
        startAzurite(ports.blob === 0 ? {} : { port: ports.blob }).then((s) => (started.push(closeOnce(s)), s)),
        startServiceBusEmulator({
          topology,
          port: ports.serviceBus,
          log: (line) => log(`[service-bus] ${line}`),
          ...(options.serviceBusLockDurationMs ? { lockDurationMs: options.serviceBusLockDurationMs } : {}),
        }).then((s) => (started.push(closeOnce(s)), s)),
        startIdentityProvider({ port: ports.identity, audience }).then((s) => (started.push(closeOnce(s)), s)),
      ]);

    let webhookTarget: string | undefined;
    const govukPay = closeOnce(await startGovUkPay({ port: ports.govukPay, webhookUrl: () => webhookTarget }));
    started.push(govukPay);
    const govukNotify = closeOnce(await startGovUkNotify({ port: ports.govukNotify }));
    started.push(govukNotify);
    const workforce = closeOnce(
      await startIdentityProvider({
        port: ports.workforceIdentity,
        audience: localWorkforceAudience,
        population: 'workforce',
      }),
    );
    started.push(workforce);

    await provisionCosmos(cosmos.endpoint, database, cosmosContainers);
    if (options.sweepTtl !== false)
      started.push({ close: startTtlSweeper(cosmos.endpoint, database, cosmosContainers) });
    const blobService = BlobServiceClient.fromConnectionString(azurite.connectionString);
    for (const name of Object.values(documentContainers))
      await blobService.getContainerClient(name).createIfNotExists();
    for (const name of Object.values(dataLakeContainers))
      await blobService.getContainerClient(name).createIfNotExists();
    // The documents account's CORS, as infra/ sets it in Azure, so a browser can PUT to an upload link.
    const webOrigins =
      options.webOrigins ?? parseWebOrigins(process.env.WEB_ORIGINS ?? 'http://127.0.0.1:3000,http://localhost:3000');
    await blobService.setProperties({ cors: [documentsCorsRule(webOrigins)] });

    const endpoints: LocalEndpoints = {
      cosmos: { endpoint: cosmos.endpoint, connectionString: cosmos.connectionString, database },
      blob: { endpoint: azurite.blobEndpoint, connectionString: azurite.connectionString },
      serviceBus: { connectionString: serviceBus.connectionString, port: serviceBus.port },
      identity: { issuer: identity.issuer, audience, discovery: `${identity.issuer}/.well-known/openid-configuration` },
      workforceIdentity: {
        issuer: workforce.issuer,
        audience: localWorkforceAudience,
        tenantId: localTenants.workforce,
        discovery: `${workforce.issuer}/.well-known/openid-configuration`,
      },
    };
    const appSettings = {
      CosmosDb: cosmos.connectionString,
      COSMOS_DATABASE: database,
      Storage: azurite.connectionString,
      ServiceBus: serviceBus.connectionString,
      OIDC_ISSUER: identity.issuer,
      OIDC_AUDIENCE: audience,
      WORKFORCE_OIDC_ISSUER: workforce.issuer,
      WORKFORCE_OIDC_AUDIENCE: localWorkforceAudience,
      WORKFORCE_OIDC_TENANT_ID: localTenants.workforce,
      COUNCIL_NAME: 'Doorstep Borough Council',
      // A bounding box around Bristol stands in for a council boundary locally.
      COUNCIL_BOUNDARY: localCouncilBoundary,
      // Six made-up wards tiling it (shared/wards/local-wards.ts).
      WARD_BOUNDARIES: JSON.stringify(localWards),
      CASEWORK_MAILBOX: 'casework-team@council.example',
      // Defender for Storage does not run locally: a signature scanner (EICAR at least) stands in.
      UPLOAD_SCANNER: 'signatures',
      ADDRESS_LOOKUP: 'local-gazetteer',
      // No gateway runs locally: the app enforces the per-caller limits itself (shared/http/rate-limits.ts).
      RATE_LIMITS: 'app',
      GOVUK_PAY_BASE_URL: govukPay.url,
      GOVUK_PAY_API_KEY: govukPay.apiKey,
      GOVUK_PAY_WEBHOOK_SIGNING_SECRET: govukPay.webhookSecret,
      PAYMENT_RETURN_URL: 'http://127.0.0.1:3000/pay/return',
      // The stand-in's search is consistent unless a test delays it (its `searchLagMs` control).
      PAYMENT_SEARCH_SETTLE_SECONDS: '2',
      GOVUK_NOTIFY_BASE_URL: govukNotify.url,
      GOVUK_NOTIFY_API_KEY: govukNotify.apiKey,
      GOVUK_NOTIFY_TEMPLATES: JSON.stringify(govukNotify.templates),
      MY_ACCOUNT_URL: 'http://127.0.0.1:3000/my-account',
      WEB_ORIGINS: webOrigins.join(','),
      // The local records system (npm run records) signs in as this subject.
      RECORDS_SYSTEM_PRINCIPAL: 'records-system',
      // Azurite answers Set Legal Hold with 501: the document record alone holds the file here (decision 1104).
      LEGAL_HOLD_ON_BLOBS: 'off',
    };
    return {
      endpoints,
      appSettings,
      serviceBus,
      cosmos,
      govukPay,
      govukNotify,
      setPaymentWebhookTarget(url) {
        webhookTarget = url;
      },
      suspend: (component) => ({ cosmos, blob: azurite, serviceBus, identity })[component].suspend(),
      resume: (component) => ({ cosmos, blob: azurite, serviceBus, identity })[component].resume(),
      async stop(component) {
        await { cosmos, blob: azurite, serviceBus, identity, govukPay, govukNotify, workforceIdentity: workforce }[
          component
        ].close();
      },
      async close() {
        for (const s of started.reverse()) await s.close();
      },
    };
  } catch (error) {
    for (const s of started.reverse()) await s.close().catch(() => undefined);
    throw error;
  }
}
