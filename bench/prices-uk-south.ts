/**
 * The prices `npm run bench:cost` uses: Azure retail list prices for UK South in US
 * dollars, as published on the Azure retail prices API / pricing pages, converted at
 * the rate below. Dated, because prices change: check them against the Azure pricing
 * calculator before quoting a figure. Free grants (the first 100,000 Event Grid
 * operations, Service Bus Standard's 13 M included operations) are ignored: these are
 * marginal costs at volume.
 */
export const priceTable = {
  asOf: '2026-11-22',
  region: 'UK South',
  gbpPerUsd: 0.79,
  usd: {
    /** Flex Consumption, on demand: per execution, and per GB-second of instance memory while executing. */
    functionsPerMillionExecutions: 0.4,
    functionsPerGbSecond: 0.000026,
    /** Cosmos DB serverless, per million request units. */
    cosmosPerMillionRu: 0.282,
    /** Service Bus Standard, per million operations (13 M–100 M band). Premium is a fixed price per messaging unit. */
    serviceBusPerMillionOperations: 0.8,
    /** Blob Storage, Hot, LRS: write and read operations per 10,000; capacity per GB-month. */
    blobWritePer10k: 0.065,
    blobReadPer10k: 0.005,
    blobGbMonth: 0.0208,
    /** Event Grid (system topic), per million operations. */
    eventGridPerMillion: 0.6,
    /** Log Analytics (Analytics logs) ingestion, per GB. */
    logsPerGb: 2.99,
  },
} as const;

/** What the transactions use that is not metered locally, estimated from the code paths. */
export const assumptions = {
  /** Flex Consumption bills the instance's memory size while it executes (infra: instanceMemoryMB). */
  instanceMemoryGb: 2,
  /** Request units per operation kind for ~1–2 KB items with Doorstep's indexing exclusions. */
  ru: { read: 1, query: 3, write: 6, delete: 6, batchOperation: 6 },
  /** Per change-feed trigger execution: reading the feed and checkpointing its lease. */
  changeFeedRuPerExecution: 8,
  /** Log lines (host + app) per function execution, bytes. */
  logBytesPerExecution: 1500,
  /** A photo kept for a year (shared/data/retention.ts keeps report photos longer; this is per year). */
  photoBytes: 2_000_000,
} as const;

export const toGbp = (usd: number) => usd * priceTable.gbpPerUsd;
