/**
 * Sign-in as a backend-for-frontend: authorization code + PKCE, run on the
 * server with a confidential client. The browser sees only the redirect to the
 * identity provider and back; the code is exchanged here, and the access token
 * for the API goes into the sealed session, never to the page.
 */
import { decodeJwt } from 'jose';
import * as oidc from 'openid-client';
import type { WebConfig } from './config.js';

/** One discovery per issuer and client: residents' and staff's sign-ins are different clients (decision 1020). */
const discoveries = new Map<string, { at: number; config: Promise<oidc.Configuration>; failed?: boolean }>();
/** A failed discovery is remembered briefly, so an IdP outage is not a fetch per page view. */
const retryDiscoveryAfterMs = 30_000;

function issuer(config: WebConfig): Promise<oidc.Configuration> {
  const key = `${config.oidc.issuer} ${config.oidc.clientId}`;
  const discovered = discoveries.get(key);
  if (discovered && (Date.now() - discovered.at < retryDiscoveryAfterMs || !discovered.failed))
    return discovered.config;
  // http is accepted only for a loopback issuer (config.ts): the local identity provider.
  const loopback = new URL(config.oidc.issuer).protocol === 'http:';
  // eslint-disable-next-line @typescript-eslint/no-deprecated
  const insecure = loopback ? { execute: [oidc.allowInsecureRequests] } : undefined;
  const entry: { at: number; config: Promise<oidc.Configuration>; failed?: boolean } = {
    at: Date.now(),
    config: oidc.discovery(
      new URL(config.oidc.issuer),
      config.oidc.clientId,
      undefined,
      oidc.ClientSecretBasic(config.oidc.clientSecret),
      insecure,
    ),
  };
  entry.config.catch(() => {
    entry.failed = true;
  });
  discoveries.set(key, entry);
  return entry.config;
}

export interface SignInStart {
  readonly url: string;
  readonly state: string;
  readonly nonce: string;
  readonly verifier: string;
}

export async function startSignIn(config: WebConfig): Promise<SignInStart> {
  const server = await issuer(config);
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const url = oidc.buildAuthorizationUrl(server, {
    redirect_uri: config.oidc.redirectUri,
    scope: config.oidc.scopes,
    ...(config.oidc.resourceIndicator ? { resource: config.oidc.audience } : {}),
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
  });
  return { url: url.href, state, nonce, verifier };
}

export interface SignedIn {
  readonly sub: string;
  readonly name?: string;
  readonly accessToken: string;
  /**
   * The app roles in the API's access token (Entra puts the API's app roles there), read
   * only to choose what to show: the API checks them on every call (decision 1020).
   */
  readonly roles: readonly string[];
  readonly expiresAt: number;
}

/** Exchanges the callback's code; throws when state, nonce, PKCE or the ID token do not check out. */
export async function finishSignIn(
  config: WebConfig,
  callbackUrl: URL,
  expected: { state: string; nonce: string; verifier: string },
): Promise<SignedIn> {
  const server = await issuer(config);
  const tokens = await oidc.authorizationCodeGrant(
    server,
    callbackUrl,
    {
      pkceCodeVerifier: expected.verifier,
      expectedState: expected.state,
      expectedNonce: expected.nonce,
      idTokenExpected: true,
    },
    config.oidc.resourceIndicator ? { resource: config.oidc.audience } : undefined,
  );
  const claims = tokens.claims();
  if (!claims) throw new Error('The identity provider returned no ID token');
  const name = typeof claims.name === 'string' ? claims.name : undefined;
  return {
    sub: claims.sub,
    ...(name ? { name } : {}),
    accessToken: tokens.access_token,
    roles: rolesOf(tokens.access_token),
    expiresAt: Math.floor(Date.now() / 1000) + (tokens.expiresIn() ?? 300),
  };
}

/**
 * Where to send a resident who signs out: the identity provider's end-session
 * endpoint, so that the provider's own session ends too (otherwise, on a shared
 * computer, "sign in" would let the next person straight back in), then back to
 * the site's signed-out page.
 */
export async function signOutUrl(config: WebConfig, signedOutPath = '/signed-out'): Promise<string> {
  const server = await issuer(config);
  if (!server.serverMetadata().end_session_endpoint) return signedOutPath;
  return oidc.buildEndSessionUrl(server, {
    client_id: config.oidc.clientId,
    post_logout_redirect_uri: `${config.origin}${signedOutPath}`,
  }).href;
}

/** The `roles` claim of a token that came straight from the token endpoint (over TLS, to this client). */
function rolesOf(accessToken: string): string[] {
  try {
    const roles = decodeJwt(accessToken).roles;
    return Array.isArray(roles) ? roles.filter((r): r is string => typeof r === 'string').slice(0, 20) : [];
  } catch {
    // An opaque token carries no roles the site can read: the API still decides.
    return [];
  }
}
