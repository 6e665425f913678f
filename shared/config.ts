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
import { notifyTemplatesSchema, type NotifyTemplates } from './notifications/templates.js';

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

function endpointOfConnectionString(value: string): string | undefined {
  const parts = connectionStringParts(value);
  return parts.get('endpoint') ?? parts.get('accountendpoint') ?? parts.get('blobendpoint');
}

function connection<Kind extends string>(
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
    return { kind: 'identity', endpoint: identity, service };
  }
  if (emulator) {
    const endpoint = endpointOfConnectionString(emulator);
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
  OIDC_ISSUER: z.url(),
  OIDC_AUDIENCE: z.string().min(1),
  /** Bound on each dependency probe and on waiting for a dependency on a request path. */
  DEPENDENCY_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(3000),
  /** The most an HTTP call may take before it is answered 503 (the work may still finish; retries are safe). */
  REQUEST_TIMEOUT_MS: z.coerce.number().int().min(500).max(120_000).default(10_000),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  GOVUK_PAY_BASE_URL: z.url().default('https://publicapi.payments.service.gov.uk'),
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
  PAYMENT_RETURN_URL: z.url(),
  /** How long a payment GOV.UK Pay created may stay invisible to its (eventually consistent) search. */
  PAYMENT_SEARCH_SETTLE_SECONDS: z.coerce.number().int().min(0).max(3600).default(60),
  /** A resident's read of an unfinished payment asks GOV.UK Pay at most this often per payment. */
  PAYMENT_REFRESH_SECONDS: z.coerce.number().int().min(0).max(3600).default(10),
  /** Refunds above this many pence need a second finance approver. */
  REFUND_SECOND_APPROVAL_ABOVE_PENCE: z.coerce.number().int().min(0).max(10_000_000).default(10_000),
  GOVUK_NOTIFY_BASE_URL: z.url().default('https://api.notifications.service.gov.uk'),
  /** A Key Vault reference in Azure, like the GOV.UK Pay key. */
  GOVUK_NOTIFY_API_KEY: z.string().min(1),
  /** JSON: notification kind → { email?, sms? } template ids, made in GOV.UK Notify. */
  GOVUK_NOTIFY_TEMPLATES: z.string().default('{}'),
  /** The resident-facing My Account page that notifications link to. */
  MY_ACCOUNT_URL: z.url(),
  /** Who judges uploads for malware: Defender for Storage's verdict tag, or local signatures. */
  UPLOAD_SCANNER: z.enum(['defender', 'signatures']).default('defender'),
});

export interface Config {
  readonly councilName: string;
  readonly boundary: Boundary;
  readonly cosmos: Connection<'cosmos'> & { readonly database: string };
  readonly serviceBus: Connection<'serviceBus'>;
  readonly blob: Connection<'blob'>;
  readonly identity: { readonly issuer: string; readonly audience: string };
  readonly dependencyTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly logLevel: 'debug' | 'info' | 'warn' | 'error';
  readonly uploadScanner: 'defender' | 'signatures';
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
}

export class ConfigError extends Error {
  constructor(readonly issues: readonly string[]) {
    super(`Doorstep configuration is invalid:\n- ${issues.join('\n- ')}`);
    this.name = 'ConfigError';
  }
}

export function parseConfig(env: NodeJS.ProcessEnv): Config {
  const issues: string[] = [];
  const plain = plainSettings.safeParse(env);
  if (!plain.success) {
    for (const issue of plain.error.issues) issues.push(`${issue.path.join('.')}: ${issue.message}`);
  }
  const cosmos = connection(env, 'CosmosDb', 'accountEndpoint', 'cosmos', issues);
  const serviceBus = connection(env, 'ServiceBus', 'fullyQualifiedNamespace', 'serviceBus', issues);
  const blob = connection(env, 'Storage', 'blobServiceUri', 'blob', issues);
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
  let boundary: Boundary;
  try {
    boundary = parseBoundary(p.COUNCIL_BOUNDARY);
  } catch (error) {
    throw new ConfigError([`COUNCIL_BOUNDARY: ${error instanceof Error ? error.message : 'invalid'}`]);
  }
  return Object.freeze({
    councilName: p.COUNCIL_NAME,
    boundary,
    cosmos: Object.freeze({ ...cosmos, database: p.COSMOS_DATABASE }),
    serviceBus: Object.freeze(serviceBus),
    blob: Object.freeze(blob),
    identity: Object.freeze({ issuer: p.OIDC_ISSUER, audience: p.OIDC_AUDIENCE }),
    dependencyTimeoutMs: p.DEPENDENCY_TIMEOUT_MS,
    requestTimeoutMs: p.REQUEST_TIMEOUT_MS,
    logLevel: p.LOG_LEVEL,
    uploadScanner: p.UPLOAD_SCANNER,
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
  });
}

let loaded: Config | undefined;

/** The process' configuration, read on first use. */
export function config(): Config {
  loaded ??= parseConfig(process.env);
  return loaded;
}
