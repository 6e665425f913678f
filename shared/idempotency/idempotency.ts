/**
 * `Idempotency-Key` (IETF httpapi draft): the first request with a key claims it
 * and fixes the id of the resource it creates; a retry with the same key and
 * body gets that same resource, never a second one; the same key with another
 * body is refused (422). Records expire after 24 hours (container TTL).
 */
import type { Container } from '@azure/cosmos';
import { createHash } from 'node:crypto';
import { validationFailed } from '../errors.js';
import { isCosmosStatus } from '../data/cosmos-errors.js';

export interface IdempotencyStore {
  /** Claims `key` for `resourceId`, or returns the claim an earlier request made. */
  claim(
    key: string,
    fingerprint: string,
    resourceId: string,
  ): Promise<{ resourceId: string; fingerprint: string; replay: boolean }>;
}

export const fingerprintOf = (value: unknown) => createHash('sha256').update(JSON.stringify(value)).digest('base64url');

export async function claimIdempotencyKey(
  store: IdempotencyStore,
  scope: string,
  key: string | undefined,
  body: unknown,
  newId: () => string,
): Promise<{ resourceId: string; replay: boolean }> {
  const id = newId();
  if (key === undefined) return { resourceId: id, replay: false };
  const fingerprint = fingerprintOf(body);
  const claim = await store.claim(`${scope}:${key}`, fingerprint, id);
  if (claim.fingerprint !== fingerprint) {
    throw validationFailed(
      [
        {
          pointer: '/headers/Idempotency-Key',
          detail: 'This key was used for a different request. Use a new key for a new request.',
        },
      ],
      'The Idempotency-Key has already been used with a different body.',
    );
  }
  return { resourceId: claim.resourceId, replay: claim.replay };
}

export interface IdempotencyDoc {
  id: string;
  pk: string;
  resourceId: string;
  fingerprint: string;
  createdAt: string;
}

export function cosmosIdempotencyStore(container: Container): IdempotencyStore {
  return {
    async claim(key, fingerprint, resourceId) {
      // Keys are caller-scoped already; hashing bounds the id's length and alphabet.
      const pk = createHash('sha256').update(key).digest('base64url');
      const doc: IdempotencyDoc = { id: pk, pk, resourceId, fingerprint, createdAt: new Date().toISOString() };
      try {
        await container.items.create(doc);
        return { resourceId, fingerprint, replay: false };
      } catch (error) {
        if (!isCosmosStatus(error, 409)) throw error;
        const { resource } = await container.item(pk, pk).read<IdempotencyDoc>();
        if (!resource) throw error;
        return { resourceId: resource.resourceId, fingerprint: resource.fingerprint, replay: true };
      }
    },
  };
}
