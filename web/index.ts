/**
 * The resident website's function app (its own host.json: routes from `/`) and
 * its routing table. Handlers load on first use, as the API's do; the first
 * page of an instance also compiles every template (`render.ts`).
 */
import { app, type HttpHandler, type HttpMethod } from '@azure/functions';
import type { PageHandler } from './http/page.js';
import type { StaffPageHandler, StaffPageOptions } from './staff/staff-page.js';

/**
 * In Azure the host hands each request to the worker as a stream (its HTTP proxy), so
 * a photo or document sent without JavaScript goes on to storage as it arrives instead
 * of being held whole first (web/http/multipart.ts). Set by the app setting
 * `WEB_HTTP_STREAM` (infra/web-app.ts), not always: the local host has no such proxy, and
 * buffers. Must run before the first function is registered. Decision 0851.
 */
if (process.env.WEB_HTTP_STREAM === 'true') app.setup({ enableHttpStream: true });

const route = (name: string, methods: HttpMethod[], path: string, handler: HttpHandler) => {
  app.http(`web-${name}`, { methods, route: path, authLevel: 'anonymous', handler });
};

/** A page whose handler module loads on its first request. */
function lazyPage<M extends Record<K, PageHandler>, K extends keyof M>(
  load: () => Promise<M>,
  name: K,
  options: { signedIn?: boolean; multipart?: boolean } = {},
): HttpHandler {
  let handler: Promise<HttpHandler> | undefined;
  return async (request, context) => {
    handler ??= Promise.all([load(), import('./http/page.js'), import('./render.js')]).then(([m, { page }, r]) => {
      r.warm();
      return page(m[name], options);
    });
    return (await handler)(request, context);
  };
}

route('assets', ['GET', 'HEAD'], 'assets/{*path}', async (request) =>
  (await import('./assets.js')).serveAsset(request),
);

route(
  'sign-in',
  ['GET'],
  'sign-in',
  lazyPage(() => import('./pages/sign-in.js'), 'signIn'),
);
route(
  'sign-in-callback',
  ['GET'],
  'auth/callback',
  lazyPage(() => import('./pages/sign-in.js'), 'signInCallback'),
);
route(
  'sign-out',
  ['POST'],
  'sign-out',
  lazyPage(() => import('./pages/sign-in.js'), 'signOut'),
);
route(
  'signed-out',
  ['GET'],
  'signed-out',
  lazyPage(() => import('./pages/sign-in.js'), 'signedOut'),
);

const signedIn = { signedIn: true };
route(
  'my-account',
  ['GET'],
  'my-account',
  lazyPage(() => import('./pages/account.js'), 'myAccount', signedIn),
);
route(
  'my-request',
  ['GET'],
  'my-account/requests/{id}',
  lazyPage(() => import('./pages/account.js'), 'oneRequest', signedIn),
);
route(
  'following-change',
  ['POST'],
  'my-account/following/{id}',
  lazyPage(() => import('./pages/following.js'), 'changeFollowing', signedIn),
);

const contacts = () => import('./pages/contacts.js');
route('contact', ['GET'], 'my-account/contact', lazyPage(contacts, 'contactDetails', signedIn));
route('contact-name', ['GET', 'POST'], 'my-account/contact/name', lazyPage(contacts, 'changeName', signedIn));
route('contact-email', ['GET', 'POST'], 'my-account/contact/email', lazyPage(contacts, 'changeEmail', signedIn));
route('contact-phone', ['GET', 'POST'], 'my-account/contact/phone', lazyPage(contacts, 'changePhone', signedIn));
route(
  'contact-email-confirm',
  ['GET', 'POST'],
  'my-account/contact/email/confirm',
  lazyPage(contacts, 'confirmEmail', signedIn),
);
route(
  'contact-phone-confirm',
  ['GET', 'POST'],
  'my-account/contact/phone/confirm',
  lazyPage(contacts, 'confirmPhone', signedIn),
);
route(
  'contact-email-resend',
  ['POST'],
  'my-account/contact/email/resend',
  lazyPage(contacts, 'resendEmailCode', signedIn),
);
route(
  'contact-phone-resend',
  ['POST'],
  'my-account/contact/phone/resend',
  lazyPage(contacts, 'resendPhoneCode', signedIn),
);
route(
  'contact-preferences',
  ['GET', 'POST'],
  'my-account/contact/preferences',
  lazyPage(contacts, 'changePreferences', signedIn),
);

