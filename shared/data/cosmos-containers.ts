/**
 * Cosmos DB containers: one definition that the local stack creates and the
 * Pulumi program provisions (partition key, TTL, indexing).
 *
 * Partitioning follows the access paths (see README "Decisions"):
 * - an entity and the outbox events its changes cause share a partition, so
 *   both are written in one transactional batch;
 * - a resident's own views live in that resident's partition, so "mine" is a
 *   single-partition query.
 */

import { ttlSecondsOf } from './retention.js';

export interface CompositeIndexPath {
  readonly path: string;
  readonly order: 'ascending' | 'descending';
}

export interface ContainerDefinition {
  readonly name: string;
  readonly partitionKeyPath: `/${string}`;
  /** Seconds; -1 turns TTL on with no default (items set their own `ttl`). Omitted: off. */
  readonly defaultTtlSeconds?: number;
  readonly excludedPaths: readonly string[];
  readonly compositeIndexes: readonly (readonly CompositeIndexPath[])[];
  readonly description: string;
}

export const cosmosContainers = [
  {
    name: 'requests',
    partitionKeyPath: '/pk',
    defaultTtlSeconds: -1,
    excludedPaths: ['/description/?', '/attributes/*', '/timeline/*', '/internalNotes/*', '/reporter/*'],
    compositeIndexes: [
      [
        { path: '/type', order: 'ascending' },
        { path: '/createdAt', order: 'descending' },
      ],
      [
        { path: '/status', order: 'ascending' },
        { path: '/createdAt', order: 'descending' },
      ],
      // Open311's updates feed: requests changed since a time, most recent first.
      [
        { path: '/type', order: 'ascending' },
        { path: '/updatedAt', order: 'descending' },
      ],
    ],
    description: 'Service requests (pk = request id) with their outbox events in the same partition.',
  },
  {
    name: 'residents',
    partitionKeyPath: '/residentId',
    excludedPaths: ['/contact/*', '/summary/*'],
    compositeIndexes: [
      [
        { path: '/kind', order: 'ascending' },
        { path: '/at', order: 'descending' },
      ],
    ],
    description: "A resident's profile and My Account timeline entries (pk = resident id).",
  },
  {
    name: 'catalogue',
    partitionKeyPath: '/kind',
    excludedPaths: [],
    compositeIndexes: [],
    description: 'Services and payable items (small, read-mostly; pk = kind).',
  },
  {
    name: 'payments',
    partitionKeyPath: '/pk',
    defaultTtlSeconds: -1,
    excludedPaths: ['/provider/*', '/audit/*'],
    compositeIndexes: [],
    description: 'Payments and refunds (pk = payment id) with their outbox events.',
  },
  {
    name: 'documents',
    partitionKeyPath: '/pk',
    defaultTtlSeconds: -1,
    excludedPaths: ['/scan/*'],
    compositeIndexes: [],
    description: 'Uploaded documents and photos (pk = document id) with their outbox events.',
  },
  {
    name: 'idempotency',
    partitionKeyPath: '/pk',
    defaultTtlSeconds: 24 * 60 * 60,
    excludedPaths: ['/*'],
    compositeIndexes: [],
    description: 'Idempotency-Key records (pk = caller + key), kept for 24 hours.',
  },
  {
    name: 'leases',
    partitionKeyPath: '/id',
    excludedPaths: [],
    compositeIndexes: [],
    description: 'Change feed leases for the outbox publisher.',
  },
  {
    // The access audit (agreed contract with the data map's owner): append-only, expiring by its retention rule.
    name: 'audit',
    partitionKeyPath: '/residentId',
    defaultTtlSeconds: ttlSecondsOf('audit-entry'),
    excludedPaths: ['/why/?', '/actor/*'],
    compositeIndexes: [],
    description: "Who in the council or a partner read a resident's personal data (pk = resident id); append-only.",
  },
  {
    name: 'privacy',
    partitionKeyPath: '/pk',
    defaultTtlSeconds: -1,
    excludedPaths: ['/subject/*', '/found/*', '/counts/*'],
    compositeIndexes: [],
    description: 'Erasure and export jobs (pk = job id): their progress, so a crashed job resumes.',
  },
  {
    name: 'casework',
    partitionKeyPath: '/pk',
    defaultTtlSeconds: -1,
    excludedPaths: ['/resident/*', '/consent/*'],
    compositeIndexes: [],
    description: "Councillors' enquiries for residents and the wards each councillor serves (pk = councillor id).",
  },
  {
    // Managers' reports read only this (decision 1044): never the requests themselves.
    name: 'reports',
    partitionKeyPath: '/pk',
    defaultTtlSeconds: ttlSecondsOf('report-bucket'),
    excludedPaths: ['/requests/*'],
    compositeIndexes: [],
    description: 'The reporting index: requests by service (pk), ward and day opened, kept from the change feed.',
  },
  {
    name: 'sensors',
    partitionKeyPath: '/deviceId',
    excludedPaths: ['/recentMessageIds/*'],
    compositeIndexes: [],
    description: 'Each sensor’s incident state (pk = device id): one request per incident (decision 1125).',
  },
] as const satisfies readonly ContainerDefinition[];

export type ContainerName = (typeof cosmosContainers)[number]['name'];
