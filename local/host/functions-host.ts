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
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import type { ServiceBusClient, ServiceBusReceivedMessage, ServiceBusReceiver } from '@azure/service-bus';
import * as core from '@azure/functions-core';
import type { FunctionCallback, FunctionMetadata, RpcBindingInfo, RpcTypedData } from '@azure/functions-core';
import { requestUrl } from '../request-url.js';
import { compareRoutes, compileRoute, lenientDecode, type CompiledRoute } from './route-template.js';
import { parseNcrontab } from './ncrontab.js';
import { connectionStringParts } from '../../shared/config.js';
import { blobEventSubscriptions, type BlobEventSubscription } from '../../shared/events/event-subscriptions.js';

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

export interface RegisteredFunction {
  readonly name: string;
  readonly trigger: RpcBindingInfo & { type: string };
  readonly triggerName: string;
  readonly metadata: FunctionMetadata;
  readonly callback: FunctionCallback;
}

export interface InvocationOutcome {
  readonly returnValue: RpcTypedData | null | undefined;
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

const httpMethods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];

function registeredFunctions(entries = core.registry.functions): RegisteredFunction[] {
  return entries.map(({ metadata, callback }) => {
    const entry = Object.entries(metadata.bindings).find(
      ([, b]) => b.direction === 'in' && typeof b.type === 'string' && b.type.endsWith('Trigger'),
    );
    if (!entry) throw new Error(`Function ${metadata.name} has no trigger binding`);
    const [triggerName, trigger] = entry;
    return {
      name: metadata.name,
      trigger: trigger as RpcBindingInfo & { type: string },
      triggerName,
      metadata,
      callback,
    };
  });
}