route(
  'accessibility',
  ['GET'],
  'accessibility-statement',
  lazyPage(() => import('./pages/info.js'), 'accessibility'),
);
route(
  'privacy',
  ['GET'],
  'privacy',
  lazyPage(() => import('./pages/info.js'), 'privacy'),
);
route(
  'cookies',
  ['GET'],
  'cookies',
  lazyPage(() => import('./pages/info.js'), 'cookies'),
);
const report = () => import('./pages/report.js');
route('report', ['GET', 'POST'], 'report', lazyPage(report, 'chooseService', signedIn));
route('report-questions', ['GET', 'POST'], 'report/questions', lazyPage(report, 'answerQuestions', signedIn));
route('report-location', ['GET', 'POST'], 'report/location', lazyPage(report, 'chooseLocation', signedIn));
const nearby = () => import('./pages/nearby.js');
route('report-nearby', ['GET', 'POST'], 'report/nearby', lazyPage(nearby, 'nearbyReports', signedIn));
route('report-following', ['GET'], 'report/following/{id}', lazyPage(nearby, 'followingConfirmation', signedIn));
route('report-check', ['GET', 'POST'], 'report/check', lazyPage(report, 'checkAnswers', signedIn));
const photos = () => import('./pages/photos.js');
const takesFile = { signedIn: true, multipart: true };
route('report-photos', ['GET', 'POST'], 'report/photos', lazyPage(photos, 'addPhotos', takesFile));
route('report-photo-link', ['POST'], 'report/photos/link', lazyPage(photos, 'photoLink', signedIn));
const documents = () => import('./pages/documents.js');
route('document-new', ['GET', 'POST'], 'my-account/documents/new', lazyPage(documents, 'newDocument', takesFile));
route('document-link', ['POST'], 'my-account/documents/link', lazyPage(documents, 'documentLink', signedIn));
route('document', ['GET'], 'my-account/documents/{id:guid}', lazyPage(documents, 'oneDocument', signedIn));
route('document-file', ['GET'], 'my-account/documents/{id:guid}/file', lazyPage(documents, 'documentFile', signedIn));
route('report-confirmation', ['GET'], 'report/confirmation/{id}', lazyPage(report, 'confirmation', signedIn));

const pay = () => import('./pages/pay.js');
route('pay', ['GET', 'POST'], 'pay', lazyPage(pay, 'chooseItem', signedIn));
route('pay-quantity', ['GET', 'POST'], 'pay/quantity', lazyPage(pay, 'chooseQuantity', signedIn));
route('pay-penalty-notice', ['GET', 'POST'], 'pay/penalty-notice', lazyPage(pay, 'choosePenaltyNotice', signedIn));
route('pay-check', ['GET', 'POST'], 'pay/check', lazyPage(pay, 'checkAnswers', signedIn));
route('pay-return', ['GET'], 'pay/return', lazyPage(pay, 'paymentReturn', signedIn));
route('my-payment', ['GET'], 'my-account/payments/{id}', lazyPage(pay, 'receipt', signedIn));
const yourData = () => import('./pages/your-data.js');
route('your-data', ['GET', 'POST'], 'my-account/your-data', lazyPage(yourData, 'yourData', signedIn));
route('my-export', ['GET'], 'my-account/exports/{id:guid}', lazyPage(yourData, 'oneExport', signedIn));
route('my-export-file', ['GET'], 'my-account/exports/{id:guid}/file', lazyPage(yourData, 'exportFile', signedIn));
route('delete-account', ['GET', 'POST'], 'my-account/delete', lazyPage(yourData, 'deleteAccount', signedIn));
route('account-deleted', ['GET'], 'account-deleted', lazyPage(yourData, 'accountDeleted'));
route(
  'consents',
  ['GET', 'POST'],
  'my-account/consents',
  lazyPage(() => import('./pages/consents.js'), 'consentsPage', signedIn),
);
route(
  'resume',
  ['GET'],
  'resume',
  lazyPage(() => import('./pages/sign-in.js'), 'resume', signedIn),
);

