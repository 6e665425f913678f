/**
 * The host's HTTP front: the admin API and the Event Grid webhook first, then the
 * app's HTTP triggers under the route prefix; anything else is a bare 404, and an
 * unhandled function error a bare 500, as the Azure host answers them.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { requestUrl } from '../request-url.js';
import type { ServeAdmin } from './admin-api.js';
import type { ServeEventGrid } from './event-grid.js';
import type { ServeHttp } from './http-triggers.js';

export interface HttpFront {
  readonly url: string;
  close(): Promise<void>;
}

export async function listen(
  at: { readonly port?: number; readonly host?: string; readonly routePrefix: string },
  serve: { readonly admin: ServeAdmin; readonly eventGrid: ServeEventGrid; readonly http: ServeHttp },
  log: (line: string) => void,
): Promise<HttpFront> {
  const server: Server = createServer((req, res) => {
    const host = /^[A-Za-z0-9.-]+(:\d+)?$/.test(req.headers.host ?? '') ? (req.headers.host ?? '') : '127.0.0.1';
    const url = requestUrl(req, `http://${host}`);
    const path = url.pathname;
    void (async () => {
      try {
        if ((await serve.admin(req, res, path)) || (await serve.eventGrid(req, res, path, url))) return;
        const prefix = at.routePrefix ? `/${at.routePrefix}` : '';
        if (!path.toLowerCase().startsWith(`${prefix}/`) && path !== prefix) {
          res.writeHead(404).end();
          return;
        }
        await serve.http(req, res, path.slice(prefix.length) || '/', url);
      } catch (error) {
        log(`[host] error: function failed: ${error instanceof Error ? error.message : String(error)}`);
        if (!res.headersSent) res.writeHead(500);
        res.end();
      }
    })();
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(at.port ?? 7071, at.host ?? '127.0.0.1', resolve);
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${at.host ?? '127.0.0.1'}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      }),
  };
}