const typed = (value: unknown): RpcTypedData => {
  if (value === undefined || value === null) return {};
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return { bytes: value };
  if (typeof value === 'string') return { string: value };
  if (typeof value === 'number') return Number.isInteger(value) ? { int: value } : { double: value };
  return { json: JSON.stringify(value) };
};

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

  const stats = new Map<string, { count: number; ms: number }>();
  async function invoke(
    fn: RegisteredFunction,
    data: RpcTypedData,
    triggerMetadata: Record<string, RpcTypedData> = {},
  ): Promise<InvocationOutcome> {
    const invocationId = randomUUID();
    const coreContext: core.CoreInvocationContext = {
      invocationId,
      metadata: fn.metadata,
      request: { invocationId, functionId: fn.name, inputData: [{ name: fn.triggerName, data }], triggerMetadata },
      log: (level, category, message) => {
        core.log(level, category, category === 'user' ? `${fn.name}: ${message}` : message);
      },
    };
    const started = performance.now();
    try {
      const invocation = (model as core.ProgrammingModel).getInvocationModel(coreContext);
      const { context, inputs } = await invocation.getArguments();
      const result = await invocation.invokeFunction(context, inputs, fn.callback);
      const response = await invocation.getResponse(context, result);
      return { returnValue: response.returnValue };
    } finally {
      const stat = stats.get(fn.name) ?? { count: 0, ms: 0 };
      stats.set(fn.name, { count: stat.count + 1, ms: stat.ms + performance.now() - started });
    }
  }

  const byName = new Map(functions.map((f) => [f.name.toLowerCase(), f]));
  const invokeByName = (name: string, data: RpcTypedData, meta?: Record<string, RpcTypedData>) => {
    const fn = byName.get(name.toLowerCase());
    if (!fn) throw new Error(`No function named ${name}`);
    return invoke(fn, data, meta);
  };

  // --- HTTP -------------------------------------------------------------------------------
  const httpRoutes: { fn: RegisteredFunction; route: CompiledRoute; methods: Set<string> }[] = functions
    .filter((f) => f.trigger.type === 'httpTrigger')
    .map((fn) => ({
      fn,
      route: compileRoute(typeof fn.trigger.route === 'string' ? fn.trigger.route : fn.name),
      methods: new Set(((fn.trigger.methods as string[] | undefined) ?? httpMethods).map((m) => m.toUpperCase())),
    }))
    .sort((a, b) => compareRoutes(a.route, b.route));

  async function readBody(req: IncomingMessage): Promise<Buffer | 'too-large'> {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > maxBody) return 'too-large';
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > maxBody) return 'too-large';
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks);
  }

  async function serveHttp(req: IncomingMessage, res: ServerResponse, path: string, url: URL): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const candidates = httpRoutes
      .map((r) => ({ r, params: r.route.match(path) }))
      .filter((c) => c.params !== undefined);
    const chosen = candidates.find((c) => c.r.methods.has(method));
    if (!chosen) {
      // What the Azure host does for an unmatched route or method.
      res.writeHead(404).end();
      return;
    }
    const body = await readBody(req);
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
  }

  // --- Admin API and Event Grid webhook (non-HTTP triggers on demand) ----------------------
  async function serveAdmin(req: IncomingMessage, res: ServerResponse, path: string, url: URL): Promise<boolean> {
    const adminMatch = /^\/admin\/functions\/([^/]+)$/.exec(path);
    if (adminMatch && req.method === 'POST') {
      const fn = byName.get(lenientDecode(adminMatch[1] ?? '').toLowerCase());
      if (!fn || fn.trigger.type === 'httpTrigger') {
        res.writeHead(404).end();
        return true;
      }
      const body = await readBody(req);
      const input =
        body === 'too-large' || body.length === 0 ? {} : (JSON.parse(body.toString()) as { input?: unknown });
      const data =
        fn.trigger.type === 'timerTrigger'
          ? typed({ isPastDue: false, schedule: { adjustForDST: true } })
          : typed(input.input);
      await invoke(fn, data);
      res.writeHead(202).end();
      return true;
    }
    if (path === '/runtime/webhooks/EventGrid' && req.method === 'POST') {
      const fn = byName.get((url.searchParams.get('functionName') ?? '').toLowerCase());
      if (!fn || fn.trigger.type !== 'eventGridTrigger') {
        res.writeHead(404).end();
        return true;
      }
      const body = await readBody(req);
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
        // Event Grid retries on failure, as it does against Azure.
        res.writeHead(500).end();
      }
      return true;
    }
    return false;
  }

  const server: Server = createServer((req, res) => {
    const host = /^[A-Za-z0-9.-]+(:\d+)?$/.test(req.headers.host ?? '') ? (req.headers.host ?? '') : '127.0.0.1';
    const url = requestUrl(req, `http://${host}`);
    const path = url.pathname;
    void (async () => {
      try {
        if (await serveAdmin(req, res, path, url)) return;
        const prefix = routePrefix ? `/${routePrefix}` : '';
        if (!path.toLowerCase().startsWith(`${prefix}/`) && path !== prefix) {
          res.writeHead(404).end();
          return;
        }
        await serveHttp(req, res, path.slice(prefix.length) || '/', url);
      } catch (error) {
        // The Azure host answers an unhandled function error with a bare 500.
        log(`[host] error: function failed: ${error instanceof Error ? error.message : String(error)}`);
        if (!res.headersSent) res.writeHead(500);
        res.end();
      }
    })();
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 7071, options.host ?? '127.0.0.1', resolve);
  });
  const address = server.address() as AddressInfo;
  const url = `http://${options.host ?? '127.0.0.1'}:${address.port}`;

  // --- Service Bus and timer triggers ---------------------------------------------------------
  const stops: (() => Promise<void>)[] = [];
  if (options.enableTriggers !== false) {
    for (const fn of functions.filter((f) => f.trigger.type === 'serviceBusTrigger')) {
      stops.push(await startServiceBusTrigger(fn, (data, meta) => invoke(fn, data, meta), log));
    }
    for (const fn of functions.filter((f) => f.trigger.type === 'timerTrigger')) {
      stops.push(
        startTimerTrigger(fn, () => invoke(fn, typed({ isPastDue: false, schedule: { adjustForDST: true } })), log),
      );
    }
    for (const fn of functions.filter((f) => f.trigger.type === 'cosmosDBTrigger')) {
      stops.push(await startChangeFeed(fn, (documents) => invoke(fn, typed(documents)), log));
    }
    // Event Grid does not exist locally: watch the containers its subscriptions cover.
    for (const subscription of blobEventSubscriptions) {
      const fn = byName.get(subscription.functionName.toLowerCase());
      if (fn?.trigger.type === 'eventGridTrigger')
        stops.push(await startBlobEvents(subscription, (event) => invoke(fn, typed(event)), log));
    }
  }

  return {
    url,
    functions,
    invoke: invokeByName,
    invocations: () => new Map(stats),
    async close() {
      for (const stop of stops) await stop();
      await new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      });
    },
  };
}

