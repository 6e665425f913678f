/**
 * The service catalogue: residents and Open311 clients read it; admins manage it.
 */
import type { Container } from '@azure/cosmos';
import { AppError, notFound, validationFailed } from '../errors.js';
import { requireRole, type Principal } from '../identity/principal.js';
import type { ServiceDefinition } from './service-definition.js';
import { isCosmosStatus } from '../data/cosmos-errors.js';
import { withoutStorageFields } from '../data/cosmos-item.js';

export interface StoredService extends ServiceDefinition {
  readonly etag: string;
  readonly updatedAt: string;
}

export interface CatalogueStore {
  list(): Promise<StoredService[]>;
  get(code: string): Promise<StoredService | undefined>;
  put(service: ServiceDefinition, ifMatch?: string): Promise<StoredService>;
}

const servicePartition = 'service';
interface ServiceDoc extends ServiceDefinition {
  id: string;
  kind: typeof servicePartition;
  updatedAt: string;
  _etag?: string;
}

const fromDoc = (doc: ServiceDoc): StoredService => {
  const clean = withoutStorageFields(doc);
  return { ...(clean as unknown as ServiceDefinition & { updatedAt: string }), etag: doc._etag ?? '' };
};

export function cosmosCatalogueStore(container: Container): CatalogueStore {
  return {
    async list() {
      const { resources } = await container.items
        .query<ServiceDoc>(
          { query: 'SELECT * FROM c WHERE c.kind = @kind', parameters: [{ name: '@kind', value: servicePartition }] },
          { partitionKey: servicePartition },
        )
        .fetchAll();
      return resources.map(fromDoc).sort((a, b) => a.name.localeCompare(b.name));
    },
    async get(code) {
      const { resource } = await container.item(code, servicePartition).read<ServiceDoc>();
      return resource ? fromDoc(resource) : undefined;
    },
    async put(service, ifMatch) {
      const doc: ServiceDoc = {
        ...service,
        id: service.code,
        kind: servicePartition,
        updatedAt: new Date().toISOString(),
      };
      const { resource } = ifMatch
        ? await container
            .item(service.code, servicePartition)
            .replace(doc, { accessCondition: { type: 'IfMatch', condition: ifMatch } })
        : await container.items.upsert(doc);
      return fromDoc(resource as ServiceDoc);
    },
  };
}

export interface CatalogueDeps {
  readonly catalogue: CatalogueStore;
}

export async function listServices(
  options: { includeInactive: boolean },
  deps: CatalogueDeps,
): Promise<StoredService[]> {
  const all = await deps.catalogue.list();
  return options.includeInactive ? all : all.filter((s) => s.active);
}

export async function getService(code: string, deps: CatalogueDeps): Promise<StoredService> {
  const service = /^[a-z][a-z0-9-]{1,39}$/.test(code) ? await deps.catalogue.get(code) : undefined;
  if (!service) throw notFound(`The service "${code.slice(0, 40)}"`);
  return service;
}

/** Admins add or change a service; the code in the path must match the body. */
export async function putService(
  code: string,
  service: ServiceDefinition,
  principal: Principal,
  deps: CatalogueDeps,
): Promise<StoredService> {
  requireRole(principal, 'admin');
  if (service.code !== code) throw validationFailed([{ pointer: '/code', detail: 'Must match the code in the URL.' }]);
  try {
    return await deps.catalogue.put(service);
  } catch (error) {
    if (isCosmosStatus(error, 412)) throw new AppError('precondition-failed');
    throw error;
  }
}
