/**
 * The one wiring point (decision 0100). `depsFor.<slice>()` returns exactly what that
 * slice's use cases take as `deps`, built from stores and adapters (never a raw Cosmos
 * container), once per process. Handlers call it and nothing else; tests of pure logic
 * pass plain fakes to the use cases instead.
 *
 * To add a slice: build its store in `stores()` if it has one, then add one small
 * function below returning the slice's own deps interface.
 */
import type { ServiceBusMessage, ServiceBusReceiver } from '@azure/service-bus';
import type { AddressLookup } from '../addresses/addresses.js';
import { localGazetteer } from '../addresses/addresses.js';
import { osPlaces } from '../addresses/os-places.js';
import type { BackOfficeId } from '../catalogue/back-offices.js';
import { cosmosCatalogueStore, type CatalogueDeps } from '../catalogue/catalogue.js';
import { config } from '../config.js';
import type { DispatchDeps } from '../dispatch/dispatch.js';
import { cosmosDispatchStore } from '../dispatch/store.js';
import { cosmosMarkSent, type PublisherDeps } from '../events/publisher.js';
import type { HealthDeps } from '../health/check-health.js';
import { cosmosIdempotencyStore } from '../idempotency/idempotency.js';
import { serviceBusDeadLetters, type DeadLetterDeps } from '../operations/dead-letters.js';
import { createIssuersVerifier, createTokenVerifier, type TokenVerifier } from '../identity/token-verifier.js';
import { partnerInboundQueue } from '../messaging/topology.js';
import {
  cosmosSubjects,
  type NotificationJob,
  type NotifyPort,
  type PlanDeps,
} from '../notifications/notifications.js';
import { govUkNotify } from '../notifications/notify-client.js';
import { cosmosOpen311ClientStore } from '../open311/clients.js';
import type { Open311Deps } from '../open311/open311.js';
import { cosmosOpen311Queries } from '../open311/queries.js';
import { cosmosModerationQueue } from '../open311/moderation-queue.js';
import type { InboundDeps } from '../partners/inbound.js';
import { govUkPayClient } from '../payments/govuk-pay-client.js';
import type { PaymentDeps } from '../payments/payments.js';
import { cosmosPayableItemStore, cosmosPaymentStore } from '../payments/store.js';
import { cosmosProfileStore, type ProfileDeps, type ProfileStore } from '../residents/profile.js';
import type { ServiceRequestDeps } from '../service-requests/service-requests.js';
import { cosmosRequestStore } from '../service-requests/store.js';
import { azureUploadBlobs } from '../uploads/blob-store.js';
import { cosmosDocumentStore } from '../uploads/store.js';
import type { UploadDeps } from '../uploads/uploads.js';
import { once, platform } from './clients.js';
import { cosmosAccessLog, type AccessLog } from '../audit/access-log.js';
import { platformProbes } from './probes.js';
import {
  codeLifetimeMs,
  cosmosContactChallengeStore,
  type ContactVerificationDeps,
} from '../residents/contact-verification.js';
import { notifyCodeSender } from '../notifications/notifications.js';
import type { FollowingDeps } from '../following/following.js';
import { maxFollowersPerRequest } from '../following/model.js';
import { cosmosFollowingStore } from '../following/store.js';

const now = () => new Date();
import type { ErasureDeps } from '../privacy/erasure.js';
import { cosmosErasureStores, cosmosExportStores } from '../privacy/store.js';
import type { ExportDeps } from '../privacy/export.js';
import { cosmosLastSeen, recordingLastSeen } from '../privacy/last-seen.js';
import { notifyPrivacyNotices, type PrivacyNotices } from '../privacy/notices.js';
import { cosmosRetentionStores } from '../privacy/retention-store.js';
import type { RetentionDeps } from '../privacy/retention-sweep.js';
import type { RecordsDeps } from '../records/records.js';
import { cosmosRequestsWithPhoto } from '../records/store.js';
import { azureBlobLegalHolds } from '../uploads/legal-hold.js';
import { recordsSystemId } from '../catalogue/partners.js';
import { careCopies } from '../consents/care.js';
import type { ConsentDeps } from '../consents/consents.js';
import { cosmosConsentStore } from '../consents/store.js';
import { councillorContacts, type CaseworkDeps, type ReminderDeps } from '../casework/casework.js';
import type { CouncillorContacts } from '../notifications/notifications.js';
import { cosmosCaseworkStore, type CaseworkStore } from '../casework/store.js';
import type { ReportingDeps } from '../reporting/reporting.js';
import { cosmosReportIndex } from '../reporting/store.js';
import type { TriageDeps } from '../service-requests/triage.js';