const serviceBusClients = new Map<string, ServiceBusClient>();

async function serviceBusClientFor(connection: string): Promise<ServiceBusClient> {
  const existing = serviceBusClients.get(connection);
  if (existing) return existing;
  const { ServiceBusClient } = await import('@azure/service-bus');
  const connectionString = process.env[connection];
  const namespace = process.env[`${connection}__fullyQualifiedNamespace`];
  let client: ServiceBusClient;
  if (connectionString) client = new ServiceBusClient(connectionString);
  else if (namespace) {
    const { DefaultAzureCredential } = await import('@azure/identity');
    client = new ServiceBusClient(namespace, new DefaultAzureCredential());
  } else throw new Error(`Service Bus trigger connection '${connection}' is not configured`);
  serviceBusClients.set(connection, client);
  return client;
}

function triggerMetadataOf(m: ServiceBusReceivedMessage): Record<string, RpcTypedData> {
  const meta: Record<string, unknown> = {
    MessageId: m.messageId,
    // The host counts the current attempt; the AMQP header counts earlier ones.
    DeliveryCount: (m.deliveryCount ?? 0) + 1,
    EnqueuedTimeUtc: m.enqueuedTimeUtc?.toISOString(),
    ExpiresAtUtc: m.expiresAtUtc?.toISOString(),
    SequenceNumber: m.sequenceNumber?.toNumber(),
    LockToken: m.lockToken,
    Subject: m.subject,
    CorrelationId: m.correlationId,
    ContentType: m.contentType,
    ApplicationProperties: m.applicationProperties,
  };
  const out: Record<string, RpcTypedData> = {};
  for (const [k, v] of Object.entries(meta)) if (v !== undefined && v !== null) out[k] = typed(v);
  return out;
}

async function startServiceBusTrigger(
  fn: RegisteredFunction,
  run: (data: RpcTypedData, meta: Record<string, RpcTypedData>) => Promise<InvocationOutcome>,
  log: (line: string) => void,
): Promise<() => Promise<void>> {
  const t = fn.trigger as RpcBindingInfo & {
    connection?: string;
    queueName?: string;
    topicName?: string;
    subscriptionName?: string;
  };
  const client = await serviceBusClientFor(t.connection ?? 'ServiceBus');
  const receiver: ServiceBusReceiver = t.queueName
    ? client.createReceiver(t.queueName, { receiveMode: 'peekLock' })
    : client.createReceiver(t.topicName ?? '', t.subscriptionName ?? '', { receiveMode: 'peekLock' });
  const subscription = receiver.subscribe(
    {
      processMessage: async (message) => {
        try {
          const body = message.body as unknown;
          await run(typed(body), triggerMetadataOf(message));
          await receiver.completeMessage(message);
        } catch (error) {
          log(
            `[host] ${fn.name}: invocation failed, message ${String(message.messageId ?? '')} abandoned: ${error instanceof Error ? error.message : String(error)}`,
          );
          await receiver.abandonMessage(message).catch(() => undefined);
        }
      },
      processError: async (args) => {
        log(`[host] ${fn.name}: Service Bus receiver error (${args.errorSource}): ${args.error.message}`);
        await Promise.resolve();
      },
    },
    { autoCompleteMessages: false, maxConcurrentCalls: 16 },
  );
  return async () => {
    // Bounded, as the Functions host bounds shutdown: after an outage of the emulator the
    // SDK's subscription.close() has been seen never to resolve (cause not found yet).
    await settleWithin(subscription.close(), 5000, () => {
      log(`[host] ${fn.name}: the Service Bus subscription did not close within 5 s`);
    });
    await settleWithin(receiver.close(), 5000, () => undefined);
  };
}

