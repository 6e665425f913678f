import type { HttpResponseInit } from '@azure/functions';

/** A JSON response that is never cached by shared caches (it is personal or changes). */
export function json(status: number, body: unknown, headers: Record<string, string> = {}): HttpResponseInit {
  return { status, jsonBody: body, headers: { 'cache-control': 'no-store', ...headers } };
}

/** A public response that may be cached briefly (catalogue, nearby). */
export function publicJson(
  body: unknown,
  maxAgeSeconds: number,
  headers: Record<string, string> = {},
): HttpResponseInit {
  return { status: 200, jsonBody: body, headers: { 'cache-control': `public, max-age=${maxAgeSeconds}`, ...headers } };
}

/**
 * Headers every response carries, success or problem, set in one place
 * (`withErrors`). HSTS: a year, subdomains included, so a browser never speaks
 * plain HTTP to the API again (the function app is https-only too); nosniff so an
 * upload served back is never guessed into HTML or script.
 */
export const securityHeaders: Readonly<Record<string, string>> = {
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'x-content-type-options': 'nosniff',
};

export function withSecurityHeaders(response: HttpResponseInit): HttpResponseInit {
  const headers = new Headers(response.headers);
  for (const [name, value] of Object.entries(securityHeaders)) headers.set(name, value);
  return { ...response, headers };
}
