/**
 * The use cases' dependencies, built once from the platform's clients. Handlers
 * call `appDeps()`; tests of pure logic pass plain fakes to the use cases instead.
 */
import type { Container } from '@azure/cosmos';
import { cosmosDispatchStore, type DispatchStore } from '../dispatch/store.js';
import { cosmosCatalogueStore, type CatalogueStore } from '../catalogue/catalogue.js';
import { cosmosIdempotencyStore, type IdempotencyStore } from '../idempotency/idempotency.js';
import { createTokenVerifier, type TokenVerifier } from '../identity/token-verifier.js';
import type { Boundary } from '../geo/area.js';
import { cosmosOpen311ClientStore, type Open311ClientStore } from '../open311/clients.js';
import { cosmosProfileStore, type ProfileStore } from '../residents/profile.js';
import { cosmosRequestStore, type RequestStore } from '../service-requests/store.js';
import { azureUploadBlobs, type UploadBlobs } from '../uploads/blob-store.js';
import { cosmosDocumentStore, type DocumentStore } from '../uploads/store.js';
import { govUkPayClient } from '../payments/govuk-pay-client.js';
import type { PaymentDeps } from '../payments/payments.js';
import { cosmosPayableItemStore, cosmosPaymentStore } from '../payments/store.js';
import { platform, type Platform } from './clients.js';
import { cosmosAccessLog, type AccessLog } from '../privacy/access-log.js';
import type { ErasureDeps } from '../privacy/erasure.js';
import { cosmosErasureStores, cosmosExportStores } from '../privacy/store.js';
import type { ExportDeps } from '../privacy/export.js';

export interface AppDeps {
  readonly platform: Platform;
  readonly verify: TokenVerifier;
  readonly catalogue: CatalogueStore;
  readonly requests: RequestStore;
  readonly dispatches: DispatchStore;
  readonly profiles: ProfileStore;
  readonly idempotency: IdempotencyStore;
  readonly open311Clients: Open311ClientStore;
  readonly documents: DocumentStore;
  readonly blobs: UploadBlobs;
  readonly residents: Container;
  readonly requestsContainer: Container;
  readonly documentsContainer: Container;
  readonly payments: Container;
  /** What the payment use cases need: stores, the GOV.UK Pay adapter and its settings. */
  readonly paymentDeps: PaymentDeps;
  readonly boundary: Boundary;
  readonly now: () => Date;
  /** Privacy rights: the access audit (contract shape) and the erasure job's deps. */
  readonly accessLog: AccessLog;
  readonly erasure: ErasureDeps;
  readonly exports: ExportDeps;
}

let deps: Promise<AppDeps> | undefined;

export function appDeps(): Promise<AppDeps> {
  deps ??= build().catch((error: unknown) => {
    deps = undefined;
    throw error;
  });
  return deps;
}

async function build(): Promise<AppDeps> {
  const p = platform();
  const { config } = p;
  const [requests, residents, catalogue, idempotency, documents, payments] = await Promise.all(
    ['requests', 'residents', 'catalogue', 'idempotency', 'documents', 'payments'].map((name) => p.container(name)),
  );
  if (!requests || !residents || !catalogue || !idempotency || !documents || !payments)
    throw new Error('containers missing');
  const [privacy, audit] = await Promise.all([p.container('privacy'), p.container('audit')]);
  const accessLog = cosmosAccessLog(audit);
  const blobService = await p.blobService();
  return {
    platform: p,
    verify: createTokenVerifier({
      issuer: config.identity.issuer,
      audience: config.identity.audience,
      timeoutMs: config.dependencyTimeoutMs,
    }),
    catalogue: cosmosCatalogueStore(catalogue),
    requests: cosmosRequestStore(requests, residents),
    dispatches: cosmosDispatchStore(requests),
    profiles: cosmosProfileStore(residents),
    idempotency: cosmosIdempotencyStore(idempotency),
    open311Clients: cosmosOpen311ClientStore(catalogue),
    documents: cosmosDocumentStore(documents),
    blobs: azureUploadBlobs(await p.blobService(), config.blob.kind === 'identity' ? 'user-delegation' : 'account-key'),
    residents,
    requestsContainer: requests,
    documentsContainer: documents,
    payments,
    paymentDeps: {
      payments: cosmosPaymentStore(payments, residents),
      payableItems: cosmosPayableItemStore(catalogue),
      idempotency: cosmosIdempotencyStore(idempotency),
      provider: govUkPayClient({
        baseUrl: config.payments.baseUrl,
        apiKey: config.payments.apiKey,
        timeoutMs: config.dependencyTimeoutMs,
      }),
      returnUrl: config.payments.returnUrl,
      webhookSecret: config.payments.webhookSecret,
      coolOffMs: config.dependencyTimeoutMs,
      searchSettleMs: config.payments.searchSettleMs,
      refreshMs: config.payments.refreshMs,
      secondApprovalAbovePence: config.payments.secondApprovalAbovePence,
      now: () => new Date(),
    },
    boundary: config.boundary,
    now: () => new Date(),
    accessLog,
    erasure: {
      stores: cosmosErasureStores({ privacy, residents, requests, payments, documents, idempotency }, blobService),
      accessLog,
      now: () => new Date(),
      leaseMs: 2 * 60_000,
    },
    exports: {
      exports: cosmosExportStores(
        { privacy, residents, requests, payments, documents },
        blobService,
        config.blob.kind === 'identity' ? 'user-delegation' : 'account-key',
      ),
      accessLog,
      now: () => new Date(),
      leaseMs: 5 * 60_000,
    },
  };
}