async function settleWithin(work: Promise<unknown>, ms: number, onTimeout: () => void): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => {
      resolve('late');
    }, ms);
  });
  const outcome = await Promise.race([work.then(() => 'done' as const).catch(() => 'done' as const), late]);
  clearTimeout(timer);
  if (outcome === 'late') onTimeout();
}

function startTimerTrigger(
  fn: RegisteredFunction,
  run: () => Promise<unknown>,
  log: (line: string) => void,
): () => Promise<void> {
  const t = fn.trigger as RpcBindingInfo & { schedule?: string; runOnStartup?: boolean };
  const schedule = parseNcrontab(t.schedule ?? '');
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const fire = async () => {
    try {
      await run();
    } catch (error) {
      log(`[host] ${fn.name}: timer invocation failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  const arm = () => {
    if (stopped) return;
    const delay = Math.max(0, schedule.next(new Date()).getTime() - Date.now());
    timer = setTimeout(() => {
      void fire().finally(arm);
    }, delay);
    timer.unref();
  };
  if (t.runOnStartup) void fire();
  arm();
  return async () => {
    stopped = true;
    clearTimeout(timer);
    await Promise.resolve();
  };
}

/** Runs `poll` every `intervalMs`, one run at a time; the returned function stops it and waits for the last run. */
function startPoller(
  intervalMs: number,
  poll: () => Promise<void>,
  onError: (error: unknown) => void,
): () => Promise<void> {
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    if (!stopped) running = running.then(poll).catch(onError);
  }, intervalMs);
  timer.unref();
  return async () => {
    stopped = true;
    clearInterval(timer);
    await running;
  };
}

/** Doorstep's containers are partitioned by `pk`, `residentId`, `kind` or `id`. */
const partitionKeyOf = (d: Record<string, unknown>) => ['pk', 'residentId', 'kind'].find((k) => k in d) ?? 'id';

/**
 * Drives a Cosmos DB trigger from the container's change feed, from the beginning,
 * as the Functions extension does with a lease. A failed batch is delivered again
 * (with the function's back-off) before the feed moves on.
 */
async function startChangeFeed(
  fn: RegisteredFunction,
  deliver: (documents: unknown[]) => Promise<InvocationOutcome>,
  log: (line: string) => void,
): Promise<() => Promise<void>> {
  const t = fn.trigger as RpcBindingInfo & { connection?: string; databaseName?: string; containerName?: string };
  const connectionString = process.env[t.connection ?? 'CosmosDb'];
  if (!connectionString) {
    log(`[host] ${fn.name}: no ${t.connection ?? 'CosmosDb'} connection string; the change feed is not driven locally`);
    return () => Promise.resolve();
  }
  const { CosmosClient } = await import('@azure/cosmos');
  const parts = connectionStringParts(connectionString);
  const client = new CosmosClient({
    endpoint: parts.get('accountendpoint') ?? '',
    key: parts.get('accountkey') ?? '',
    connectionPolicy: { enableEndpointDiscovery: false },
    // So that benchmarks can tell the host's polling from the app's own operations.
    userAgentSuffix: 'doorstep-local-host',
  });
  const container = client.database(t.databaseName ?? '').container(t.containerName ?? '');
  // The emulator answers every incremental change-feed read with 304, so the feed is read
  // as the latest version of each item changed since the last second seen (`_ts`), and
  // versions already delivered (by `_etag`) are skipped.
  let since = 0;
  const delivered = new Map<string, { etag: string; ts: number }>();
  let pending: Record<string, unknown>[] | undefined;
  let failures = 0;
  let nextTry = 0;
  const poll = async () => {
    if (Date.now() < nextTry) return;
    if (!pending) {
      const { resources } = await container.items
        .query<Record<string, unknown>>({
          query: 'SELECT * FROM c WHERE c._ts >= @since',
          parameters: [{ name: '@since', value: since }],
        })
        .fetchAll();
      const changed = resources
        .filter((d) => delivered.get(`${String(d.id)}|${JSON.stringify(d[partitionKeyOf(d)])}`)?.etag !== d._etag)
        .sort((a, b) => Number(a._ts) - Number(b._ts));
      if (changed.length > 0) pending = changed.slice(0, 100);
    }
    if (!pending) return;
    try {
      await deliver(pending);
      for (const d of pending) {
        const ts = Number(d._ts);
        delivered.set(`${String(d.id)}|${JSON.stringify(d[partitionKeyOf(d)])}`, { etag: String(d._etag), ts });
        since = Math.max(since, ts);
      }
      for (const [key, v] of delivered) if (v.ts < since - 5) delivered.delete(key);
      pending = undefined;
      failures = 0;
    } catch (error) {
      failures++;
      nextTry = Date.now() + Math.min(5000, 100 * 2 ** failures);
      log(
        `[host] ${fn.name}: change feed batch failed (${failures}), retrying: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  };
  const stop = startPoller(200, poll, (error) => {
    log(`[host] ${fn.name}: change feed read failed: ${error instanceof Error ? error.message : String(error)}`);
  });
  return async () => {
    await stop();
    client.dispose();
  };
}

/**
 * Raises Microsoft.Storage.BlobCreated events for new blobs in a container (the
 * emulator's account), with Event Grid's delivery semantics: retried with back-off
 * while the function fails, up to 30 attempts.
 */
async function startBlobEvents(
  subscription: BlobEventSubscription,
  deliver: (event: Record<string, unknown>) => Promise<InvocationOutcome>,
  log: (line: string) => void,
): Promise<() => Promise<void>> {
  const connectionString = process.env.Storage;
  if (!connectionString) {
    log(`[host] ${subscription.functionName}: no Storage connection string; blob events are not raised locally`);
    return () => Promise.resolve();
  }
  const { BlobServiceClient } = await import('@azure/storage-blob');
  const container = BlobServiceClient.fromConnectionString(connectionString).getContainerClient(subscription.container);
  const delivered = new Map<string, string>();
  const retries = new Map<string, { attempts: number; next: number }>();
  const poll = async () => {
    const present = new Set<string>();
    for await (const blob of container.listBlobsFlat()) {
      present.add(blob.name);
      const etag = blob.properties.etag;
      if (delivered.get(blob.name) === etag) continue;
      const retry = retries.get(blob.name);
      if (retry && retry.next > Date.now()) continue;
      const event = {
        id: randomUUID(),
        topic: '/subscriptions/local/resourceGroups/local/providers/Microsoft.Storage/storageAccounts/devstoreaccount1',
        subject: `/blobServices/default/containers/${subscription.container}/blobs/${blob.name}`,
        eventType: 'Microsoft.Storage.BlobCreated',
        eventTime: new Date().toISOString(),
        dataVersion: '',
        metadataVersion: '1',
        data: {
          api: 'PutBlob',
          contentType: blob.properties.contentType,
          contentLength: blob.properties.contentLength,
          blobType: 'BlockBlob',
          eTag: etag,
          url: container.getBlobClient(blob.name).url,
        },
      };
      try {
        await deliver(event);
        delivered.set(blob.name, etag);
        retries.delete(blob.name);
      } catch (error) {
        const attempts = (retry?.attempts ?? 0) + 1;
        log(
          `[host] ${subscription.functionName}: delivery ${attempts} of blob-created failed: ${error instanceof Error ? error.message : String(error)}`,
        );
        if (attempts >= 30) {
          delivered.set(blob.name, etag);
          retries.delete(blob.name);
        } else retries.set(blob.name, { attempts, next: Date.now() + Math.min(60_000, 250 * 2 ** attempts) });
      }
    }
    for (const name of delivered.keys()) if (!present.has(name)) delivered.delete(name);
  };
  return startPoller(200, poll, () => undefined);
}

/** Closes the Service Bus clients the triggers opened. */
export async function closeTriggerClients(): Promise<void> {
  for (const client of serviceBusClients.values()) await settleWithin(client.close(), 5000, () => undefined);
  serviceBusClients.clear();
}
