/**
 * The function app's entry point (`main` in package.json) and its routing table:
 * every function Doorstep exposes, with its trigger, in one place. Handlers live
 * in `functions/<area>.ts` and load on first use (see `lazy.ts`).
 */
import { app, type HttpHandler, type HttpMethod } from '@azure/functions';
import { lazyHttp } from './lazy.js';

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
http(
  'me-requests',
  ['GET'],
  'me/requests',
  lazyHttp(() => import('./me.js'), 'getMyRequests'),
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

// Last in precedence: problem+json for anything else.
http(
  'not-found',
  ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'],
  '{*path}',
  lazyHttp(() => import('./not-found.js'), 'unmatched'),
);
