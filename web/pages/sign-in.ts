/** Signing in and out (the backend-for-frontend side of OpenID Connect). */
import { finishSignIn, signOutUrl, startSignIn } from '../auth.js';
import { safeReturnPath, type PageHandler } from '../http/page.js';
import { newSession } from '../session.js';

export const signIn: PageHandler = async (page) => {
  const started = await startSignIn(page.config);
  const returnTo = safeReturnPath(new URL(page.request.url).searchParams.get('returnTo'));
  page.session = {
    ...page.session,
    signIn: { state: started.state, nonce: started.nonce, verifier: started.verifier, returnTo },
  };
  return { redirect: started.url };
};

export const signInCallback: PageHandler = async (page) => {
  const pending = page.session.signIn;
  const incoming = new URL(page.request.url);
  // The URL the provider redirected to, on this site's own origin (behind a proxy the host may differ).
  const callback = new URL(`${page.config.oidc.redirectUri}${incoming.search}`);
  if (!pending || callback.searchParams.has('error')) return { view: 'sign-in-failed', status: 400 };
  try {
    const user = await finishSignIn(page.config, callback, pending);
    // A new session on sign-in (a fresh CSRF token), keeping only unfinished answers: a resident
    // whose session expired mid-report carries on where they were.
    const journeys = page.session.journeys;
    page.session = { ...newSession(), user, ...(journeys ? { journeys } : {}) };
    return { redirect: pending.returnTo };
  } catch {
    page.session = { csrf: page.session.csrf };
    return { view: 'sign-in-failed', status: 400 };
  }
};

export const signOut: PageHandler = async (page) => {
  page.session = newSession();
  return { redirect: await signOutUrl(page.config) };
};

export const signedOut: PageHandler = () => Promise.resolve({ view: 'signed-out' });
