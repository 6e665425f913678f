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