import type { OpenDataDeps } from '../open-data/export.js';
import { blobDataLake } from '../open-data/lake.js';
import type { SensorDeps } from '../sensors/sensors.js';
import type { SingleViewDeps } from '../residents/single-view.js';
import { cosmosDeviceRegistry, cosmosDeviceStateStore } from '../sensors/store.js';
/** Every Cosmos store, over the containers of `shared/data/cosmos-containers.ts`. Private: slices take stores. */
const stores = once(async () => {
  const p = platform();
  const [requests, residents, catalogue, idempotency, documents, payments, audit] = await Promise.all(
    ['requests', 'residents', 'catalogue', 'idempotency', 'documents', 'payments', 'audit'].map((name) =>
      p.container(name),
    ),
  );
  if (!requests || !residents || !catalogue || !idempotency || !documents || !payments || !audit)
    throw new Error('containers missing');
  const privacy = await p.container('privacy');
  const blobService = await p.blobService();
  return {
    catalogue: cosmosCatalogueStore(catalogue),
    requests: cosmosRequestStore(requests, residents),
    dispatches: cosmosDispatchStore(requests),
    open311Queries: cosmosOpen311Queries(requests),
    profiles: cosmosProfileStore(residents),
    idempotency: cosmosIdempotencyStore(idempotency),
    open311Clients: cosmosOpen311ClientStore(catalogue),
    accessLog: cosmosAccessLog(audit),
    challenges: cosmosContactChallengeStore(residents),
    following: cosmosFollowingStore(residents),
    documents: cosmosDocumentStore(documents, residents),
    payments: cosmosPaymentStore(payments, residents),
    payableItems: cosmosPayableItemStore(catalogue),
    /** The notifier reads the entity an event is about from where it lives. */
    subjects: cosmosSubjects({ requests, payments, documents }, config().notifications.myAccountUrl),
    markSent: {
      requests: cosmosMarkSent(requests),
      payments: cosmosMarkSent(payments),
      documents: cosmosMarkSent(documents),
    },
    privacy,
    blobService,
    /** For the privacy jobs' stores, which reach across every container (built in `depsFor` below). */
    containers: { residents, requests, payments, documents, idempotency },
    lastSeen: cosmosLastSeen(residents),
  };
});

/** The export-ready and account-closing notices (GOV.UK Notify, to confirmed contacts only). */
const privacyNotices = once(async (): Promise<PrivacyNotices> =>
  notifyPrivacyNotices({
    profiles: (await stores()).profiles,
    notify: notifyClient(),
    templates: config().notifications.templates,
    myAccountUrl: config().notifications.myAccountUrl,
  }),
);
const caseworkStore = once(async (): Promise<CaseworkStore> => {
  const p = platform();
  const [casework, requests] = await Promise.all([p.container('casework'), p.container('requests')]);
  return cosmosCaseworkStore(casework, requests);
});

/** The outbox containers: each one's change feed is published to the `events` topic. */
export type OutboxContainer = 'requests' | 'payments' | 'documents';

/** The partner drain: the inbound use case, and a receiver on each back office's own queue. */
export interface PartnerDrainDeps extends InboundDeps {
  /** A receiver on `partner-inbound-<backOffice>`; the caller closes it. */
  receiverFor(backOffice: BackOfficeId): Promise<ServiceBusReceiver>;
}

/** Planning notifications, and putting the planned jobs on the `notifications` queue. */
export interface NotificationPlanningDeps extends PlanDeps {
  queueJobs(jobs: readonly NotificationJob[]): Promise<void>;
}

export interface NotificationSendingDeps {
  readonly profiles: Pick<ProfileStore, 'get'>;
  readonly notify: NotifyPort;
  readonly councillors: CouncillorContacts;
}

const publisherFor = (container: OutboxContainer) =>
  once(async (): Promise<PublisherDeps> => {
    const s = await stores();
    const markSent = s.markSent[container];
    const send = async (messages: ServiceBusMessage[]) => (await platform().sender('events')).sendMessages(messages);
    if (container !== 'requests') return { send, markSent };
    const careDeps = {
      residentOf: async (id: string) => (await s.requests.get(id))?.residentId,
      consents: cosmosConsentStore(s.containers.residents),
    };
    return {
      send,
      markSent,
      care: {
        copies: (pending) => careCopies(pending, careDeps),
        send: async (messages) => (await platform().sender('care-events')).sendMessages(messages),
      },
    };
  });
