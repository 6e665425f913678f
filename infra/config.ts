/**
 * The stack's configuration (Pulumi.<stack>.yaml, namespace `doorstep:`), parsed
 * once into a typed, validated object. No secret is configured here: secrets
 * live in Key Vault and the app reads them through Key Vault references.
 */
import { z } from 'zod';
import { partnerIds } from '../shared/catalogue/partners.js';
import { parseBoundary, type Boundary } from '../shared/geo/area.js';
import { readStackWards, wardsOutside } from './wards.js';

const flag = z.enum(['true', 'false']).transform((v) => v === 'true');
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
// A browser origin: scheme and host only. `*` or a path would never match what a browser sends.
const origin = z
  .string()
  .regex(/^https:\/\/[a-z0-9.-]+(:\d+)?$/, 'an https origin such as https://www.council.example');
const cidr = z.string().regex(/^\d{1,3}(\.\d{1,3}){3}(\/\d{1,2})?$/, 'an IPv4 address or CIDR range');
const list = (item: z.ZodString) =>
  z
    .string()
    .transform((v) =>
      v
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean),
    )
    .pipe(z.array(item));

export const infraConfigSchema = z.object({
  env: z.enum(['dev', 'prod']),
  /** Short, lower-case: names resources, e.g. `doorstep` → `cosmos-doorstep-prod`. */
  prefix: z.string().regex(/^[a-z][a-z0-9]{2,11}$/),
  location: z.string().min(3).default('uksouth'),
  cosmosMode: z.enum(['serverless', 'autoscale']),
  /** Autoscale ceiling (RU/s) for the shared database throughput. */
  cosmosMaxThroughput: int(1000, 1_000_000).default(4000),
  networking: flag.default(false),
  vnetAddressSpace: z
    .string()
    .regex(/^\d+\.\d+\.\d+\.\d+\/\d+$/)
    .default('10.40.0.0/16'),
  alwaysReadyHttp: int(0, 20).default(0),
  maximumInstanceCount: int(40, 1000).default(100),
  instanceMemoryMB: z.enum(['512', '2048', '4096']).transform(Number).default(2048),
  oidcIssuer: z.url(),
  oidcAudience: z.string().min(1),
  /**
   * The council's workforce directory (Entra ID) that signs staff in (decision 1000): its v2.0
   * issuer, the API app registration's client id (the `aud` of v2.0 tokens) and the tenant id.
   * All three or none; none, and no one is staff.
   */
  workforceOidcIssuer: z.url().optional(),
  workforceOidcAudience: z.string().min(1).optional(),
  workforceTenantId: z.uuid().optional(),
  councilName: z.string().min(1),
  councilBoundary: z.string().min(7),
  alertEmail: z.email(),
  monthlyBudgetGbp: int(10, 1_000_000),
  /** Where GOV.UK Pay returns residents (the council's front end). */
  paymentReturnUrl: z.url(),
  govukPayBaseUrl: z.url().default('https://publicapi.payments.service.gov.uk'),
  /** The resident-facing My Account page that notifications link to. */
  myAccountUrl: z.url(),
  /** JSON: notification kind → { email?, sms? } GOV.UK Notify template ids (not secrets). */
  notifyTemplates: z.string().default('{}'),
  /**
   * Subscribes `scan-upload` to Defender's scan results. Off on a fresh stack: Event Grid
   * validates the function endpoint, so the code must be deployed first (docs/deploy.md).
   */
  uploadEvents: flag.default(false),
  /** The council's front-end origins (comma-separated https origins): CORS on the API and the documents account. */
  webOrigins: list(origin).refine((a) => a.length > 0, 'at least one origin'),
  /**
   * The resident website's origin (its custom domain, https, no path). Unset: the site's
   * own `func-<prefix>-web-<env>.azurewebsites.net`. Either way it is added to webOrigins.
   */
  webOrigin: origin.optional(),
  /** The website's app registration (client id) in the council's Entra External ID tenant. */
  webClientId: z.uuid(),
  /**
   * The API's delegated scope in the resident directory, as Entra names it (Application ID URI +
   * scope): the website asks for it at sign-in (WEB_OIDC_SCOPES). docs/deploy.md section 12.
   */
  webApiScope: z
    .string()
    .regex(
      /^(api|https):\/\/[^\s/]+(\/[^\s/]+)*\/[^\s/.]+$/,
      'an Application ID URI and a scope, e.g. api://doorstep/doorstep',
    )
    .default('api://doorstep/doorstep'),
  /**
   * The staff pages' app registration (client id) in the council's workforce Entra ID (decision
   * 1073). Needs the three workforce settings; its client secret is `web-staff-oidc-client-secret`
   * in the site's vault. Unset: the site's /staff pages answer "not found".
   */
  staffWebClientId: z.uuid().optional(),
  /** The team mailbox that hears of councillors' enquiries about to miss their deadline (CASEWORK_MAILBOX). */
  caseworkMailbox: z.email().optional(),
  /**
   * Working days staff have to answer a councillor's enquiry, and how many before that they are
   * reminded (ENQUIRY_RESPONSE_WORKING_DAYS, ENQUIRY_REMINDER_WORKING_DAYS): a council's own
   * member-enquiry standard. Unset: the app's defaults (10 and 2).
   */
  enquiryResponseWorkingDays: z.coerce.number().int().min(1).max(60).optional(),
  enquiryReminderWorkingDays: z.coerce.number().int().min(0).max(30).optional(),
  /**
   * The council's wards: a GeoJSON FeatureCollection file (ONS ward boundaries, WGS84), relative to
   * infra/ or absolute (decision 1074). Checked at preview; `npm run build -- --stack <stack>` puts it
   * in the app package and the app reads it at start (WARD_BOUNDARIES_FILE). Unset: no wards.
   */
  wardBoundariesFile: z.string().min(1).max(500).optional(),
  /** The teams staff assign requests to, `code=Name` pairs (STAFF_TEAMS); unset: the app's default teams. */
  staffTeams: z.string().min(3).max(4000).optional(),
  /**
   * The council's device CA (PEM, public certificate only): IoT Hub trusts device certificates it
   * signed (decision 1072). Unset: no device can connect until a CA is added.
   */
  deviceCaCertificate: z
    .string()
    .regex(/^-----BEGIN CERTIFICATE-----[A-Za-z0-9+/=\s]+-----END CERTIFICATE-----\s*$/, 'a PEM certificate')
    .optional(),
  /** Where residents write to about the site (accessibility statement, privacy notice). */
  webContactEmail: z.email().default('digital@council.example'),
  /** The API's address service: none (503) or the OS Places API, its key in Key Vault as `os-places-api-key`. */
  addressLookup: z.enum(['none', 'os-places']).default('none'),
  /** Operators' egress ranges (comma-separated IPv4 CIDRs): Key Vault and Service Bus from outside the VNet. */
  operatorIps: list(cidr).default([]),
  /** Back offices' egress ranges (comma-separated IPv4 CIDRs): Service Bus from outside the VNet. */
  partnerIps: list(cidr).default([]),
  /** Object id of the platform team's Entra group: sets secrets, uploads packages, handles dead letters. */
  operatorsGroupObjectId: z.uuid().optional(),
  /**
   * API Management tier for the per-caller limits: BasicV2 (default, SLA), StandardV2, or
   * Developer (classic, no SLA, cheaper for dev). Consumption lacks rate-limit-by-key.
   */
  apiManagementSku: z.enum(['BasicV2', 'StandardV2', 'Developer']).default('BasicV2'),
  /**
   * JSON: back office id → object id of its service principal (its Entra app
   * registration). Each gets Data Sender on its own `partner-inbound-<id>` queue and
   * Data Receiver on its own `work-orders` subscription, nothing else. A back office
   * left out gets no access (the platform team grants nothing by hand either).
   */
  partnerPrincipals: z
    .string()
    .default('{}')
    .transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be a JSON object' });
        return z.NEVER;
      }
    })
    .pipe(z.partialRecord(z.enum(partnerIds), z.uuid())),
});

