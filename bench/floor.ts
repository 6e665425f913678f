/**
 * The floor a benchmark runs on: the same Cosmos DB operations a Doorstep call makes,
 * issued directly through the SDK behind a bare `node:http` server (one HTTP round
 * trip, no host, no programming model, no validation, no auth). Locally everything
 * shares one process, so the emulators, not a bare server, are Doorstep's ceiling.
 */
import { CosmosClient, type Container } from '@azure/cosmos';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { emulatorKey } from '../local/cosmos.js';
import type { LocalStack } from '../local/stack.js';

export interface Floor {
  readonly url: string;
  close(): Promise<void>;
}

export type FloorRoute = (
  containers: Record<string, Container>,
  path: string,
) => Promise<{ status: number; body: unknown }>;

/** A bare server answering each request by running `route` with the SDK against the stack's Cosmos DB. */
export async function startFloor(stack: LocalStack, route: FloorRoute): Promise<Floor> {
  const client = new CosmosClient({
    endpoint: stack.endpoints.cosmos.endpoint,
    key: emulatorKey,
    connectionPolicy: { enableEndpointDiscovery: false },
  });
  const db = client.database(stack.endpoints.cosmos.database);
  const cache: Record<string, Container> = {};
  const containers = new Proxy(cache, {
    get: (cache, name: string) => (cache[name] ??= db.container(name)),
  });
  const server = createServer((req, res) => {
    void (async () => {
      // Drain the request body, as any server must before answering.
      for await (const chunk of req) if (!chunk) break;
      try {
        const { status, body } = await route(containers, req.url ?? '/');
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      } catch {
        res.writeHead(500).end();
      }
    })();
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          client.dispose();
          resolve();
        });
        server.closeAllConnections();
      }),
  };
}

/**
 * `POST /requests` as Cosmos sees it (README decision 0006): the catalogue point read,
 * one transactional batch (the request and its outbox event), then the My Account entry
 * and the nearby pin.
 */
export const createRequestOps = async (c: Record<string, Container>, residentId: string) => {
  await c.catalogue?.item('pothole', 'service').read();
  const id = randomUUID();
  const now = new Date().toISOString();
  const request = {
    id,
    pk: id,
    type: 'request',
    residentId,
    serviceCode: 'pothole',
    serviceName: 'Pothole',
    description: 'Benchmark pothole',
    status: 'submitted',
    location: { lat: 51.45, long: -2.6 },
    attributes: { where: 'road', size: 'small' },
    timeline: [{ at: now, kind: 'status', status: 'submitted', by: 'resident' }],
    createdAt: now,
    updatedAt: now,
  };
  const event = { id: `outbox:${randomUUID()}`, pk: id, type: 'outbox', state: 'pending', event: { subject: id } };
  await c.requests?.items.batch(
    [
      { operationType: 'Create', resourceBody: request },
      { operationType: 'Create', resourceBody: event },
    ],
    id,
  );
  await Promise.all([
    c.residents?.items.upsert({
      id: `request:${id}`,
      residentId,
      kind: 'request',
      at: now,
      requestId: id,
      summary: { serviceCode: 'pothole', status: 'submitted' },
    }),
    c.requests?.items.upsert({ id: `pin:${id}`, pk: 'cell:5145:-260', type: 'pin', requestId: id }),
  ]);
  return id;
};
