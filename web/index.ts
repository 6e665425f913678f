/**
 * The resident website's function app (its own host.json: routes from `/`) and
 * its routing table. Handlers load on first use, as the API's do; the first
 * page of an instance also compiles every template (`render.ts`).
 */
import { app, type HttpHandler, type HttpMethod } from '@azure/functions';
import type { PageHandler } from './http/page.js';

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
  'resume',
  ['GET'],
  'resume',
  lazyPage(() => import('./pages/sign-in.js'), 'resume', signedIn),
);

// Last by precedence: `/` and anything no other route claims.
route(
  'fallback',
  ['GET', 'POST'],
  '{*path}',
  lazyPage(() => import('./pages/info.js'), 'fallback'),
);