export type InfraConfig = z.output<typeof infraConfigSchema>;

export function parseInfraConfig(values: Record<string, string | undefined>): InfraConfig {
  const result = infraConfigSchema.safeParse(values);
  const issues = result.success
    ? crossChecks(result.data)
    : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  if (!result.success || issues.length > 0)
    throw new Error(`Invalid doorstep: stack configuration:\n- ${issues.join('\n- ')}`);
  return result.data;
}

/** Settings that only make sense together: the app would refuse to start with half of them. */
function crossChecks(cfg: InfraConfig): string[] {
  const workforce = [cfg.workforceOidcIssuer, cfg.workforceOidcAudience, cfg.workforceTenantId].filter(Boolean).length;
  const issues: string[] = [];
  if (workforce !== 0 && workforce !== 3)
    issues.push('workforceOidcIssuer, workforceOidcAudience and workforceTenantId: set all three or none.');
  if (cfg.staffWebClientId && workforce !== 3)
    issues.push('staffWebClientId: the staff pages sign in at the workforce directory; set its three settings too.');
  // The app would quietly remind the day before instead (casework deadlinesFor): say so at preview.
  if ((cfg.enquiryReminderWorkingDays ?? 2) >= (cfg.enquiryResponseWorkingDays ?? 10))
    issues.push(
      'enquiryReminderWorkingDays: the reminder must come before the deadline, so fewer working days than enquiryResponseWorkingDays.',
    );
  let council: Boundary | undefined;
  try {
    council = parseBoundary(cfg.councilBoundary);
  } catch (error) {
    issues.push(`councilBoundary: ${error instanceof Error ? error.message : 'invalid'}`);
  }
  if (cfg.wardBoundariesFile) {
    try {
      const wards = readStackWards(cfg.wardBoundariesFile);
      const outside = council ? wardsOutside(wards, council) : [];
      if (outside.length > 0)
        issues.push(
          `wardBoundariesFile: ${outside.slice(0, 5).join(', ')}${outside.length > 5 ? ` and ${outside.length - 5} more` : ''} lie outside councilBoundary: filter the download to the council's own wards.`,
        );
    } catch (error) {
      issues.push(`wardBoundariesFile: ${error instanceof Error ? error.message : 'invalid'}`);
    }
  }
  return issues;
}

export const configKeys = Object.keys(infraConfigSchema.shape) as (keyof InfraConfig)[];
