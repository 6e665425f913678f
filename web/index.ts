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
  options: { signedIn?: boolean } = {},
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
route('report-confirmation', ['GET'], 'report/confirmation/{id}', lazyPage(report, 'confirmation', signedIn));

// Last by precedence: `/` and anything no other route claims.
route(
  'fallback',
  ['GET', 'POST'],
  '{*path}',
  lazyPage(() => import('./pages/info.js'), 'fallback'),
);
