/**
 * The resident website's configuration: read from the environment once,
 * validated, frozen. The site knows Doorstep only by its public API's URL and
 * the identity provider's issuer; it holds no Azure data-plane settings at all.
 */
import { z } from 'zod';

const loopbackHosts = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** https, or http on loopback (the local stack). */
const webUrl = z.url().refine((value) => {
  const url = new URL(value);
  return url.protocol === 'https:' || (url.protocol === 'http:' && loopbackHosts.has(url.hostname));
}, 'must be https (http only on loopback)');

const settings = z.object({
  /** Doorstep's API, e.g. https://func-doorstep-prod.azurewebsites.net/api */
  WEB_API_BASE_URL: webUrl,
  /** The site's own origin, e.g. https://report.council.gov.uk (redirect URIs are built from it). */
  WEB_ORIGIN: webUrl,
  OIDC_ISSUER: webUrl,
  WEB_OIDC_CLIENT_ID: z.string().min(1),
  /** A Key Vault reference in Azure; never a literal there. */
  WEB_OIDC_CLIENT_SECRET: z.string().min(1),
  /** The API's audience (resource indicator asked for at sign-in), as the API's OIDC_AUDIENCE. */
  OIDC_AUDIENCE: z.string().min(1),
  /**
   * Scopes asked for at sign-in. Entra (workforce or External ID) names the API in a scope,
   * `api://<API client id>/access_as_user`; infra sets that. The default suits the local provider.
   */
  WEB_OIDC_SCOPES: z.string().default('openid profile email doorstep'),
  /**
   * Whether sign-in also sends the API's audience as an RFC 8707 `resource` parameter. The local
   * provider needs it to issue an access token for the API; Entra's v2.0 endpoints refuse it
   * (AADSTS901002), so it is off unless set.
   */
  WEB_OIDC_RESOURCE_INDICATOR: z.enum(['true', 'false']).default('false'),
  /** The staff sign-in's scopes (default: WEB_OIDC_SCOPES): the workforce directory's API scope. */
  WEB_STAFF_OIDC_SCOPES: z.string().min(1).optional(),
  /** 32 random bytes, base64: encrypts the session cookie. A Key Vault reference in Azure. */
  WEB_SESSION_KEY: z
    .string()
    .refine((v) => Buffer.from(v, 'base64').length === 32, 'must be 32 bytes, base64 (openssl rand -base64 32)'),
  COUNCIL_NAME: z.string().min(1).default('Doorstep Borough Council'),
  /** Where residents write to about the site (accessibility statement, privacy notice). */
  WEB_CONTACT_EMAIL: z.email().default('digital@council.example'),
  /** Origins the browser may send files to directly (the documents account), comma-separated. */
  WEB_UPLOAD_ORIGINS: z.string().default(''),
  /** Origins forms may redirect to (GOV.UK Pay's hosted pages), comma-separated. */
  WEB_FORM_ACTION_ORIGINS: z.string().default(''),
  /**
   * The staff workspace's own sign-in (/staff): the council's workforce directory. Without
   * all three, /staff answers "not found" (decision 1020).
   */
  WEB_STAFF_OIDC_ISSUER: webUrl.optional(),
  WEB_STAFF_OIDC_CLIENT_ID: z.string().min(1).optional(),
  /** A Key Vault reference in Azure; never a literal there. */
  WEB_STAFF_OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  /** The API's audience as the workforce issuer names it (default: OIDC_AUDIENCE). */
  WEB_STAFF_OIDC_AUDIENCE: z.string().min(1).optional(),
});

export interface WebConfig {
  readonly apiBaseUrl: string;
  readonly origin: string;
  readonly oidc: {
    readonly issuer: string;
    readonly clientId: string;
    readonly clientSecret: string;
    readonly audience: string;
    readonly scopes: string;
    /** Send `resource` (RFC 8707) at sign-in: the local provider, never Entra. */
    readonly resourceIndicator: boolean;
    readonly redirectUri: string;
  };
  readonly sessionKey: Uint8Array;
  readonly councilName: string;
  readonly contactEmail: string;
  readonly uploadOrigins: readonly string[];
  readonly formActionOrigins: readonly string[];
  /** Cookies are `Secure` always: browsers treat http://127.0.0.1 as a secure context. */
  readonly insecureIssuer: boolean;
  /** The staff workspace's sign-in, when configured. */
  readonly staffOidc?: WebConfig['oidc'];
}

