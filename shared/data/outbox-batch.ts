/**
 * A change and the outbox events it causes (and any other document that must
 * appear with it, like a new request's dispatch), written in one transactional
 * batch (same partition), so that none is stored without the others.
 */
import type { Container, JSONObject, OperationInput } from '@azure/cosmos';
import type { OutboxDoc } from '../events/cloud-event.js';

// Batch bodies are JSON; our documents are plain data.
const json = (value: object) => value as unknown as JSONObject;

async function run(
  container: Container,
  partition: string,
  operations: OperationInput[],
): Promise<{ first: unknown; status: number | undefined }> {
  const response = await container.items.batch(operations, partition);
  const results = response.result ?? [];
  const first = results[0];
  if (first && (first.statusCode === 409 || first.statusCode === 412))
    return { first: undefined, status: first.statusCode };
  const failed = results.find((r) => r.statusCode >= 400 && r.statusCode !== 424);
  if (failed)
    throw Object.assign(new Error(`Cosmos batch failed with ${failed.statusCode}`), { code: failed.statusCode });
  return { first: first?.resourceBody, status: first?.statusCode };
}

/** Creates `doc` with its events; 'exists' if a document with its id is already stored. */
export async function createWithEvents<T extends { id: string; pk: string }>(
  container: Container,
  doc: T,
  events: readonly (OutboxDoc | { readonly id: string; readonly pk: string })[],
): Promise<T | 'exists'> {
  const { first, status } = await run(container, doc.pk, [
    { operationType: 'Create', resourceBody: json(doc) },
    ...events.map((e): OperationInput => ({ operationType: 'Create', resourceBody: json(e) })),
  ]);
  return status === 409 ? 'exists' : ((first as T | undefined) ?? doc);
}

/** Replaces `doc` if its ETag is still `ifMatch`, with its events; 'stale' otherwise. */
export async function replaceWithEvents<T extends { id: string; pk: string }>(
  container: Container,
  doc: T,
  ifMatch: string,
  events: readonly OutboxDoc[],
): Promise<T | 'stale'> {
  const { first, status } = await run(container, doc.pk, [
    { operationType: 'Replace', id: doc.id, partitionKey: doc.pk, ifMatch, resourceBody: json(doc) },
    ...events.map((e): OperationInput => ({ operationType: 'Create', resourceBody: json(e) })),
  ]);
  return status === 412 ? 'stale' : ((first as T | undefined) ?? doc);
}
