/**
 * Open311 clients (FixMyStreet, a contractor's system) authenticate POSTs with an
 * API key. Admins issue keys; only their SHA-256 is stored, and the key is shown once.
 */
import type { Container } from '@azure/cosmos';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { backOfficeIds, type BackOfficeId } from '../catalogue/back-offices.js';
import { notFound } from '../errors.js';
import { requireRole, type Principal } from '../identity/principal.js';

export const newClientSchema = z.strictObject({
  name: z.string().trim().min(1).max(100),
  /**
   * The back office this client works for, when it is one (a contractor's system
   * speaking Open311): it may then update the requests dispatched to that back
   * office, as well as those it reported itself.
   */
  backOffice: z.enum(backOfficeIds).optional(),
});

export interface Open311Client {
  readonly id: string;
  readonly name: string;
  readonly createdAt: string;
  readonly revoked: boolean;
  readonly backOffice?: BackOfficeId;
}

export interface ClientDoc extends Open311Client {
  readonly kind: 'open311-client';
  /** The document id is the key's hash, so a key is checked with one point read. */
}

export interface Open311ClientStore {
  byKeyHash(hash: string): Promise<Open311Client | undefined>;
  create(hash: string, client: Omit<Open311Client, 'id'>): Promise<Open311Client>;
  revoke(id: string): Promise<boolean>;
}

export const hashKey = (key: string) => createHash('sha256').update(key).digest('hex');

export function cosmosOpen311ClientStore(catalogue: Container): Open311ClientStore {
  return {
    async byKeyHash(hash) {
      const { resource } = await catalogue.item(hash, 'open311-client').read<ClientDoc>();
      return resource
        ? {
            id: resource.id,
            name: resource.name,
            createdAt: resource.createdAt,
            revoked: resource.revoked,
            ...(resource.backOffice ? { backOffice: resource.backOffice } : {}),
          }
        : undefined;
    },
    async create(hash, client) {
      const doc: ClientDoc = { ...client, id: hash, kind: 'open311-client' };
      await catalogue.items.create(doc);
      return { ...client, id: hash };
    },
    async revoke(id) {
      const { resource } = await catalogue.item(id, 'open311-client').read<ClientDoc>();
      if (!resource) return false;
      await catalogue.items.upsert({ ...resource, revoked: true });
      return true;
    },
  };
}

export async function issueApiKey(
  input: z.output<typeof newClientSchema>,
  principal: Principal,
  deps: { open311Clients: Open311ClientStore; now: () => Date },
) {
  requireRole(principal, 'admin');
  const key = `ds311_${randomBytes(24).toString('base64url')}`;
  const client = await deps.open311Clients.create(hashKey(key), {
    name: input.name,
    createdAt: deps.now().toISOString(),
    revoked: false,
    ...(input.backOffice ? { backOffice: input.backOffice } : {}),
  });
  return {
    apiKey: key,
    name: client.name,
    createdAt: client.createdAt,
    clientId: client.id,
    ...(client.backOffice ? { backOffice: client.backOffice } : {}),
  };
}

/** Revokes a client's key at once: its next call gets 403. */
export async function revokeApiKey(
  clientId: string,
  principal: Principal,
  deps: { open311Clients: Open311ClientStore },
): Promise<void> {
  requireRole(principal, 'admin');
  if (!/^[0-9a-f]{64}$/.test(clientId) || !(await deps.open311Clients.revoke(clientId)))
    throw notFound('The Open311 client');
}

export async function clientForKey(
  key: string | null | undefined,
  deps: { open311Clients: Open311ClientStore },
): Promise<Open311Client | undefined> {
  if (!key || key.length > 200) return undefined;
  const hash = hashKey(key);
  const client = await deps.open311Clients.byKeyHash(hash);
  // The point read matched on the hash; compare again in constant time for good measure.
  if (!client || client.revoked || !timingSafeEqual(Buffer.from(client.id), Buffer.from(hash))) return undefined;
  return client;
}

/** The subject a client's reports are filed under: how "the requests it created" are recognised. */
export const clientSubject = (client: Pick<Open311Client, 'id'>) => `open311:${client.id.slice(0, 16)}`;
