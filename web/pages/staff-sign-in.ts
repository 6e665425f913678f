/** Staff sign in and out through the staff client (the workforce directory), into the staff session only. */
import { finishSignIn, signOutUrl, startSignIn } from '../auth.js';
import { newStaffSession } from '../staff/session.js';
import { staffReturnPath, type StaffPageHandler } from '../staff/staff-page.js';

export const staffSignIn: StaffPageHandler = async (page) => {
  const started = await startSignIn(page.staffConfig);
  page.session = {
    ...page.session,
    signIn: {
      state: started.state,
      nonce: started.nonce,
      verifier: started.verifier,
      returnTo: staffReturnPath(page.query.get('returnTo')),
    },
  };
  return { redirect: started.url };
};

export const staffSignInCallback: StaffPageHandler = async (page) => {
  const pending = page.session.signIn;
  const callback = new URL(`${page.staffConfig.oidc.redirectUri}${new URL(page.request.url).search}`);
  if (!pending || callback.searchParams.has('error')) return { view: 'staff-sign-in-failed', status: 400 };
  try {
    const user = await finishSignIn(page.staffConfig, callback, pending);
    const { flash } = page.session;
    // A fresh session (and CSRF token) for whoever signed in.
    page.session = { ...newStaffSession(), user: { ...user, roles: [...user.roles] }, ...(flash ? { flash } : {}) };
    return { redirect: pending.returnTo };
  } catch {
    page.session = { csrf: page.session.csrf };
    return { view: 'staff-sign-in-failed', status: 400 };
  }
};

export const staffSignOut: StaffPageHandler = async (page) => {
  page.session = newStaffSession();
  return { redirect: await signOutUrl(page.staffConfig, '/staff/signed-out') };
};

export const staffSignedOut: StaffPageHandler = () => Promise.resolve({ view: 'staff-signed-out' });

/** Each role starts at its own page: only staff and admin have the triage queue. */
export const staffHome: StaffPageHandler = (page) => {
  const roles = page.session.user?.roles ?? [];
  const has = (role: string) => roles.includes(role);
  const start =
    has('staff') || has('admin')
      ? '/staff/requests'
      : has('councillor')
        ? '/staff/councillor/enquiries'
        : has('finance')
          ? '/staff/payments'
          : has('operator')
            ? '/staff/dead-letters'
            : has('moderator')
              ? '/staff/moderation'
              : '/staff/requests';
  return Promise.resolve({ redirect: start });
};
