/** The host's admin API: `POST /admin/functions/<name>` runs any non-HTTP function on demand. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { timerPayload, typed, type Invoke, type RegisteredFunction } from './registry.js';
import { readBody } from './request-body.js';
import { lenientDecode } from './route-template.js';

/** Answers the request if it is for the admin API; false leaves it to the next handler. */
export type ServeAdmin = (req: IncomingMessage, res: ServerResponse, path: string) => Promise<boolean>;

export function adminApi(byName: ReadonlyMap<string, RegisteredFunction>, invoke: Invoke, maxBody: number): ServeAdmin {
  return async (req, res, path) => {
    const adminMatch = /^\/admin\/functions\/([^/]+)$/.exec(path);
    if (!adminMatch || req.method !== 'POST') return false;
    const fn = byName.get(lenientDecode(adminMatch[1] ?? '').toLowerCase());
    if (!fn || fn.trigger.type === 'httpTrigger') {
      res.writeHead(404).end();
      return true;
    }
    const body = await readBody(req, maxBody);
    const input = body === 'too-large' || body.length === 0 ? {} : (JSON.parse(body.toString()) as { input?: unknown });
    await invoke(fn, fn.trigger.type === 'timerTrigger' ? timerPayload() : typed(input.input));
    res.writeHead(202).end();
    return true;
  };
}