// The staff workspace (decision 1020): its own sign-in, session and pages, under /staff.
function lazyStaffPage<M extends Record<K, StaffPageHandler>, K extends keyof M>(
  load: () => Promise<M>,
  name: K,
  options: StaffPageOptions = { signedIn: true },
): HttpHandler {
  let handler: Promise<HttpHandler> | undefined;
  return async (request, context) => {
    handler ??= Promise.all([load(), import('./staff/staff-page.js'), import('./render.js')]).then(
      ([m, { staffPage }, r]) => {
        r.warm();
        return staffPage(m[name], options);
      },
    );
    return (await handler)(request, context);
  };
}
const staffSignIn = () => import('./pages/staff-sign-in.js');
const staffRequests = () => import('./pages/staff-requests.js');
const anyone = { signedIn: false };
route('staff-sign-in', ['GET'], 'staff/sign-in', lazyStaffPage(staffSignIn, 'staffSignIn', anyone));
route('staff-callback', ['GET'], 'staff/auth/callback', lazyStaffPage(staffSignIn, 'staffSignInCallback', anyone));
route('staff-sign-out', ['POST'], 'staff/sign-out', lazyStaffPage(staffSignIn, 'staffSignOut', anyone));
route('staff-signed-out', ['GET'], 'staff/signed-out', lazyStaffPage(staffSignIn, 'staffSignedOut', anyone));
route(
  'staff-home',
  ['GET'],
  'staff',
  lazyStaffPage(staffSignIn, 'staffHome', {
    roles: ['staff', 'admin', 'operator', 'councillor', 'finance', 'moderator'],
  }),
);
route('staff-queue', ['GET'], 'staff/requests', lazyStaffPage(staffRequests, 'queue'));
route('staff-request', ['GET'], 'staff/requests/{id}', lazyStaffPage(staffRequests, 'oneRequest'));
route(
  'staff-request-photo',
  ['GET'],
  'staff/requests/{id}/photos/{photoId}',
  lazyStaffPage(staffRequests, 'requestPhoto'),
);
route('staff-request-status', ['POST'], 'staff/requests/{id}/status', lazyStaffPage(staffRequests, 'changeStatus'));
route('staff-request-update', ['POST'], 'staff/requests/{id}/updates', lazyStaffPage(staffRequests, 'addUpdate'));
route('staff-request-assign', ['POST'], 'staff/requests/{id}/assignment', lazyStaffPage(staffRequests, 'assign'));
route('staff-request-resend', ['POST'], 'staff/requests/{id}/resend', lazyStaffPage(staffRequests, 'resend'));
// The single view of a resident (decision 1060) and the managers' report.
route(
  'staff-resident',
  ['GET'],
  'staff/residents/{residentId}',
  lazyStaffPage(() => import('./pages/staff-resident.js'), 'residentView'),
);
route(
  'staff-reports',
  ['GET'],
  'staff/reports',
  lazyStaffPage(() => import('./pages/staff-reports.js'), 'reports'),
);

