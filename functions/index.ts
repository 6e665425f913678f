/**
 * The function app's entry point (`main` in package.json) and its routing table:
 * every function Doorstep exposes, with its trigger, in one place. Handlers live
 * in `functions/<area>.ts` and load on first use (see `lazy.ts`).
 */
import {
  app,
  type EventGridEvent,
  type HttpHandler,
  type HttpMethod,
  type InvocationContext,
  type Timer,
} from '@azure/functions';
import { lazy, lazyHttp } from './lazy.js';

const http = (name: string, methods: HttpMethod[], route: string, handler: HttpHandler) => {
  app.http(name, { methods, route, authLevel: 'anonymous', handler });
};

http(
  'health',
  ['GET'],
  'health',
  lazyHttp(() => import('./health.js'), 'health'),
);
http(
  'openapi',
  ['GET'],
  'openapi.json',
  lazyHttp(() => import('./openapi.js'), 'getOpenApi'),
);

// Residents: their profile and their requests.
http(
  'me-get',
  ['GET'],
  'me',
  lazyHttp(() => import('./me.js'), 'getMe'),
);
http(
  'me-patch',
  ['PATCH'],
  'me',
  lazyHttp(() => import('./me.js'), 'patchMe'),
);
// Contact details: each new email address or mobile number is confirmed with a code before use.
for (const channel of ['email', 'phone'] as const) {
  const name = channel === 'email' ? 'Email' : 'Phone';
  http(
    `me-contact-${channel}`,
    ['POST'],
    `me/contact/${channel}`,
    lazyHttp(() => import('./me.js'), `postMy${name}`),
  );
  http(
    `me-contact-${channel}-confirm`,
    ['POST'],
    `me/contact/${channel}/confirm`,
    lazyHttp(() => import('./me.js'), `confirmMy${name}`),
  );
}
http(
  'me-requests',
  ['GET'],
  'me/requests',
  lazyHttp(() => import('./me.js'), 'getMyRequests'),
);
// Reports a resident follows (FixMyStreet's alerts on a report's updates).
http(
  'me-following-list',
  ['GET'],
  'me/following',
  lazyHttp(() => import('./following.js'), 'getFollowingList'),
);
http(
  'me-following-get',
  ['GET'],
  'me/following/{requestId}',
  lazyHttp(() => import('./following.js'), 'getFollowingOne'),
);
http(
  'me-following-put',
  ['PUT'],
  'me/following/{requestId}',
  lazyHttp(() => import('./following.js'), 'putFollowing'),
);
http(
  'me-following-delete',
  ['DELETE'],
  'me/following/{requestId}',
  lazyHttp(() => import('./following.js'), 'deleteFollowing'),
);

// The service catalogue (public) and its administration.
http(
  'services-list',
  ['GET'],
  'services',
  lazyHttp(() => import('./services.js'), 'getServices'),
);
http(
  'services-get',
  ['GET'],
  'services/{code}',
  lazyHttp(() => import('./services.js'), 'getOneService'),
);
http(
  'admin-services-put',
  ['PUT'],
  'admin/services/{code}',
  lazyHttp(() => import('./services.js'), 'putOneService'),
);

// Service requests.
http(
  'requests-create',
  ['POST'],
  'requests',
  lazyHttp(() => import('./service-requests.js'), 'createServiceRequest'),
);
http(
  'requests-nearby',
  ['GET'],
  'requests/nearby',
  lazyHttp(() => import('./service-requests.js'), 'getNearby'),
);
http(
  'requests-get',
  ['GET'],
  'requests/{id}',
  lazyHttp(() => import('./service-requests.js'), 'getOneServiceRequest'),
);
http(
  'staff-requests-list',
  ['GET'],
  'staff/requests',
  lazyHttp(() => import('./service-requests.js'), 'getStaffRequests'),
);
http(
  'staff-requests-patch',
  ['PATCH'],
  'staff/requests/{id}',
  lazyHttp(() => import('./service-requests.js'), 'patchStaffRequest'),
);
http(
  'staff-teams',
  ['GET'],
  'staff/teams',
  lazyHttp(() => import('./service-requests.js'), 'getStaffTeams'),
);

