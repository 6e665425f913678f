/**
 * Doorstep's configuration: read from the environment once, validated, frozen.
 *
 * Connections follow the Azure Functions convention so that triggers and the
 * SDK clients read the same settings: `<Name>__fullyQualifiedNamespace` /
 * `__accountEndpoint` / `__blobServiceUri` select managed identity (Azure), while a
 * plain `<Name>` connection string is accepted only for a loopback emulator, so
 * a key for a real account can never be configured.
 */
import { z } from 'zod';
import { parseBoundary, type Boundary } from './geo/area.js';
import { parseWards, type Ward } from './wards/ward-set.js';
import { functionAppRoot, readWardFile } from './wards/ward-file.js';
import { notifyTemplatesSchema, type NotifyTemplates } from './notifications/templates.js';
import { parseTeams, type Team } from './service-requests/teams.js';

export type Connection<Kind extends string> =
  | { readonly kind: 'identity'; readonly endpoint: string; readonly service: Kind }
  | { readonly kind: 'emulator'; readonly connectionString: string; readonly endpoint: string; readonly service: Kind };

const loopbackHosts = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/** `Key=value;…` connection strings, keys lower-cased. */
export function connectionStringParts(value: string): Map<string, string> {
  return new Map(
    value
      .split(';')
      .filter(Boolean)
      .map((p) => {
        const at = p.indexOf('=');
        return [p.slice(0, at).toLowerCase(), p.slice(at + 1)] as const;
      }),
  );
}

/**
 * The keys each emulator connection string may carry, spelled as the SDKs read them.
 * The SDKs disagree on everything else: `@azure/storage-blob` takes the first key
 * that starts with the name, `@azure/core-amqp` and `@azure/cosmos` the last exact
 * match, all case-sensitively. A string that only one parse could read one way
 * (a duplicate, a case variant, an unknown or padded key) is refused, so the
 * endpoint checked here is the endpoint every SDK connects to.
 */
const connectionStringKeys = {
  cosmos: ['AccountEndpoint', 'AccountKey'],
  serviceBus: ['Endpoint', 'SharedAccessKeyName', 'SharedAccessKey', 'UseDevelopmentEmulator', 'EntityPath'],
  blob: ['DefaultEndpointsProtocol', 'AccountName', 'AccountKey', 'BlobEndpoint'],
} as const;
type ConnectionService = keyof typeof connectionStringKeys;
const endpointKey = { cosmos: 'AccountEndpoint', serviceBus: 'Endpoint', blob: 'BlobEndpoint' } as const;

/** The one parse of an emulator connection string: canonical keys, each at most once; or what is wrong with it. */
export function parseEmulatorConnectionString(
  service: ConnectionService,
  value: string,
): { readonly parts: ReadonlyMap<string, string> } | { readonly problem: string } {
  const allowed: readonly string[] = connectionStringKeys[service];
  const parts = new Map<string, string>();
  const seen = new Set<string>();
  for (const part of value.split(';')) {
    if (part === '') continue;
    const at = part.indexOf('=');
    if (at <= 0) return { problem: 'every part must be Key=value' };
    const key = part.slice(0, at);
    if (seen.has(key.toLowerCase())) return { problem: `the key ${key.slice(0, 40)} appears more than once` };
    seen.add(key.toLowerCase());
    if (!allowed.includes(key))
      return { problem: `the key ${key.slice(0, 40)} is not one of ${allowed.join(', ')} (exactly as spelled)` };
    parts.set(key, part.slice(at + 1));
  }
  return { parts };
}

