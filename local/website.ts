/**
 * The resident website (web/) on the local Functions host, beside the API: a
 * second app in the same process, with its own route prefix ("" as in its
 * host.json), configured to reach the API and the local identity provider as it
 * would reach them in Azure: over HTTP only.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { buildWebAssets } from '../scripts/build-web.js';
import { startFunctionsHost, type FunctionsHost } from './host/functions-host.js';
import { staffWebClient, webSiteClient } from './identity/provider.js';

export interface WebsiteOptions {
  readonly apiUrl: string;
  readonly issuer: string;
  /** The staff workspace's issuer and the API's audience there: the workforce directory. */
  readonly staff: { readonly issuer: string; readonly audience: string };
  readonly audience: string;
  readonly blobEndpoint: string;
  readonly govukPayUrl: string;
  readonly port?: number;
  /** The website's entry: its TypeScript source by default, or the built bundle (dist/web/main.js). */
  readonly entry?: string;
  readonly log?: (line: string) => void;
}

export async function startWebsite(options: WebsiteOptions): Promise<FunctionsHost & { readonly sessionKey: string }> {
  await buildWebAssets();
  const sessionKey = randomBytes(32).toString('base64');
  const host = await startFunctionsHost({
    entry: options.entry ?? join(import.meta.dirname, '..', 'web', 'index.ts'),
    port: options.port ?? 0,
    routePrefix: '',
    ...(options.log ? { log: options.log } : {}),
  });
  // The site reads its settings on first use, so its own URL can be filled in once it listens.
  Object.assign(process.env, {
    WEB_API_BASE_URL: `${options.apiUrl}/api`,
    WEB_ORIGIN: host.url,
    WEB_OIDC_CLIENT_ID: webSiteClient.id,
    WEB_OIDC_CLIENT_SECRET: webSiteClient.secret,
    WEB_SESSION_KEY: sessionKey,
    WEB_UPLOAD_ORIGINS: new URL(options.blobEndpoint).origin,
    WEB_FORM_ACTION_ORIGINS: new URL(options.govukPayUrl).origin,
    // The local provider issues an access token for the API only for an RFC 8707 resource.
    WEB_OIDC_RESOURCE_INDICATOR: 'true',
    // Staff sign in at the workforce issuer, the council's own directory (decisions 1000, 1020).
    WEB_STAFF_OIDC_ISSUER: options.staff.issuer,
    WEB_STAFF_OIDC_AUDIENCE: options.staff.audience,
    WEB_STAFF_OIDC_CLIENT_ID: staffWebClient.id,
    WEB_STAFF_OIDC_CLIENT_SECRET: staffWebClient.secret,
  });
  if (process.env.OIDC_ISSUER !== options.issuer || process.env.OIDC_AUDIENCE !== options.audience)
    Object.assign(process.env, { OIDC_ISSUER: options.issuer, OIDC_AUDIENCE: options.audience });
  return Object.assign(host, { sessionKey });
}
