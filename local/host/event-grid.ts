/**
 * The host's Event Grid webhook, `POST /runtime/webhooks/EventGrid?functionName=…`:
 * subscription validation, then each event to the function; a failure answers 500 so
 * that Event Grid retries, as it does against Azure.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { typed, type Invoke, type RegisteredFunction } from './registry.js';
import { readBody } from './request-body.js';

/** Answers the request if it is for the webhook; false leaves it to the next handler. */
export type ServeEventGrid = (req: IncomingMessage, res: ServerResponse, path: string, url: URL) => Promise<boolean>;

export function eventGridWebhook(
  byName: ReadonlyMap<string, RegisteredFunction>,
  invoke: Invoke,
  maxBody: number,
): ServeEventGrid {
  return async (req, res, path, url) => {
    if (path !== '/runtime/webhooks/EventGrid' || req.method !== 'POST') return false;
    const fn = byName.get((url.searchParams.get('functionName') ?? '').toLowerCase());
    if (!fn || fn.trigger.type !== 'eventGridTrigger') {
      res.writeHead(404).end();
      return true;
    }
    const body = await readBody(req, maxBody);
    if (body === 'too-large') {
      res.writeHead(413).end();
      return true;
    }
    const events = [JSON.parse(body.toString()) as unknown].flat() as Record<string, unknown>[];
    if (req.headers['aeg-event-type'] === 'SubscriptionValidation') {
      const code = (events[0]?.data as { validationCode?: string } | undefined)?.validationCode;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ validationResponse: code }));
      return true;
    }
    try {
      for (const event of events) await invoke(fn, typed(event));
      res.writeHead(202).end();
    } catch {
      res.writeHead(500).end();
    }
    return true;
  };
}