// Moderation, refunds and dead letters: each for its own role (the API checks it again).
const staffModeration = () => import('./pages/staff-moderation.js');
const staffRefunds = () => import('./pages/staff-refunds.js');
const staffDeadLetters = () => import('./pages/staff-dead-letters.js');
const moderators = { roles: ['moderator'] };
const finance = { roles: ['finance'] };
const operators = { roles: ['operator'] };
route('staff-moderation-queue', ['GET'], 'staff/moderation', lazyStaffPage(staffModeration, 'queue', moderators));
route(
  'staff-moderation',
  ['GET'],
  'staff/requests/{id}/moderation',
  lazyStaffPage(staffModeration, 'moderation', moderators),
);
route(
  'staff-moderation-photo',
  ['GET'],
  'staff/requests/{id}/moderation/photos/{photoId}',
  lazyStaffPage(staffModeration, 'photo', moderators),
);
route(
  'staff-moderation-change',
  ['POST'],
  'staff/requests/{id}/moderation/change',
  lazyStaffPage(staffModeration, 'moderate', moderators),
);
route('staff-payments', ['GET'], 'staff/payments', lazyStaffPage(staffRefunds, 'findPayment', finance));
route('staff-payment', ['GET'], 'staff/payments/{id}', lazyStaffPage(staffRefunds, 'onePayment', finance));
route('staff-refund', ['POST'], 'staff/payments/{id}/refunds', lazyStaffPage(staffRefunds, 'raiseRefund', finance));
route(
  'staff-refund-approval',
  ['POST'],
  'staff/payments/{id}/refunds/{refundId}/approval',
  lazyStaffPage(staffRefunds, 'decideRefund', finance),
);
route(
  'staff-dead-letters',
  ['GET'],
  'staff/dead-letters',
  lazyStaffPage(staffDeadLetters, 'deadLetterCounts', operators),
);
route(
  'staff-dead-letter-list',
  ['GET'],
  'staff/dead-letters/messages',
  lazyStaffPage(staffDeadLetters, 'deadLetterList', operators),
);
route(
  'staff-dead-letter',
  ['GET'],
  'staff/dead-letters/messages/{sequenceNumber}',
  lazyStaffPage(staffDeadLetters, 'deadLetter', operators),
);
route(
  'staff-dead-letter-replay',
  ['POST'],
  'staff/dead-letters/messages/{sequenceNumber}/replay',
  lazyStaffPage(staffDeadLetters, 'replay', operators),
);
route(
  'staff-dead-letter-discard',
  ['GET', 'POST'],
  'staff/dead-letters/messages/{sequenceNumber}/discard',
  lazyStaffPage(staffDeadLetters, 'discard', operators),
);

// Councillors' casework (decision 1050): councillors sign in at the staff sign-in; staff see the enquiries.
const casework = () => import('./pages/councillor-casework.js');
const councillor = { signedIn: true, roles: ['councillor'] };
route(
  'councillor-enquiries',
  ['GET', 'POST'],
  'staff/councillor/enquiries',
  lazyStaffPage(casework, 'myEnquiries', councillor),
);
route(
  'councillor-enquiry-new',
  ['GET'],
  'staff/councillor/enquiries/new',
  lazyStaffPage(casework, 'chooseEnquiryService', councillor),
);
route(
  'councillor-enquiry-details',
  ['GET', 'POST'],
  'staff/councillor/enquiries/new/details',
  lazyStaffPage(casework, 'enquiryDetails', councillor),
);
route(
  'councillor-enquiry',
  ['GET'],
  'staff/councillor/enquiries/{id:guid}',
  lazyStaffPage(casework, 'oneEnquiry', councillor),
);
route('councillor-requests', ['GET'], 'staff/councillor/requests', lazyStaffPage(casework, 'wardRequests', councillor));
route(
  'staff-enquiries',
  ['GET'],
  'staff/enquiries',
  lazyStaffPage(() => import('./pages/staff-enquiries.js'), 'staffEnquiries'),
);

// The admin's record of which wards each councillor serves (the API checks the role again).
route(
  'staff-councillor-wards',
  ['GET', 'POST'],
  'staff/admin/councillor-wards',
  lazyStaffPage(() => import('./pages/staff-councillor-wards.js'), 'councillorWards', { roles: ['admin'] }),
);

// Last by precedence: `/` and anything no other route claims.
route(
  'fallback',
  ['GET', 'POST'],
  '{*path}',
  lazyPage(() => import('./pages/info.js'), 'fallback'),
);
