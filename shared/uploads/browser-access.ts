/**
 * What browsers on the council's front ends may do on the documents account: PUT
 * to an upload link, follow a download link. One CORS rule for exactly the
 * configured origins (never `*`), the same in Azure (`infra/`) and on Azurite
 * (`local/stack.ts`). Origins come from `WEB_ORIGINS`: comma-separated https
 * origins, plain http allowed only on loopback.
 */
export interface CorsRule {
  readonly allowedOrigins: string;
  readonly allowedMethods: string;
  readonly allowedHeaders: string;
  readonly exposedHeaders: string;
  readonly maxAgeInSeconds: number;
}

const loopback = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** The origins in `WEB_ORIGINS`, each checked; throws naming the first that is not an origin. */
export function parseWebOrigins(value: string): string[] {
  const origins = value
    .split(',')
    .map((o) => o.trim())
    .filter((o) => o !== '');
  for (const origin of origins) {
    let url: URL | undefined;
    try {
      url = new URL(origin);
    } catch {
      url = undefined;
    }
    const ok =
      url !== undefined &&
      url.origin === origin &&
      (url.protocol === 'https:' || (url.protocol === 'http:' && loopback.has(url.hostname)));
    if (!ok)
      throw new Error(
        `WEB_ORIGINS: "${origin}" is not an https origin (http only on loopback), e.g. https://www.example.gov.uk`,
      );
  }
  return origins;
}

export function documentsCorsRule(origins: readonly string[]): CorsRule {
  if (origins.length === 0) throw new Error('WEB_ORIGINS: at least one front-end origin is needed');
  return {
    allowedOrigins: origins.join(','),
    allowedMethods: 'PUT,GET,HEAD,OPTIONS',
    // What an upload PUT sends (see the `upload.headers` POST /api/uploads returns), plus the
    // headers the Storage SDK adds when a front end uses it in the browser.
    allowedHeaders: 'content-type,x-ms-blob-type,x-ms-version,x-ms-date,x-ms-client-request-id',
    exposedHeaders: 'etag,x-ms-request-id,x-ms-version,content-length,content-type,content-disposition',
    maxAgeInSeconds: 3600,
  };
}