// Open311 GeoReport v2, and FixMyStreet's updates extension.
const open311 = (name: string, methods: HttpMethod[], route: string, exportName: string) => {
  http(
    `open311-${name}`,
    methods,
    `open311/v2/${route}`,
    lazyHttp(() => import('./open311.js') as Promise<Record<string, HttpHandler>>, exportName),
  );
};
open311('services', ['GET'], 'services.{format}', 'services');
open311('service-definition', ['GET'], 'services/{code}.{format}', 'serviceDefinition');
open311('requests-list', ['GET'], 'requests.{format}', 'requestsList');
open311('requests-create', ['POST'], 'requests.{format}', 'requestsCreate');
open311('request-get', ['GET'], 'requests/{id}.{format}', 'requestGet');
open311('token', ['GET'], 'tokens/{token}.{format}', 'token');
open311('updates-list', ['GET'], 'servicerequestupdates.{format}', 'updatesList');
open311('updates-create', ['POST'], 'servicerequestupdates.{format}', 'updatesCreate');
http(
  'staff-requests-moderation',
  ['PATCH'],
  'staff/requests/{id}/moderation',
  lazyHttp(() => import('./open311.js'), 'moderateRequest'),
);
http(
  'admin-open311-clients-revoke',
  ['DELETE'],
  'admin/open311-clients/{id}',
  lazyHttp(() => import('./open311.js'), 'revokeOpen311Client'),
);
http(
  'admin-open311-clients',
  ['POST'],
  'admin/open311-clients',
  lazyHttp(() => import('./open311.js'), 'createOpen311Client'),
);

// Uploads: straight to Blob Storage, checked before anyone sees them.
http(
  'uploads-create',
  ['POST'],
  'uploads',
  lazyHttp(() => import('./uploads.js'), 'createUpload'),
);
http(
  'documents-get',
  ['GET'],
  'documents/{id}',
  lazyHttp(() => import('./uploads.js'), 'getOneDocument'),
);
http(
  'documents-content',
  ['GET'],
  'documents/{id}/content',
  lazyHttp(() => import('./uploads.js'), 'getDocumentContent'),
);
http(
  'me-documents',
  ['GET'],
  'me/documents',
  lazyHttp(() => import('./uploads.js'), 'getMyDocuments'),
);
http(
  'request-photo',
  ['GET'],
  'media/requests/{id}/photos/{index:int}',
  lazyHttp(() => import('./uploads.js'), 'getRequestPhoto'),
);
app.eventGrid('scan-upload', {
  handler: lazy<[EventGridEvent, InvocationContext], typeof import('./uploads.js'), 'scanUpload'>(
    () => import('./uploads.js'),
    'scanUpload',
  ),
});
app.timer('uploads-sweep', {
  schedule: '0 */15 * * * *',
  handler: lazy<[Timer, InvocationContext], typeof import('./uploads.js'), 'sweepUploadsTimer'>(
    () => import('./uploads.js'),
    'sweepUploadsTimer',
  ),
});

// Payments through GOV.UK Pay.
http(
  'payable-items',
  ['GET'],
  'payable-items',
  lazyHttp(() => import('./payments.js'), 'getPayableItems'),
);
http(
  'payments-create',
  ['POST'],
  'payments',
  lazyHttp(() => import('./payments.js'), 'createPayment'),
);
http(
  'payments-webhook',
  ['POST'],
  'payments/webhook',
  lazyHttp(() => import('./payments.js'), 'paymentWebhook'),
);
http(
  'payments-get',
  ['GET'],
  'payments/{id}',
  lazyHttp(() => import('./payments.js'), 'getOnePayment'),
);
http(
  'staff-refunds-create',
  ['POST'],
  'staff/payments/{id}/refunds',
  lazyHttp(() => import('./payments.js'), 'createRefund'),
);
http(
  'staff-refunds-approve',
  ['POST'],
  'staff/payments/{id}/refunds/{refundId}/approval',
  lazyHttp(() => import('./payments.js'), 'approveRefund'),
);
http(
  'me-payments',
  ['GET'],
  'me/payments',
  lazyHttp(() => import('./payments.js'), 'getMyPayments'),
);
http(
  'penalty-notices-get',
  ['GET'],
  'penalty-notices/{reference}',
  lazyHttp(() => import('./payments.js'), 'getPenaltyNotice'),
);
app.timer('payments-sweep', {
  schedule: '0 */5 * * * *',
  handler: lazy<[Timer, InvocationContext], typeof import('./payments.js'), 'sweepPayments'>(
    () => import('./payments.js'),
    'sweepPayments',
  ),
});

