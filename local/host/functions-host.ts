/**
 * Doorstep's local Azure Functions host.
 *
 * Azure Functions Core Tools cannot be installed offline, so this host does the
 * worker's part: it provides `@azure/functions-core` (see `local/functions-core`),
 * loads the app so that its `app.http` / `app.serviceBusQueue` / `app.timer` / …
 * registrations are captured, and invokes them through the library's own
 * programming model, exactly as the Node.js worker does. On top it copies the
 * host's trigger semantics:
 * - HTTP at `/api/<route>` with route parameters and the host's body limit;
 * - Service Bus: peek-lock, complete on success, abandon on throw (redelivered
 *   until the entity's max delivery count, then dead-lettered by the broker);
 * - timers on NCRONTAB schedules, `runOnStartup`;
 * - Event Grid through the host's webhook `POST /runtime/webhooks/EventGrid?functionName=…`;
 * - any non-HTTP function through the admin API `POST /admin/functions/<name>`.
 *
 * This module loads the app and wires the parts: `registry.ts` (registrations and
 * invocation), `http-server.ts` (the HTTP front), `http-triggers.ts`, `admin-api.ts`,
 * `event-grid.ts`, and `triggers.ts` (start-up of Service Bus, timer, change-feed
 * triggers and the malware-scanning stand-in, `malware-scanning.ts`).
 */
import { pathToFileURL } from 'node:url';
import * as core from '@azure/functions-core';
import type { RpcTypedData } from '@azure/functions-core';
import { adminApi } from './admin-api.js';
import { eventGridWebhook } from './event-grid.js';
import { listen } from './http-server.js';
import { httpTriggers } from './http-triggers.js';
import { createInvoker, registeredFunctions, type InvocationOutcome, type RegisteredFunction } from './registry.js';
import { startTriggers } from './triggers.js';

export type { InvocationOutcome, RegisteredFunction } from './registry.js';
export { closeTriggerClients } from './service-bus-trigger.js';

export interface HostOptions {
  /** The app's entry module: TypeScript source (under tsx/vitest) or the built bundle. */
  readonly entry: string;
  readonly port?: number;
  readonly host?: string;
  readonly routePrefix?: string;
  /** Azure's limit is 100 MB (210 MB on some plans); the app enforces its own, smaller ones. */
  readonly maxRequestBodyBytes?: number;
  readonly log?: (line: string) => void;
  /** Set false to leave non-HTTP triggers idle (e.g. for HTTP-only benchmarks). */
  readonly enableTriggers?: boolean;
}

export interface FunctionsHost {
  readonly url: string;
  readonly functions: readonly RegisteredFunction[];
  /** Invokes a registered function with a trigger payload, as the host would. */
  invoke(name: string, data: RpcTypedData, triggerMetadata?: Record<string, RpcTypedData>): Promise<InvocationOutcome>;
  /** Executions so far and their total duration, by function (what Flex Consumption bills). */
  invocations(): ReadonlyMap<string, { readonly count: number; readonly ms: number }>;
  close(): Promise<void>;
}

export async function startFunctionsHost(options: HostOptions): Promise<FunctionsHost> {
  const log = options.log ?? ((line: string) => console.log(line));
  const routePrefix = (options.routePrefix ?? 'api').replace(/^\/|\/$/g, '');
  const maxBody = options.maxRequestBodyBytes ?? 100 * 1024 * 1024;
  core.registry.logSink = (level, category, message) => {
    if (level === 'debug' || level === 'trace') return;
    log(`${category === 'system' ? '[host] ' : ''}${level === 'information' ? '' : `${level}: `}${message}`);
  };

  // One process can host two apps (the API and the website): each host serves what its own entry registered.
  const before = new Set(core.registry.functions);
  await import(options.entry.startsWith('file:') ? options.entry : pathToFileURL(options.entry).href);
  const model = core.registry.model;
  if (!model) throw new Error(`${options.entry} registered no functions (did it import @azure/functions?)`);
  const functions = registeredFunctions(core.registry.functions.filter((f) => !before.has(f)));
  const { invoke, stats } = createInvoker(model);
  const byName = new Map(functions.map((f) => [f.name.toLowerCase(), f]));

  const front = await listen(
    {
      ...(options.port !== undefined ? { port: options.port } : {}),
      ...(options.host ? { host: options.host } : {}),
      routePrefix,
    },
    {
      admin: adminApi(byName, invoke, maxBody),
      eventGrid: eventGridWebhook(byName, invoke, maxBody),
      http: httpTriggers(functions, invoke, maxBody),
    },
    log,
  );
  const stops = options.enableTriggers === false ? [] : await startTriggers(functions, byName, invoke, log);

  return {
    url: front.url,
    functions,
    invoke(name, data, meta) {
      const fn = byName.get(name.toLowerCase());
      if (!fn) throw new Error(`No function named ${name}`);
      return invoke(fn, data, meta);
    },
    invocations: () => new Map(stats),
    async close() {
      for (const stop of stops) await stop();
      await front.close();
    },
  };
}
