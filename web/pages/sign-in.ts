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
    // A new session on sign-in (a fresh CSRF token), keeping only unfinished answers, a form
    // sent as the sign-in ran out, and the message saying so: a resident whose session expired
    // mid-journey carries on where they were. Someone else signing in at the same browser
    // starts afresh.
    const { journeys, resume, flash, previousSub } = page.session;
    const same = previousSub === undefined || previousSub === user.sub;
    page.session = {
      ...newSession(),
      user,
      ...(same && journeys ? { journeys } : {}),
      ...(same && resume ? { resume } : {}),
      ...(same && flash ? { flash } : {}),
    };
    return { redirect: same || pending.returnTo !== '/resume' ? pending.returnTo : '/my-account' };
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

/** A form sent as the sign-in ran out, shown again to send now that the resident is back. */
export const resume: PageHandler = (page) => {
  const kept = page.session.resume;
  if (!kept) return Promise.resolve({ redirect: '/my-account' });
  const { resume: _shown, ...rest } = page.session;
  page.session = rest;
  return Promise.resolve({
    view: 'resume',
    data: { action: safeReturnPath(kept.path), fields: kept.fields.map(([name, value]) => ({ name, value })) },
  });
};