/**
 * A change-feed trigger on one container. Each consumer keeps its own leases
 * (by prefix); a failed batch is delivered again, with back-off, until it succeeds.
 */
const changeFeed = (
  name: string,
  containerName: string,
  handler: (documents: unknown[], context: InvocationContext) => Promise<void>,
) => {
  app.cosmosDB(name, {
    connection: 'CosmosDb',
    databaseName: 'doorstep',
    containerName,
    leaseContainerName: 'leases',
    leaseContainerPrefix: `${name}-`,
    createLeaseContainerIfNotExists: false,
    startFromBeginning: true,
    retry: {
      strategy: 'exponentialBackoff',
      maxRetryCount: -1,
      minimumInterval: { seconds: 2 },
      maximumInterval: { minutes: 5 },
    },
    handler,
  });
};

// The outbox: each container's change feed publishes its pending events to the `events` topic.
for (const [container, exportName] of [
  ['requests', 'publishRequests'],
  ['payments', 'publishPayments'],
  ['documents', 'publishDocuments'],
] as const) {
  changeFeed(
    `outbox-${container}`,
    container,
    lazy<[unknown[], InvocationContext], typeof import('./outbox.js'), typeof exportName>(
      () => import('./outbox.js'),
      exportName,
    ),
  );
}

// Dispatch: each new request goes to its back office as a work order.
changeFeed(
  'dispatch-requests',
  'requests',
  lazy<[unknown[], InvocationContext], typeof import('./dispatch.js'), 'dispatchRequests'>(
    () => import('./dispatch.js'),
    'dispatchRequests',
  ),
);
// Open data: the same change feed, on its own lease, written as Parquet and CSV to the data lake (decision 1120).
changeFeed(
  'open-data-requests',
  'requests',
  lazy<[unknown[], InvocationContext], typeof import('./open-data.js'), 'exportOpenData'>(
    () => import('./open-data.js'),
    'exportOpenData',
  ),
);
app.timer('dispatch-retry', {
  schedule: '0 * * * * *',
  handler: lazy<[Timer, InvocationContext], typeof import('./dispatch.js'), 'retryDispatches'>(
    () => import('./dispatch.js'),
    'retryDispatches',
  ),
});
http(
  'staff-dispatches',
  ['GET'],
  'staff/dispatches',
  lazyHttp(() => import('./dispatch.js'), 'getDispatches'),
);
http(
  'staff-dispatch-resend',
  ['POST'],
  'staff/requests/{id}/dispatch',
  lazyHttp(() => import('./dispatch.js'), 'resendRequestDispatch'),
);

// Partners and back offices answer each on its own partner-inbound-<id> queue (drained with the SDK: see the handler).
app.timer('partner-inbound', {
  schedule: '*/10 * * * * *',
  handler: lazy<[Timer, InvocationContext], typeof import('./partner-inbound.js'), 'drainPartnerInbound'>(
    () => import('./partner-inbound.js'),
    'drainPartnerInbound',
  ),
});

// Sensors: readings IoT Hub routes to `device-readings`, drained with the SDK so a refused reading is dead-lettered with its reason.
app.timer('sensor-readings', {
  schedule: '*/5 * * * * *',
  handler: lazy<[Timer, InvocationContext], typeof import('./sensors.js'), 'drainDeviceReadings'>(
    () => import('./sensors.js'),
    'drainDeviceReadings',
  ),
});

// Resident notifications: events → jobs per channel → GOV.UK Notify.
app.serviceBusTopic('notify-residents', {
  connection: 'ServiceBus',
  topicName: 'events',
  subscriptionName: 'notify-residents',
  handler: lazy<[unknown, InvocationContext], typeof import('./notifications.js'), 'planResidentNotifications'>(
    () => import('./notifications.js'),
    'planResidentNotifications',
  ),
});
app.serviceBusQueue('send-notification', {
  connection: 'ServiceBus',
  queueName: 'notifications',
  handler: lazy<[unknown, InvocationContext], typeof import('./notifications.js'), 'sendResidentNotification'>(
    () => import('./notifications.js'),
    'sendResidentNotification',
  ),
});