const keyVaultReference = /^\s*@Microsoft\.KeyVault\s*\(/i;

/** Loopback hosts may use http (the local stack); everything else must be https. */
export const isLoopbackUrl = (value: string): boolean =>
  URL.canParse(value) && loopbackHosts.has(new URL(value).hostname);
const secureUrl = () =>
  z.url().refine((u) => u.startsWith('https://') || (u.startsWith('http://') && isLoopbackUrl(u)), {
    message: 'must be an https URL (http only for a loopback address)',
  });

function connection<Kind extends ConnectionService>(
  env: NodeJS.ProcessEnv,
  name: string,
  identitySuffix: string,
  service: Kind,
  issues: string[],
): Connection<Kind> | undefined {
  const identity = env[`${name}__${identitySuffix}`];
  const emulator = env[name];
  if (identity) {
    const endpoint = service === 'serviceBus' && !identity.includes('://') ? `sb://${identity}` : identity;
    if (!URL.canParse(endpoint)) issues.push(`${name}__${identitySuffix} must be a URL or host name`);
    else if (service !== 'serviceBus' && !endpoint.startsWith('https://') && !isLoopbackUrl(endpoint))
      issues.push(`${name}__${identitySuffix} must be an https URL`);
    return { kind: 'identity', endpoint: identity, service };
  }
  if (emulator) {
    const parsed = parseEmulatorConnectionString(service, emulator);
    if ('problem' in parsed) {
      issues.push(`${name} is not a connection string Doorstep accepts: ${parsed.problem}.`);
      return undefined;
    }
    const endpoint = parsed.parts.get(endpointKey[service]);
    const host = endpoint && URL.canParse(endpoint) ? new URL(endpoint).hostname : undefined;
    if (!endpoint || !host || !loopbackHosts.has(host)) {
      issues.push(
        `${name} holds a connection string for a non-local endpoint. Keys are never configured for Azure: set ${name}__${identitySuffix} and grant the app's managed identity a role instead.`,
      );
      return undefined;
    }
    return { kind: 'emulator', connectionString: emulator, endpoint, service };
  }
  issues.push(`Set ${name}__${identitySuffix} (Azure, managed identity) or ${name} (local emulator connection string)`);
  return undefined;
}

const plainSettings = z.object({
  COUNCIL_NAME: z.string().min(1).default('Doorstep Borough Council'),
  COSMOS_DATABASE: z
    .string()
    .regex(/^[A-Za-z0-9-]{1,64}$/)
    .default('doorstep'),
  /** GeoJSON Polygon/MultiPolygon of the council's area, or "minLon,minLat,maxLon,maxLat". */
  COUNCIL_BOUNDARY: z.string().min(7).max(200_000),
  OIDC_ISSUER: secureUrl(),
  OIDC_AUDIENCE: z.string().min(1),
  /** The council's workforce directory (Entra ID), whose app roles make staff; all three or none (decision 1000). */
  WORKFORCE_OIDC_ISSUER: secureUrl().optional(),
  /** In Entra v2.0 access tokens `aud` is the API app registration's client id. */
  WORKFORCE_OIDC_AUDIENCE: z.string().min(1).optional(),
  /** The workforce tenant's id: every workforce token's `tid` must be this. */
  WORKFORCE_OIDC_TENANT_ID: z.uuid().optional(),
  /** Bound on each dependency probe and on waiting for a dependency on a request path. */
  DEPENDENCY_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(3000),
  /** The most an HTTP call may take before it is answered 503 (the work may still finish; retries are safe). */
  REQUEST_TIMEOUT_MS: z.coerce.number().int().min(500).max(120_000).default(10_000),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  GOVUK_PAY_BASE_URL: secureUrl().default('https://publicapi.payments.service.gov.uk'),
  /** A Key Vault reference in Azure (see infra/secrets.ts); never a literal there. */
  GOVUK_PAY_API_KEY: z.string().min(1),
  GOVUK_PAY_WEBHOOK_SIGNING_SECRET: z.string().min(1),
  /** Payments unfinished after this long are asked about by the sweep timer (webhooks can be lost). */
  PAYMENT_SWEEP_AFTER_MINUTES: z.coerce
    .number()
    .int()
    .min(0)
    .max(24 * 60)
    .default(15),
  /** Where GOV.UK Pay sends the resident back; Doorstep adds `?payment=<id>`. */
  PAYMENT_RETURN_URL: secureUrl(),
  /** How long a payment GOV.UK Pay created may stay invisible to its (eventually consistent) search. */
  PAYMENT_SEARCH_SETTLE_SECONDS: z.coerce.number().int().min(0).max(3600).default(60),
  /** A resident's read of an unfinished payment asks GOV.UK Pay at most this often per payment. */
  PAYMENT_REFRESH_SECONDS: z.coerce.number().int().min(0).max(3600).default(10),
  /** Refunds above this many pence need a second finance approver. */
  REFUND_SECOND_APPROVAL_ABOVE_PENCE: z.coerce.number().int().min(0).max(10_000_000).default(10_000),
  GOVUK_NOTIFY_BASE_URL: secureUrl().default('https://api.notifications.service.gov.uk'),
  /** A Key Vault reference in Azure, like the GOV.UK Pay key. */
  GOVUK_NOTIFY_API_KEY: z.string().min(1),
  /** JSON: notification kind → { email?, sms? } template ids, made in GOV.UK Notify. */
  GOVUK_NOTIFY_TEMPLATES: z.string().default('{}'),
  /** The resident-facing My Account page that notifications link to. */
  MY_ACCOUNT_URL: secureUrl(),
  /** Who judges uploads for malware: Defender for Storage's verdict tag, or local signatures. */
  UPLOAD_SCANNER: z.enum(['defender', 'signatures']).default('defender'),
  /** Where address searches go: nowhere (503), the OS Places API, or made-up data locally. */
  ADDRESS_LOOKUP: z.enum(['none', 'local-gazetteer', 'os-places']).default('none'),
  /** The OS Places API key (a Key Vault reference in Azure); required with ADDRESS_LOOKUP=os-places. */
  OS_PLACES_API_KEY: z.string().min(1).optional(),
  OS_PLACES_BASE_URL: secureUrl().default('https://api.os.uk/search/places/v1'),
  /**
   * Who enforces shared/http/rate-limits.ts: `gateway` (Azure: API Management limits by
   * address, the app also by resident), `app` (local: the app enforces every rule it can),
   * `off` (benchmarks and fault tests, which measure throughput rather than limits).
   */
  RATE_LIMITS: z.enum(['app', 'gateway', 'off']).default('gateway'),
  /**
   * The records system's own identity: the `sub` of its tokens (in Entra, its service
   * principal's object id, the same one infra grants its Service Bus rights). Unset: no
   * caller may fetch documents as the records system (decision 1100).
   */
  RECORDS_SYSTEM_PRINCIPAL: z.string().min(1).max(200).optional(),
  /**
   * Whether a legal hold is also set on the file's blob (decision 1104): `on` in Azure, where
   * the documents container has version-level immutability; `off` where Storage cannot
   * (Azurite answers 501), and then the document record alone holds the file.
   */
  LEGAL_HOLD_ON_BLOBS: z.enum(['on', 'off']).default('on'),
  /** GeoJSON FeatureCollection of the council's wards (decision 1040); unset: requests carry no ward. */
  WARD_BOUNDARIES: z.string().min(2).max(2_000_000).optional(),
  /**
   * The same, as a file in the app package (decision 1074): relative to the app's root (the folder
   * with host.json) or absolute. Infra sets it; a council's real ward set is too big for a setting.
   */
  WARD_BOUNDARIES_FILE: z.string().min(1).max(500).optional(),
  /** Working days staff have to answer a councillor's enquiry, and how many before that they are reminded. */
  ENQUIRY_RESPONSE_WORKING_DAYS: z.coerce.number().int().min(1).max(60).default(10),
  ENQUIRY_REMINDER_WORKING_DAYS: z.coerce.number().int().min(0).max(30).default(2),
  /** The team mailbox that hears of councillors' enquiries about to miss their deadline. */
  CASEWORK_MAILBOX: z.email().optional(),
  /** The open data lake's blob endpoint (ADLS Gen2, managed identity); unset locally: the Storage account is used. */
  OPEN_DATA_LAKE_URL: secureUrl().optional(),
  OPEN_DATA_CONTAINER: z
    .string()
    .regex(/^[a-z0-9](?:[a-z0-9-]{1,61}[a-z0-9])$/)
    .default('open-data'),
  /** The teams staff assign requests to: `code=Name` pairs, comma-separated (shared/service-requests/teams.ts). */
  STAFF_TEAMS: z
    .string()
    .max(4000)
    .default(
      'highways=Highways,waste=Waste and recycling,environment=Environmental health,parks=Parks and open spaces',
    ),
});

export interface Config {
  readonly councilName: string;
  readonly boundary: Boundary;
  readonly cosmos: Connection<'cosmos'> & { readonly database: string };
  readonly serviceBus: Connection<'serviceBus'>;
  readonly blob: Connection<'blob'>;
  /** The resident issuer (Entra External ID). */
  readonly identity: { readonly issuer: string; readonly audience: string };
  /** The workforce issuer (the council's Entra ID); absent, no one is staff. */
  readonly workforceIdentity:
    { readonly issuer: string; readonly audience: string; readonly tenantId: string } | undefined;
  readonly dependencyTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly logLevel: 'debug' | 'info' | 'warn' | 'error';
  readonly uploadScanner: 'defender' | 'signatures';
  readonly addressLookup: 'none' | 'local-gazetteer' | 'os-places';
  readonly osPlaces: { readonly baseUrl: string; readonly apiKey: string | undefined };
  readonly rateLimits: 'app' | 'gateway' | 'off';
  readonly recordsSystemPrincipal: string | undefined;
  readonly legalHoldOnBlobs: boolean;
  readonly wards: readonly Ward[];
  readonly casework: {
    readonly responseWorkingDays: number;
    readonly reminderWorkingDays: number;
    readonly mailbox: string | undefined;
  };
  readonly openData: { readonly lakeUrl: string | undefined; readonly container: string };
  readonly notifications: {
    readonly baseUrl: string;
    readonly apiKey: string;
    readonly templates: NotifyTemplates;
    readonly myAccountUrl: string;
  };
  readonly payments: {
    readonly baseUrl: string;
    readonly apiKey: string;
    readonly webhookSecret: string;
    readonly returnUrl: string;
    readonly sweepAfterMs: number;
    readonly searchSettleMs: number;
    readonly refreshMs: number;
    readonly secondApprovalAbovePence: number;
  };
  readonly staffTeams: readonly Team[];
}

export class ConfigError extends Error {
  constructor(readonly issues: readonly string[]) {
    super(`Doorstep configuration is invalid:\n- ${issues.join('\n- ')}`);
    this.name = 'ConfigError';
  }
}

/** Every setting Doorstep reads, for checks that apply to all of them. */
const settingNames = [
  ...Object.keys(plainSettings.shape),
  ...['CosmosDb', 'ServiceBus', 'Storage'].flatMap((n) => [
    n,
    `${n}__accountEndpoint`,
    `${n}__fullyQualifiedNamespace`,
    `${n}__blobServiceUri`,
  ]),
];

/** `appRoot`: where a relative WARD_BOUNDARIES_FILE is read from (the package root, found from this module). */
export function parseConfig(env: NodeJS.ProcessEnv, appRoot = functionAppRoot(import.meta.dirname)): Config {
  const issues: string[] = [];
  // App Service leaves a reference it could not resolve as its literal text, which
  // would otherwise pass as an API key and fail only at the first call to GOV.UK.
  for (const name of settingNames) {
    if (keyVaultReference.test(env[name] ?? ''))
      issues.push(
        `${name} is an unresolved Key Vault reference: the platform could not read the secret. Check that the secret exists, that the app's identity holds Key Vault Secrets User on the vault and can reach it (the function app's Key Vault reference diagnostics name the cause), then restart the app.`,
      );
  }
  const plain = plainSettings.safeParse(env);
  if (!plain.success) {
    for (const issue of plain.error.issues) issues.push(`${issue.path.join('.')}: ${issue.message}`);
  }
  const cosmos = connection(env, 'CosmosDb', 'accountEndpoint', 'cosmos', issues);
  const serviceBus = connection(env, 'ServiceBus', 'fullyQualifiedNamespace', 'serviceBus', issues);
  const blob = connection(env, 'Storage', 'blobServiceUri', 'blob', issues);
  // Signatures find EICAR and nothing else: in Azure only Defender's verdict may pass a file.
  if (
    plain.success &&
    plain.data.UPLOAD_SCANNER === 'signatures' &&
    [cosmos, serviceBus, blob].some((c) => c?.kind === 'identity')
  )
    issues.push(
      'UPLOAD_SCANNER=signatures is for the local stack only; against Azure resources use defender (the default).',
    );
  // The gazetteer's addresses are made up: a resident in Azure must never be offered one.
  if (
    plain.success &&
    plain.data.ADDRESS_LOOKUP === 'local-gazetteer' &&
    [cosmos, serviceBus, blob].some((c) => c?.kind === 'identity')
  )
    issues.push('ADDRESS_LOOKUP=local-gazetteer is for the local stack only: its addresses are made up.');
  if (plain.success && plain.data.ADDRESS_LOOKUP === 'os-places' && !plain.data.OS_PLACES_API_KEY)
    issues.push('OS_PLACES_API_KEY: required with ADDRESS_LOOKUP=os-places (a Key Vault reference in Azure).');
  if (plain.success) issues.push(...workforceIssues(plain.data));
  if (!plain.success || !cosmos || !serviceBus || !blob) throw new ConfigError(issues);
  if (issues.length > 0) throw new ConfigError(issues);
  const p = plain.data;
  let templates: NotifyTemplates;
  try {
    templates = notifyTemplatesSchema.parse(JSON.parse(p.GOVUK_NOTIFY_TEMPLATES));
  } catch {
    throw new ConfigError([
      'GOVUK_NOTIFY_TEMPLATES: must be JSON like {"status-changed":{"email":"<template id>","sms":"<template id>"}}',
    ]);
  }
  const staffTeams = parseTeams(p.STAFF_TEAMS);
  if (typeof staffTeams === 'string') throw new ConfigError([`STAFF_TEAMS: ${staffTeams}`]);
  let boundary: Boundary;
  try {
    boundary = parseBoundary(p.COUNCIL_BOUNDARY);
  } catch (error) {
    throw new ConfigError([`COUNCIL_BOUNDARY: ${error instanceof Error ? error.message : 'invalid'}`]);
  }
  let wards: readonly Ward[] = [];
  // Two sources would leave which one wins to the reader: refuse rather than guess.
  if (p.WARD_BOUNDARIES && p.WARD_BOUNDARIES_FILE)
    throw new ConfigError(['WARD_BOUNDARIES_FILE: set it or WARD_BOUNDARIES, not both.']);
  const wardSetting = p.WARD_BOUNDARIES_FILE ? 'WARD_BOUNDARIES_FILE' : 'WARD_BOUNDARIES';
  try {
    if (p.WARD_BOUNDARIES) wards = parseWards(p.WARD_BOUNDARIES);
    if (p.WARD_BOUNDARIES_FILE) wards = parseWards(readWardFile(p.WARD_BOUNDARIES_FILE, appRoot));
  } catch (error) {
    throw new ConfigError([`${wardSetting}: ${error instanceof Error ? error.message : 'invalid'}`]);
  }
  return Object.freeze({
    councilName: p.COUNCIL_NAME,
    boundary,
    cosmos: Object.freeze({ ...cosmos, database: p.COSMOS_DATABASE }),
    serviceBus: Object.freeze(serviceBus),
    blob: Object.freeze(blob),
    identity: Object.freeze({ issuer: p.OIDC_ISSUER, audience: p.OIDC_AUDIENCE }),
    workforceIdentity:
      p.WORKFORCE_OIDC_ISSUER && p.WORKFORCE_OIDC_AUDIENCE && p.WORKFORCE_OIDC_TENANT_ID
        ? Object.freeze({
            issuer: p.WORKFORCE_OIDC_ISSUER,
            audience: p.WORKFORCE_OIDC_AUDIENCE,
            tenantId: p.WORKFORCE_OIDC_TENANT_ID,
          })
        : undefined,
    dependencyTimeoutMs: p.DEPENDENCY_TIMEOUT_MS,
    requestTimeoutMs: p.REQUEST_TIMEOUT_MS,
    logLevel: p.LOG_LEVEL,
    uploadScanner: p.UPLOAD_SCANNER,
    addressLookup: p.ADDRESS_LOOKUP,
    osPlaces: Object.freeze({ baseUrl: p.OS_PLACES_BASE_URL, apiKey: p.OS_PLACES_API_KEY }),
    rateLimits: p.RATE_LIMITS,
    recordsSystemPrincipal: p.RECORDS_SYSTEM_PRINCIPAL,
    legalHoldOnBlobs: p.LEGAL_HOLD_ON_BLOBS === 'on',
    wards,
    casework: Object.freeze({
      responseWorkingDays: p.ENQUIRY_RESPONSE_WORKING_DAYS,
      reminderWorkingDays: p.ENQUIRY_REMINDER_WORKING_DAYS,
      mailbox: p.CASEWORK_MAILBOX,
    }),
    openData: Object.freeze({ lakeUrl: p.OPEN_DATA_LAKE_URL, container: p.OPEN_DATA_CONTAINER }),
    notifications: Object.freeze({
      baseUrl: p.GOVUK_NOTIFY_BASE_URL,
      apiKey: p.GOVUK_NOTIFY_API_KEY,
      templates,
      myAccountUrl: p.MY_ACCOUNT_URL,
    }),
    payments: Object.freeze({
      baseUrl: p.GOVUK_PAY_BASE_URL,
      apiKey: p.GOVUK_PAY_API_KEY,
      webhookSecret: p.GOVUK_PAY_WEBHOOK_SIGNING_SECRET,
      returnUrl: p.PAYMENT_RETURN_URL,
      sweepAfterMs: p.PAYMENT_SWEEP_AFTER_MINUTES * 60_000,
      searchSettleMs: p.PAYMENT_SEARCH_SETTLE_SECONDS * 1000,
      refreshMs: p.PAYMENT_REFRESH_SECONDS * 1000,
      secondApprovalAbovePence: p.REFUND_SECOND_APPROVAL_ABOVE_PENCE,
    }),
    staffTeams,
  });
}

/** The workforce settings come together, and never name the resident directory. */
function workforceIssues(p: z.infer<typeof plainSettings>): string[] {
  const set = [p.WORKFORCE_OIDC_ISSUER, p.WORKFORCE_OIDC_AUDIENCE, p.WORKFORCE_OIDC_TENANT_ID].filter(Boolean).length;
  if (set === 0) return [];
  if (set < 3)
    return ['WORKFORCE_OIDC_ISSUER, WORKFORCE_OIDC_AUDIENCE and WORKFORCE_OIDC_TENANT_ID: set all three or none.'];
  const issuer = p.WORKFORCE_OIDC_ISSUER ?? '';
  const problems: string[] = [];
  // One directory for both would let the resident directory's role claims make staff.
  if (issuer.replace(/\/$/, '') === p.OIDC_ISSUER.replace(/\/$/, ''))
    problems.push('WORKFORCE_OIDC_ISSUER must not be the resident issuer (OIDC_ISSUER).');
  // Entra's v2.0 issuer names its tenant: https://login.microsoftonline.com/{tid}/v2.0.
  const entra = /^https:\/\/login\.microsoftonline\.com\/([^/]+)\/v2\.0\/?$/i.exec(issuer);
  if (new URL(issuer).hostname.toLowerCase() === 'login.microsoftonline.com' && !entra)
    problems.push('WORKFORCE_OIDC_ISSUER must be the v2.0 issuer https://login.microsoftonline.com/<tenant id>/v2.0.');
  if (entra && entra[1]?.toLowerCase() !== p.WORKFORCE_OIDC_TENANT_ID?.toLowerCase())
    problems.push('WORKFORCE_OIDC_TENANT_ID must be the tenant named in WORKFORCE_OIDC_ISSUER.');
  return problems;
}

let loaded: Config | undefined;

/** The process' configuration, read on first use. */
export function config(): Config {
  loaded ??= parseConfig(process.env);
  return loaded;
}
