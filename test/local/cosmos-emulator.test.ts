/**
 * The Cosmos DB server as Doorstep relies on it, through the real `@azure/cosmos` SDK:
 * the gaps the local stack closes (atomic transactional batches, TTL) and the ones it
 * designs around (continuation-token paging).
 */
import { CosmosClient, type Container } from '@azure/cosmos';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emulatorKey, startCosmos, startTtlSweeper, type CosmosEmulator } from '../../local/cosmos.js';
import { waitFor } from '../support/wait.js';

let cosmos: CosmosEmulator;
let client: CosmosClient;
let container: Container;
let stopSweeper: () => Promise<void>;

beforeAll(async () => {
  cosmos = await startCosmos({ port: 0 });
  client = new CosmosClient({
    endpoint: cosmos.endpoint,
    key: emulatorKey,
    connectionPolicy: { enableEndpointDiscovery: false },
  });
  const { database } = await client.databases.createIfNotExists({ id: 'test' });
  ({ container } = await database.containers.createIfNotExists({
    id: 'things',
    partitionKey: { paths: ['/pk'] },
    defaultTtl: -1,
  }));
  stopSweeper = startTtlSweeper(
    cosmos.endpoint,
    'test',
    [
      {
        name: 'things',
        partitionKeyPath: '/pk',
        defaultTtlSeconds: -1,
        excludedPaths: [],
        compositeIndexes: [],
        description: '',
      },
    ],
    200,
  );
});
afterAll(async () => {
  await stopSweeper();
  client.dispose();
  await cosmos.close();
});

describe('local Cosmos DB', () => {
  it('when one operation of a transactional batch fails, then none of it is written', async () => {
    await container.items.create({ id: 'existing', pk: 'p1', v: 1 });
    const response = await container.items.batch(
      [
        { operationType: 'Create', resourceBody: { id: 'new-1', pk: 'p1' } },
        {
          operationType: 'Replace',
          id: 'existing',
          partitionKey: 'p1',
          resourceBody: { id: 'existing', pk: 'p1', v: 2 },
        },
        { operationType: 'Create', resourceBody: { id: 'existing', pk: 'p1' } },
      ],
      'p1',
    );
    expect(response.result?.map((r) => r.statusCode)).toEqual([424, 424, 409]);
    expect((await container.item('new-1', 'p1').read()).statusCode).toBe(404);
    expect((await container.item('existing', 'p1').read<{ v: number }>()).resource?.v).toBe(1);
  });

  it('when every operation of a batch succeeds, then all of it is written', async () => {
    const response = await container.items.batch(
      [
        { operationType: 'Create', resourceBody: { id: 'a', pk: 'p2' } },
        { operationType: 'Create', resourceBody: { id: 'b', pk: 'p2' } },
      ],
      'p2',
    );
    expect(response.result?.map((r) => r.statusCode)).toEqual([201, 201]);
    expect((await container.item('b', 'p2').read()).statusCode).toBe(200);
  });

  it('when an item outlives its ttl, then the sweeper removes it', async () => {
    await container.items.create({ id: 'short', pk: 'p3', ttl: 1 });
    await container.items.create({ id: 'forever', pk: 'p3' });
    await waitFor(async () => (await container.item('short', 'p3').read()).statusCode === 404, {
      what: 'the sweeper to remove the expired item',
    });
    // The same sweep saw the other item and left it.
    expect((await container.item('forever', 'p3').read()).statusCode).toBe(200);
  });

  it('pages a query with continuation tokens', async () => {
    for (let i = 0; i < 5; i++) await container.items.create({ id: `page-${i}`, pk: 'p4', n: i });
    const iterator = container.items.query(
      { query: 'SELECT * FROM c WHERE c.pk = @pk ORDER BY c.n DESC', parameters: [{ name: '@pk', value: 'p4' }] },
      { maxItemCount: 2, partitionKey: 'p4' },
    );
    const first = await iterator.fetchNext();
    expect(first.resources.map((r: { n: number }) => r.n)).toEqual([4, 3]);
    expect(first.continuationToken).toBeTruthy();
    const next = container.items.query(
      { query: 'SELECT * FROM c WHERE c.pk = @pk ORDER BY c.n DESC', parameters: [{ name: '@pk', value: 'p4' }] },
      { maxItemCount: 2, partitionKey: 'p4', continuationToken: first.continuationToken },
    );
    expect((await next.fetchNext()).resources.map((r: { n: number }) => r.n)).toEqual([2, 1]);
  });
});