// Address lookup (postcode or street → UPRN and position) for saying where a problem is.
http(
  'addresses-search',
  ['GET'],
  'addresses',
  lazyHttp(() => import('./addresses.js'), 'searchAddresses'),
);

// Privacy rights: erasure (account deletion) by the resident or by an admin, finished by a timer after any crash.
http(
  'me-delete',
  ['DELETE'],
  'me',
  lazyHttp(() => import('./privacy.js'), 'deleteMe'),
);
http(
  'admin-resident-erasure',
  ['POST'],
  'admin/residents/{residentId}/erasure',
  lazyHttp(() => import('./privacy.js'), 'eraseResident'),
);
http(
  'admin-resident-erasure-get',
  ['GET'],
  'admin/residents/{residentId}/erasure',
  lazyHttp(() => import('./privacy.js'), 'getResidentErasure'),
);
http(
  'me-exports-post',
  ['POST'],
  'me/exports',
  lazyHttp(() => import('./privacy.js'), 'postMyExport'),
);
http(
  'me-exports-get',
  ['GET'],
  'me/exports/{id}',
  lazyHttp(() => import('./privacy.js'), 'getMyExport'),
);
http(
  'admin-resident-export',
  ['POST'],
  'admin/residents/{residentId}/exports',
  lazyHttp(() => import('./privacy.js'), 'postResidentExport'),
);
app.timer('privacy-jobs', {
  schedule: '0 * * * * *',
  handler: lazy<[Timer, InvocationContext], typeof import('./privacy.js'), 'runPrivacyJobs'>(
    () => import('./privacy.js'),
    'runPrivacyJobs',
  ),
});
// Retention enforced (shared/privacy/retention-sweep.ts): once a day, at night, UTC.
app.timer('retention', {
  schedule: '0 17 3 * * *',
  handler: lazy<[Timer, InvocationContext], typeof import('./privacy.js'), 'runRetention'>(
    () => import('./privacy.js'),
    'runRetention',
  ),
});

// The platform operator: dead-lettered messages (decision 1002).
http(
  'operator-dead-letter-counts',
  ['GET'],
  'operator/dead-letters',
  lazyHttp(() => import('./dead-letters.js'), 'getDeadLetterCounts'),
);
http(
  'operator-dead-letters',
  ['GET'],
  'operator/dead-letters/messages',
  lazyHttp(() => import('./dead-letters.js'), 'getDeadLetters'),
);
http(
  'operator-dead-letter-replay',
  ['POST'],
  'operator/dead-letters/messages/{sequenceNumber}/replay',
  lazyHttp(() => import('./dead-letters.js'), 'postDeadLetterReplay'),
);
http(
  'operator-dead-letter-discard',
  ['DELETE'],
  'operator/dead-letters/messages/{sequenceNumber}',
  lazyHttp(() => import('./dead-letters.js'), 'deleteDeadLetter'),
);

// The records system (decision 1100): fetches what it files with its own identity; answers on its own queue.
http(
  'records-document',
  ['GET'],
  'records/documents/{id}',
  lazyHttp(() => import('./records.js'), 'getRecordsDocument'),
);
http(
  'records-document-content',
  ['GET'],
  'records/documents/{id}/content',
  lazyHttp(() => import('./records.js'), 'getRecordsDocumentContent'),
);
app.timer('records-inbound', {
  schedule: '*/10 * * * * *',
  handler: lazy<[Timer, InvocationContext], typeof import('./records.js'), 'drainRecordsInbound'>(
    () => import('./records.js'),
    'drainRecordsInbound',
  ),
});

// Care partners by consent (decision 1102): residents give and withdraw it in My Account.
http(
  'me-consents-list',
  ['GET'],
  'me/consents',
  lazyHttp(() => import('./consents.js'), 'getMyConsents'),
);
http(
  'me-consents-get',
  ['GET'],
  'me/consents/{partnerId}',
  lazyHttp(() => import('./consents.js'), 'getMyConsent'),
);
http(
  'me-consents-put',
  ['PUT'],
  'me/consents/{partnerId}',
  lazyHttp(() => import('./consents.js'), 'putMyConsent'),
);
http(
  'me-consents-delete',
  ['DELETE'],
  'me/consents/{partnerId}',
  lazyHttp(() => import('./consents.js'), 'deleteMyConsent'),
);