export class WebConfigError extends Error {
  constructor(readonly issues: readonly string[]) {
    super(`The website's configuration is invalid:\n- ${issues.join('\n- ')}`);
    this.name = 'WebConfigError';
  }
}

const origins = (name: string, value: string, issues: string[]): string[] =>
  value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .flatMap((s) => {
      const parsed = webUrl.safeParse(s);
      if (!parsed.success || new URL(s).origin !== s.replace(/\/$/, '')) {
        issues.push(`${name}: ${s} is not an origin (https://host[:port])`);
        return [];
      }
      return [new URL(s).origin];
    });

export function parseWebConfig(env: NodeJS.ProcessEnv): WebConfig {
  const issues: string[] = [];
  const parsed = settings.safeParse(env);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) issues.push(`${issue.path.join('.')}: ${issue.message}`);
    throw new WebConfigError(issues);
  }
  const s = parsed.data;
  for (const [name, value] of Object.entries(s))
    if (typeof value === 'string' && value.startsWith('@Microsoft.KeyVault('))
      issues.push(`${name}: the Key Vault reference was not resolved (does the app's identity have Secrets User?)`);
  const uploadOrigins = origins('WEB_UPLOAD_ORIGINS', s.WEB_UPLOAD_ORIGINS, issues);
  const formActionOrigins = origins('WEB_FORM_ACTION_ORIGINS', s.WEB_FORM_ACTION_ORIGINS, issues);
  if (issues.length > 0) throw new WebConfigError(issues);
  const origin = new URL(s.WEB_ORIGIN).origin;
  const staffSettings = [s.WEB_STAFF_OIDC_ISSUER, s.WEB_STAFF_OIDC_CLIENT_ID, s.WEB_STAFF_OIDC_CLIENT_SECRET];
  if (staffSettings.some(Boolean) && !staffSettings.every(Boolean))
    throw new WebConfigError([
      'WEB_STAFF_OIDC_ISSUER, WEB_STAFF_OIDC_CLIENT_ID and WEB_STAFF_OIDC_CLIENT_SECRET: set all three, or none',
    ]);
  const staffOidc =
    s.WEB_STAFF_OIDC_ISSUER && s.WEB_STAFF_OIDC_CLIENT_ID && s.WEB_STAFF_OIDC_CLIENT_SECRET
      ? Object.freeze({
          issuer: s.WEB_STAFF_OIDC_ISSUER,
          clientId: s.WEB_STAFF_OIDC_CLIENT_ID,
          clientSecret: s.WEB_STAFF_OIDC_CLIENT_SECRET,
          audience: s.WEB_STAFF_OIDC_AUDIENCE ?? s.OIDC_AUDIENCE,
          scopes: s.WEB_STAFF_OIDC_SCOPES ?? s.WEB_OIDC_SCOPES,
          resourceIndicator: s.WEB_OIDC_RESOURCE_INDICATOR === 'true',
          redirectUri: `${origin}/staff/auth/callback`,
        })
      : undefined;
  return Object.freeze({
    apiBaseUrl: s.WEB_API_BASE_URL.replace(/\/$/, ''),
    origin,
    oidc: Object.freeze({
      issuer: s.OIDC_ISSUER,
      clientId: s.WEB_OIDC_CLIENT_ID,
      clientSecret: s.WEB_OIDC_CLIENT_SECRET,
      audience: s.OIDC_AUDIENCE,
      scopes: s.WEB_OIDC_SCOPES,
      resourceIndicator: s.WEB_OIDC_RESOURCE_INDICATOR === 'true',
      redirectUri: `${origin}/auth/callback`,
    }),
    sessionKey: new Uint8Array(Buffer.from(s.WEB_SESSION_KEY, 'base64')),
    councilName: s.COUNCIL_NAME,
    contactEmail: s.WEB_CONTACT_EMAIL,
    uploadOrigins: Object.freeze(uploadOrigins),
    formActionOrigins: Object.freeze(formActionOrigins),
    insecureIssuer: new URL(s.OIDC_ISSUER).protocol === 'http:',
    ...(staffOidc ? { staffOidc } : {}),
  });
}

let loaded: WebConfig | undefined;

/** The process' configuration, read on first use. */
export function webConfig(): WebConfig {
  loaded ??= parseWebConfig(process.env);
  return loaded;
}
