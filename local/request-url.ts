/**
 * The URL of an incoming request, read as a path however it starts: `new URL('//x', base)`
 * would take `x` for a host (and throw on one like `%7Bbj^`), which crashed the local host
 * under generated input.
 */
import type { IncomingMessage } from 'node:http';

export function requestUrl(req: IncomingMessage, origin = 'http://127.0.0.1'): URL {
  const path = req.url ?? '/';
  try {
    return new URL(`${origin}${path.startsWith('/') ? path : `/${path}`}`);
  } catch {
    return new URL(`${origin}/`);
  }
}
