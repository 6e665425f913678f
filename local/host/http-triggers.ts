/**
 * HTTP triggers at `/<routePrefix>/<route>`: the host's route templates and
 * precedence, its body limit, and its bare 404/413/204 where the app says nothing.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Invoke, RegisteredFunction } from './registry.js';
import { readBody } from './request-body.js';
import { compareRoutes, compileRoute, type CompiledRoute } from './route-template.js';

const httpMethods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];

export type ServeHttp = (req: IncomingMessage, res: ServerResponse, path: string, url: URL) => Promise<void>;

export function httpTriggers(functions: readonly RegisteredFunction[], invoke: Invoke, maxBody: number): ServeHttp {
  const routes: { fn: RegisteredFunction; route: CompiledRoute; methods: Set<string> }[] = functions
    .filter((f) => f.trigger.type === 'httpTrigger')
    .map((fn) => ({
      fn,
      route: compileRoute(typeof fn.trigger.route === 'string' ? fn.trigger.route : fn.name),
      methods: new Set(((fn.trigger.methods as string[] | undefined) ?? httpMethods).map((m) => m.toUpperCase())),
    }))
    .sort((a, b) => compareRoutes(a.route, b.route));

  return async (req, res, path, url) => {
    const method = (req.method ?? 'GET').toUpperCase();
    const candidates = routes.map((r) => ({ r, params: r.route.match(path) })).filter((c) => c.params !== undefined);
    const chosen = candidates.find((c) => c.r.methods.has(method));
    if (!chosen) {
      // What the Azure host does for an unmatched route or method.
      res.writeHead(404).end();
      return;
    }
    const body = await readBody(req, maxBody);
    if (body === 'too-large') {
      res.writeHead(413, { connection: 'close' }).end();
      req.destroy();
      return;
    }
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers))
      if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
    const query: Record<string, string> = {};
    for (const [k, v] of url.searchParams) query[k] ??= v;
    const { returnValue } = await invoke(chosen.r.fn, {
      http: { method, url: url.href, headers, query, params: chosen.params ?? {}, body: { bytes: body } },
    });
    const http = returnValue?.http;
    if (!http) {
      res.writeHead(204).end();
      return;
    }
    const out: Record<string, string | string[]> = { ...(http.headers ?? {}) };
    const cookies = (http.cookies as { name: string; value: string }[] | undefined) ?? [];
    if (cookies.length > 0) out['set-cookie'] = cookies.map((c) => `${c.name}=${c.value}`);
    const bytes = http.body?.bytes ?? (http.body?.string ? Buffer.from(http.body.string) : undefined);
    res.writeHead(Number(http.statusCode ?? 200), out);
    res.end(method === 'HEAD' ? undefined : bytes);
  };
}