const publishers: Record<OutboxContainer, () => Promise<PublisherDeps>> = {
  requests: publisherFor('requests'),
  payments: publisherFor('payments'),
  documents: publisherFor('documents'),
};

/** Applying sensor readings, and a receiver on the `device-readings` queue (the caller closes it). */
export interface SensorDrainDeps extends SensorDeps {
  receiver(): Promise<ServiceBusReceiver>;
}

let verifier: TokenVerifier | undefined;
let gazetteer: AddressLookup | undefined;
let notify: NotifyPort | undefined;

function notifyClient(): NotifyPort {
  const { notifications, dependencyTimeoutMs } = config();
  notify ??= govUkNotify({ ...notifications, timeoutMs: dependencyTimeoutMs });
  return notify;
}

export const depsFor = {
  /** Verifies bearer tokens for `authenticate` (one verifier: its JWKS and token caches are per process). */
  tokens(): TokenVerifier {
    const { identity, workforceIdentity, dependencyTimeoutMs } = config();
    // Both populations are named by `oid`, the same in every app of a tenant (decision 1001).
    verifier ??= createIssuersVerifier({
      // Residents' sign-ins are noted (at most daily) so that unused accounts can be closed (rule account-activity).
      [identity.issuer]: recordingLastSeen(
        createTokenVerifier({
          ...identity,
          population: 'resident',
          subjectClaim: 'oid',
          timeoutMs: dependencyTimeoutMs,
        }),
        { note: async (residentId, day) => (await stores()).lastSeen.note(residentId, day) },
        now,
      ),
      ...(workforceIdentity
        ? {
            [workforceIdentity.issuer]: createTokenVerifier({
              ...workforceIdentity,
              population: 'workforce',
              subjectClaim: 'oid',
              // The council's own applications (the records system) call as themselves (decision 1103).
              appTokens: true,
              timeoutMs: dependencyTimeoutMs,
            }),
          }
        : {}),
    });
    return verifier;
  },

  catalogue: once(async (): Promise<CatalogueDeps> => ({ catalogue: (await stores()).catalogue })),

  profiles: once(async (): Promise<ProfileDeps> => ({ profiles: (await stores()).profiles, now })),

  serviceRequests: once(async (): Promise<ServiceRequestDeps> => {
    const s = await stores();
    return {
      requests: s.requests,
      catalogue: s.catalogue,
      idempotency: s.idempotency,
      documents: s.documents,
      boundary: config().boundary,
      now,
      wards: config().wards,
    };
  }),

  /** Open311, its moderation and its API keys. */
  open311: once(async (): Promise<Open311Deps> => {
    const s = await stores();
    return {
      ...(await depsFor.serviceRequests()),
      open311Clients: s.open311Clients,
      dispatches: s.dispatches,
      open311Queries: s.open311Queries,
    };
  }),

  /** Reports residents follow, and what may be shown of them. */
  following: once(async (): Promise<FollowingDeps> => {
    const s = await stores();
    return { following: s.following, requests: s.requests, catalogue: s.catalogue, now };
  }),

  /** Erasing a resident: a resumable job over every store (decision 0930). */
  erasure: once(async (): Promise<ErasureDeps> => {
    const s = await stores();
    const c = s.containers;
    return {
      stores: cosmosErasureStores({ ...c, privacy: s.privacy }, s.blobService),
      accessLog: s.accessLog,
      now,
      leaseMs: 2 * 60_000,
    };
  }),

  /** Subject access exports: a resumable job writing one archive to private storage (decision 0931). */
  exports: once(async (): Promise<ExportDeps> => {
    const s = await stores();
    const { privacy, residents, requests, payments, documents } = { ...s.containers, privacy: s.privacy };
    return {
      exports: cosmosExportStores(
        { privacy, residents, requests, payments, documents },
        s.blobService,
        config().blob.kind === 'identity' ? 'user-delegation' : 'account-key',
      ),
      accessLog: s.accessLog,
      now,
      leaseMs: 5 * 60_000,
      notices: await privacyNotices(),
    };
  }),

  /** The retention timer: closed requests, documents, payments and unused accounts, each by its rule. */
  retention: once(async (): Promise<RetentionDeps> => {
    const s = await stores();
    return {
      retention: cosmosRetentionStores(s.containers, s.blobService),
      notices: await privacyNotices(),
      erasure: await depsFor.erasure(),
      now,
    };
  }),

  /** Staff and partner reads of residents' personal data (the `audit` container, create-only). */
  accessLog: once(async (): Promise<AccessLog> => (await stores()).accessLog),

  dispatch: once(async (): Promise<DispatchDeps> => {
    const s = await stores();
    return {
      dispatches: s.dispatches,
      getRequest: async (id) => {
        const request = await s.requests.get(id);
        if (!request) return undefined;
        // A service the public never sees is one whose place is a home (its address goes to the crew).
        const service = await s.catalogue.get(request.serviceCode);
        return { ...request, atHome: service?.public === false };
      },
      sendWorkOrder: async (message) => (await platform().sender('work-orders')).sendMessages(message),
      now,
    };
  }),

  partnerDrain: once(async (): Promise<PartnerDrainDeps> => {
    const s = await stores();
    return {
      requests: s.requests,
      dispatches: s.dispatches,
      now,
      receiverFor: async (backOffice) =>
        (await platform().serviceBus()).createReceiver(partnerInboundQueue(backOffice)),
    };
  }),

  payments: once(async (): Promise<PaymentDeps> => {
    const s = await stores();
    const { payments, dependencyTimeoutMs } = config();
    return {
      payments: s.payments,
      payableItems: s.payableItems,
      idempotency: s.idempotency,
      provider: govUkPayClient({
        baseUrl: payments.baseUrl,
        apiKey: payments.apiKey,
        timeoutMs: dependencyTimeoutMs,
      }),
      returnUrl: payments.returnUrl,
      webhookSecret: payments.webhookSecret,
      coolOffMs: dependencyTimeoutMs,
      searchSettleMs: payments.searchSettleMs,
      refreshMs: payments.refreshMs,
      secondApprovalAbovePence: payments.secondApprovalAbovePence,
      now,
    };
  }),

  uploads: once(async (): Promise<UploadDeps> => {
    const p = platform();
    return {
      documents: (await stores()).documents,
      blobs: azureUploadBlobs(
        await p.blobService(),
        p.config.blob.kind === 'identity' ? 'user-delegation' : 'account-key',
      ),
      now,
    };
  }),

  notificationPlanning: once(async (): Promise<NotificationPlanningDeps> => {
    const s = await stores();
    return {
      profiles: s.profiles,
      templates: config().notifications.templates,
      subject: s.subjects,
      followers: (requestId) => s.following.followers(requestId, maxFollowersPerRequest),
      councillors: councillorContacts(await caseworkStore(), now),
      async queueJobs(jobs) {
        const sender = await platform().sender('notifications');
        // A report's followers can make many jobs: sent in slices well inside a batch's size limit.
        for (let i = 0; i < jobs.length; i += 50)
          await sender.sendMessages(
            jobs.slice(i, i + 50).map((job) => ({ messageId: job.id, contentType: 'application/json', body: job })),
          );
      },
    };
  }),

  notificationSending: once(async (): Promise<NotificationSendingDeps> => ({
    profiles: (await stores()).profiles,
    notify: notifyClient(),
    councillors: councillorContacts(await caseworkStore(), now),
  })),

  /** Confirming a resident's email address or mobile number with a code sent through GOV.UK Notify. */
  contactVerification: once(async (): Promise<ContactVerificationDeps> => {
    const s = await stores();
    return {
      profiles: s.profiles,
      now,
      challenges: s.challenges,
      codes: notifyCodeSender(notifyClient(), config().notifications.templates, codeLifetimeMs / 60_000),
    };
  }),

  outbox: (container: OutboxContainer): Promise<PublisherDeps> => publishers[container](),

  health(): Omit<HealthDeps, 'onProbeFailure'> {
    const p = platform();
    return { probes: platformProbes(p), timeoutMs: p.config.dependencyTimeoutMs };
  },

  /**
   * The operator's dead letters, through a Service Bus connection of their own per operation:
   * the SDK remembers where a peek stopped per connection, and the app's is long-lived.
   */
  deadLetters: once(async (): Promise<DeadLetterDeps> => {
    const p = platform();
    const s = p.config.serviceBus;
    const { ServiceBusClient } = await import('@azure/service-bus');
    const retryOptions = { maxRetries: 2, timeoutInMs: p.config.dependencyTimeoutMs, retryDelayInMs: 200 };
    return {
      deadLetters: serviceBusDeadLetters(async () =>
        s.kind === 'identity'
          ? new ServiceBusClient(s.endpoint, await p.credential(), { retryOptions })
          : new ServiceBusClient(s.connectionString, { retryOptions }),
      ),
    };
  }),

  /** The open data export: the data lake (its own ADLS Gen2 account in Azure) and the catalogue (decision 1120). */
  openData: once(async (): Promise<OpenDataDeps> => {
    const p = platform();
    const { openData, councilName } = p.config;
    let lake;
    if (openData.lakeUrl) {
      const { BlobServiceClient } = await import('@azure/storage-blob');
      lake = new BlobServiceClient(openData.lakeUrl, await p.credential());
    } else lake = await p.blobService();
    return {
      lake: blobDataLake(lake.getContainerClient(openData.container)),
      catalogue: (await stores()).catalogue,
      publisher: councilName,
    };
  }),

  /** Sensors: the device registry, each device's incident state, the create use case, and the readings queue (decision 1125). */
  sensors: once(async (): Promise<SensorDrainDeps> => {
    const p = platform();
    const [catalogue, sensors] = await Promise.all([p.container('catalogue'), p.container('sensors')]);
    return {
      devices: cosmosDeviceRegistry(catalogue),
      states: cosmosDeviceStateStore(sensors),
      requests: await depsFor.serviceRequests(),
      receiver: async () => (await p.serviceBus()).createReceiver('device-readings'),
    };
  }),

  /** The configured address service, or undefined when none is (the API then says so rather than invent addresses). */
  /** Councillors' enquiries and wards (decision 1042). */
  casework: once(async (): Promise<CaseworkDeps> => {
    const { casework } = config();
    return {
      casework: await caseworkStore(),
      serviceRequests: await depsFor.serviceRequests(),
      accessLog: (await stores()).accessLog,
      wards: config().wards,
      responseWorkingDays: casework.responseWorkingDays,
      reminderWorkingDays: casework.reminderWorkingDays,
      now,
    };
  }),

  /** The enquiry reminder timer: staff told through GOV.UK Notify before a deadline is missed. */
  enquiryReminders: once(async (): Promise<ReminderDeps> => {
    const s = await stores();
    const c = config();
    return {
      casework: await caseworkStore(),
      getRequest: (id) => s.requests.get(id),
      notify: notifyClient(),
      templateId: c.notifications.templates['enquiry-reminder']?.email,
      mailbox: c.casework.mailbox,
      now,
    };
  }),

  /** Managers' reports and the index they read (decision 1044). */
  reporting: once(async (): Promise<ReportingDeps> => {
    const reports = await platform().container('reports');
    return { reports: cosmosReportIndex(reports), catalogue: (await stores()).catalogue, now };
  }),

  addresses(): AddressLookup | undefined {
    const c = config();
    if (c.addressLookup === 'local-gazetteer') gazetteer ??= localGazetteer();
    else if (c.addressLookup === 'os-places' && c.osPlaces.apiKey)
      gazetteer ??= osPlaces({
        apiKey: c.osPlaces.apiKey,
        baseUrl: c.osPlaces.baseUrl,
        timeoutMs: c.dependencyTimeoutMs,
      });
    return gazetteer;
  },
  /** The records system's hand-off: its fetches (audited) and the drain of its own queue. */
  records: once(async (): Promise<RecordsDeps & { receiver(): Promise<ServiceBusReceiver> }> => {
    const s = await stores();
    const uploads = await depsFor.uploads();
    return {
      documents: s.documents,
      blobs: uploads.blobs,
      accessLog: s.accessLog,
      requestsWithPhoto: cosmosRequestsWithPhoto(s.containers.requests),
      recordsPrincipal: config().recordsSystemPrincipal,
      blobHolds: config().legalHoldOnBlobs ? azureBlobLegalHolds(s.blobService) : undefined,
      now,
      receiver: async () => (await platform().serviceBus()).createReceiver(partnerInboundQueue(recordsSystemId)),
    };
  }),
  /** A resident's consents to share care events (My Account). */
  consents: once(async (): Promise<ConsentDeps> => ({
    consents: cosmosConsentStore((await stores()).containers.residents),
    now,
  })),

  /** The staff triage queue and assignment (decision 1021). */
  triage: once(async (): Promise<TriageDeps> => {
    const s = await stores();
    return { requests: s.requests, catalogue: s.catalogue, teams: config().staffTeams, now };
  }),

  /** The staff single view of a resident: the profile and each slice's My Account entries, audited (decision 1060). */
  singleView: once(async (): Promise<SingleViewDeps> => {
    const s = await stores();
    return {
      profiles: s.profiles,
      requests: s.requests,
      payments: s.payments,
      documents: s.documents,
      accessLog: s.accessLog,
    };
  }),

  /** The moderators' queue and their read of one report (decision 1032). */
  moderationQueue: once(async () => {
    const s = await stores();
    return {
      moderationQueue: cosmosModerationQueue(s.containers.requests),
      catalogue: s.catalogue,
      requests: s.requests,
      documents: s.documents,
    };
  }),
};
