/**
 * The function app's entry point (`main` in package.json) and its routing table:
 * every function Doorstep exposes, with its trigger, in one place. Handlers live
 * in `functions/<area>.ts` and load on first use (see `lazy.ts`).
 */
import { app } from '@azure/functions';
import { lazyHttp } from './lazy.js';

app.http('health', {
  methods: ['GET'],
  route: 'health',
  authLevel: 'anonymous',
  handler: lazyHttp(() => import('./health.js'), 'health'),
});
