/** Pages that are the same for everyone: home, the statements the regulations require, not found. */
import type { PageHandler } from '../http/page.js';

export const home: PageHandler = () => Promise.resolve({ view: 'home' });
export const accessibility: PageHandler = () => Promise.resolve({ view: 'accessibility-statement' });
export const privacy: PageHandler = () => Promise.resolve({ view: 'privacy' });
export const cookies: PageHandler = () => Promise.resolve({ view: 'cookies' });

/** The catch-all route: the home page at `/`, otherwise not found. */
export const fallback: PageHandler = (page) =>
  Promise.resolve((page.request.params.path ?? '') === '' ? { view: 'home' } : { view: 'not-found', status: 404 });