// Last in precedence: problem+json for anything else.
http(
  'not-found',
  ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'],
  '{*path}',
  lazyHttp(() => import('./not-found.js'), 'unmatched'),
);

// Wards, councillors' casework and managers' reports (decisions 1040-1044).
http(
  'wards',
  ['GET'],
  'wards',
  lazyHttp(() => import('./casework.js'), 'getWards'),
);
http(
  'councillor-enquiries-create',
  ['POST'],
  'councillor/enquiries',
  lazyHttp(() => import('./casework.js'), 'postEnquiry'),
);
http(
  'councillor-enquiries-list',
  ['GET'],
  'councillor/enquiries',
  lazyHttp(() => import('./casework.js'), 'getMyEnquiries'),
);
http(
  'councillor-enquiries-get',
  ['GET'],
  'councillor/enquiries/{id}',
  lazyHttp(() => import('./casework.js'), 'getOneEnquiry'),
);
http(
  'councillor-requests',
  ['GET'],
  'councillor/requests',
  lazyHttp(() => import('./casework.js'), 'getWardRequests'),
);
http(
  'councillor-notifications-get',
  ['GET'],
  'councillor/notifications',
  lazyHttp(() => import('./casework.js'), 'getCouncillorNotifications'),
);
http(
  'councillor-notifications-put',
  ['PUT'],
  'councillor/notifications',
  lazyHttp(() => import('./casework.js'), 'putCouncillorNotifications'),
);
http(
  'admin-councillor-wards',
  ['PUT'],
  'admin/councillors/{sub}/wards',
  lazyHttp(() => import('./casework.js'), 'putCouncillorWards'),
);
http(
  'admin-councillor-wards-get',
  ['GET'],
  'admin/councillors/{sub}/wards',
  lazyHttp(() => import('./casework.js'), 'getCouncillorWards'),
);
http(
  'staff-enquiries-list',
  ['GET'],
  'staff/enquiries',
  lazyHttp(() => import('./casework.js'), 'getStaffEnquiries'),
);
http(
  'staff-enquiries-get',
  ['GET'],
  'staff/enquiries/{id}',
  lazyHttp(() => import('./casework.js'), 'getStaffEnquiry'),
);
http(
  'staff-reports',
  ['GET'],
  'staff/reports',
  lazyHttp(() => import('./casework.js'), 'getReports'),
);
app.timer('casework-reminders', {
  schedule: '0 */15 * * * *',
  handler: lazy<[Timer, InvocationContext], typeof import('./casework.js'), 'remindEnquiries'>(
    () => import('./casework.js'),
    'remindEnquiries',
  ),
});
// The reporting index, kept from the requests' change feed (its own leases).
changeFeed(
  'reports-requests',
  'requests',
  lazy<[unknown[], InvocationContext], typeof import('./casework.js'), 'indexRequestsForReports'>(
    () => import('./casework.js'),
    'indexRequestsForReports',
  ),
);
// The staff single view of a resident (decision 1060): every opening audited first.
http(
  'staff-resident-view',
  ['GET'],
  'staff/residents/{residentId}',
  lazyHttp(() => import('./single-view.js'), 'getResidentSingleView'),
);
// Open data compaction (decision 1126): each closed day's batch files into one, after the day's lateness, UTC.
app.timer('open-data-compaction', {
  schedule: '0 40 1 * * *',
  handler: lazy<[Timer, InvocationContext], typeof import('./open-data.js'), 'compactOpenData'>(
    () => import('./open-data.js'),
    'compactOpenData',
  ),
});
// The queues of roles without a triage queue (decisions 1031, 1032).
http(
  'staff-refunds-awaiting-approval',
  ['GET'],
  'staff/refunds/awaiting-approval',
  lazyHttp(() => import('./staff-queues.js'), 'getRefundsAwaitingApproval'),
);
http(
  'staff-moderation-queue',
  ['GET'],
  'staff/moderation',
  lazyHttp(() => import('./staff-queues.js'), 'getModerationQueue'),
);
http(
  'staff-moderation-read',
  ['GET'],
  'staff/requests/{id}/moderation',
  lazyHttp(() => import('./staff-queues.js'), 'getForModeration'),
);
http(
  'staff-moderation-photo',
  ['GET'],
  'staff/requests/{id}/moderation/photos/{photoId}',
  lazyHttp(() => import('./staff-queues.js'), 'getPhotoForModeration'),
);
