/**
 * Bearer token validation with `jose` against the issuer's OpenID discovery
 * document and its cached JWKS: issuer, audience, signature (asymmetric
 * algorithms only: `none` and HMAC are refused), `kid` known to the JWKS,
 * expiry and not-before with a small clock skew; and that it is an access token
 * for this API, not an ID token (see `accessTokenProblem`).
 */
import { createHash } from 'node:crypto';
import { createRemoteJWKSet, decodeJwt, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import { z } from 'zod';
import { AppError, dependencyUnavailable } from '../errors.js';

/** Entra signs with RS256; the others are accepted should a tenant move to them. */
export const allowedAlgorithms = ['RS256', 'PS256', 'ES256'] as const;
const clockToleranceSeconds = 60;

/** Which directory a token came from (decision 1000). */
export type Population = 'resident' | 'workforce';

/**
 * Who a token speaks for (decision 1103): a person (delegated: a user signed in to a client),
 * or an application as itself (Entra's client credentials grant, "app-only").
 */
export type TokenKind = 'person' | 'app';

export interface VerifiedToken {
  readonly issuer: Population;
  readonly kind: TokenKind;
  /** The client the token was issued to (`azp` in v2.0, `appid` in v1.0, `client_id` in RFC 9068). */
  readonly client: string;
  /** The stable subject, read from the verifier's `subjectClaim`. */
  readonly sub: string;
  readonly roles: readonly string[];
  /**
   * The `email` claim when it holds one plausible address (an optional claim the directory adds,
   * decision 1052); never `preferred_username`, which is a sign-in name and need not be a mailbox.
   */
  readonly email?: string;
  readonly payload: JWTPayload;
}

const emailClaim = z.email().max(254);

export type TokenVerifier = (token: string) => Promise<VerifiedToken>;

const wwwAuthenticate = (error?: string, description?: string) =>
  error
    ? `Bearer realm="doorstep", error="${error}", error_description="${description ?? ''}"`
    : 'Bearer realm="doorstep"';

export const unauthorized = (description?: string) =>
  new AppError('unauthorized', description ?? 'Sign in and send the access token as a Bearer token.', {
    headers: { 'www-authenticate': wwwAuthenticate(description ? 'invalid_token' : undefined, description) },
  });

export interface VerifierOptions {
  readonly issuer: string;
  readonly audience: string;
  readonly timeoutMs: number;
  /** Which population this issuer signs in (default resident). */
  readonly population?: Population;
  /**
   * The claim that names the person (default `sub`). Entra's `sub` is pairwise per
   * application while `oid` is the same across every application of the tenant, so
   * Doorstep reads `oid` in Azure (decision 1001); a token without it is refused.
   */
  readonly subjectClaim?: 'sub' | 'oid';
  /**
   * Whether this issuer's app-only tokens are accepted (decision 1103): only the workforce
   * directory's, where the council's own applications are registered. Default false.
   */
  readonly appTokens?: boolean;
  /** When set, the token's `tid` must be exactly this tenant (the workforce directory). */
  readonly tenantId?: string;
  readonly fetch?: typeof fetch;
  /** Milliseconds since the epoch; tests pass a controllable clock. */
  readonly now?: () => number;
}

/**
 * How long a failed discovery is remembered: during an identity-provider outage
 * every bearer call would otherwise fetch the discovery document again.
 */
export const failedDiscoveryCacheMs = 5_000;

/** The two members of the issuer's discovery document the verifier reads (OpenID Connect Discovery 3). */
const discoveryDocument = z.object({ issuer: z.string(), jwks_uri: z.url() });

/**
 * How many verified tokens are remembered. A resident's front end sends the same token
 * on every call until it expires, and verifying its signature is most of a read's CPU
 * (npm run bench:api); the oldest entries make room beyond this.
 */
export const verifiedTokenCacheSize = 10_000;

/**
 * Why a verified token is not an access token for this API, or undefined.
 *
 * Entra's access tokens carry `typ: "JWT"` in the header, like its ID tokens
 * ("typ: String - always JWT", learn.microsoft.com/entra/identity-platform/access-token-claims-reference),
 * so `typ` alone cannot tell them apart there; RFC 9068 issuers (oidc-provider) say `at+jwt`.
 * What does: an access token names the client it was issued to (`azp` in v2.0 tokens,
 * `appid` in v1.0, `client_id` in RFC 9068), which Entra's ID tokens never carry
 * (id-token-claims-reference), while ID tokens carry `nonce`, `at_hash` or `c_hash`,
 * which access tokens never do. `idtyp` (an optional access-token claim) says
 * `app` for app-only tokens: Doorstep's callers are people, so those are refused too.
 */
export function accessTokenProblem(header: { typ?: unknown }, payload: JWTPayload): string | undefined {
  const typ = typeof header.typ === 'string' ? header.typ.toLowerCase() : undefined;
  if (typ !== 'jwt' && typ !== 'at+jwt' && typ !== 'application/at+jwt')
    return 'The token is not an access token (its type is not at+jwt or JWT).';
  if (['nonce', 'at_hash', 'c_hash'].some((claim) => claim in payload))
    return 'This is an ID token; send an access token for this API.';
  const client = payload.azp ?? payload.appid ?? payload.client_id;
  if (typeof client !== 'string' || client.length === 0)
    return 'The token names no client (azp, appid or client_id): send an access token for this API.';
  if (payload.idtyp !== undefined && payload.idtyp !== 'user')
    return 'App-only tokens are not accepted: sign in as a person.';
  return undefined;
}

/**
 * Whether a verified token is app-only, and if so whether it is well formed (decision 1103).
 *
 * Entra documents `idtyp` as "the most accurate way for an API to determine if a token is an
 * app token or an app+user token" (optional-claims-reference), but emits it only when the API's
 * registration asks for that optional claim; and `scp` is "only included for user tokens"
 * while the client credentials flow puts its permissions in `roles` instead
 * (access-token-claims-reference, MicrosoftDocs/entra-docs 003f1aa). So where app tokens are
 * accepted, a token is an app's when it says `idtyp: app`, or says nothing and has no `scp`
 * (the registration's optional claim forgotten: still not a person). An app token that also
 * carries `scp`, or an `idtyp` that is neither, is refused.
 */
export function appTokenKind(payload: JWTPayload): { kind: TokenKind } | { problem: string } {
  const scp = typeof payload.scp === 'string' && payload.scp.length > 0;
  if (payload.idtyp === 'app')
    return scp ? { problem: 'The token says it is app-only but carries delegated scopes.' } : { kind: 'app' };
  if (payload.idtyp === 'user') return { kind: 'person' };
  if (payload.idtyp !== undefined) return { problem: 'The token is neither a person’s nor an application’s.' };
  return { kind: scp ? 'person' : 'app' };
}

export function createTokenVerifier(options: VerifierOptions): TokenVerifier {
  const doFetch = options.fetch ?? fetch;
  const now = options.now ?? Date.now;
  let jwks: Promise<ReturnType<typeof createRemoteJWKSet>> | undefined;
  let failedUntil = 0;
  /**
   * Verified tokens by the SHA-256 of the whole token (so a token differing in any byte,
   * its signature included, is verified afresh), each until its own `exp` and never
   * longer: the clock skew allowed at verification is not extended to the cache.
   * Failures are never remembered here.
   */
  const verified = new Map<string, { readonly token: VerifiedToken; readonly until: number }>();
  const remember = (key: string, token: VerifiedToken) => {
    const until = (token.payload.exp ?? 0) * 1000;
    if (until <= now()) return;
    if (verified.size >= verifiedTokenCacheSize) {
      const oldest = verified.keys().next();
      if (!oldest.done) verified.delete(oldest.value);
    }
    verified.set(key, { token, until });
  };

  const discover = async () => {
    const url = new URL('.well-known/openid-configuration', options.issuer.replace(/\/?$/, '/'));
    let response: Response;
    try {
      response = await doFetch(url, { signal: AbortSignal.timeout(options.timeoutMs) });
    } catch (error) {
      throw dependencyUnavailable('The sign-in service', error);
    }
    if (!response.ok) throw dependencyUnavailable('The sign-in service');
    const document = discoveryDocument.safeParse(await response.json().catch(() => undefined));
    // The discovery document must describe the issuer we trust (OpenID Connect Discovery 4.3).
    if (!document.success || document.data.issuer !== options.issuer)
      throw dependencyUnavailable('The sign-in service');
    return createRemoteJWKSet(new URL(document.data.jwks_uri), {
      timeoutDuration: options.timeoutMs,
      cooldownDuration: 30_000,
      cacheMaxAge: 10 * 60_000,
    });
  };

  return async (token) => {
    const key = createHash('sha256').update(token).digest('base64url');
    const known = verified.get(key);
    if (known) {
      if (now() < known.until) return known.token;
      verified.delete(key);
    }
    const fresh = await verifyAfresh(token);
    remember(key, fresh);
    return fresh;
  };

  async function verifyAfresh(token: string): Promise<VerifiedToken> {
    // A failed discovery is answered from memory for a short while, then tried again.
    if (jwks && failedUntil !== 0 && now() >= failedUntil) {
      jwks = undefined;
      failedUntil = 0;
    }
    jwks ??= discover().catch((error: unknown) => {
      failedUntil = now() + failedDiscoveryCacheMs;
      throw error;
    });
    const keySet = await jwks;
    let result: Awaited<ReturnType<typeof jwtVerify>>;
    try {
      result = await jwtVerify(token, keySet, {
        issuer: options.issuer,
        audience: options.audience,
        algorithms: [...allowedAlgorithms],
        clockTolerance: clockToleranceSeconds,
        requiredClaims: ['sub', 'exp', 'iat'],
        currentDate: new Date(now()),
      });
    } catch (error) {
      if (error instanceof joseErrors.JWKSTimeout || (error instanceof TypeError && /fetch/i.test(error.message))) {
        throw dependencyUnavailable('The sign-in service', error);
      }
      throw unauthorized(describe(error));
    }
    const { payload, protectedHeader } = result;
    // Only where app tokens are accepted is `idtyp: app` read rather than refused outright.
    const kinded = options.appTokens ? appTokenKind(payload) : { kind: 'person' as const };
    if ('problem' in kinded) throw unauthorized(kinded.problem);
    const problem = accessTokenProblem(
      protectedHeader,
      kinded.kind === 'app' ? { ...payload, idtyp: undefined } : payload,
    );
    if (problem) throw unauthorized(problem);
    if (options.tenantId !== undefined && payload.tid !== options.tenantId)
      throw unauthorized('The access token is from another tenant.');
    const subject = payload[options.subjectClaim ?? 'sub'];
    // Entra adds `oid` to a user's token when the client asks for the profile scope.
    if (typeof subject !== 'string' || subject.length === 0)
      throw unauthorized(`The access token names no ${options.subjectClaim ?? 'sub'}: ask for the profile scope.`);
    const roles = Array.isArray(payload.roles) ? payload.roles.filter((r): r is string => typeof r === 'string') : [];
    const client = String(payload.azp ?? payload.appid ?? payload.client_id);
    const email = emailClaim.safeParse(payload.email);
    return {
      issuer: options.population ?? 'resident',
      kind: kinded.kind,
      client,
      sub: subject,
      roles,
      ...(email.success ? { email: email.data } : {}),
      payload,
    };
  }
}

/**
 * One verifier per trusted issuer, chosen by the token's (as yet unverified) `iss`, which the
 * chosen verifier then checks exactly along with everything else. An issuer that is neither is
 * refused before any key is fetched, so a stranger's token costs no call to anyone.
 */
export function createIssuersVerifier(verifiers: Readonly<Record<string, TokenVerifier>>): TokenVerifier {
  const byIssuer = new Map(Object.entries(verifiers));
  return async (token) => {
    let iss: unknown;
    try {
      iss = decodeJwt(token).iss;
    } catch {
      throw unauthorized('The access token is malformed.');
    }
    const verify = typeof iss === 'string' ? byIssuer.get(iss) : undefined;
    if (!verify) throw unauthorized('The access token was issued by an issuer this API does not trust.');
    return verify(token);
  };
}

function describe(error: unknown): string {
  if (error instanceof joseErrors.JWTExpired) return 'The access token has expired.';
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    if (error.claim === 'nbf') return 'The access token is not valid yet.';
    if (error.claim === 'iss') return 'The access token was issued by an issuer this API does not trust.';
    if (error.claim === 'aud') return 'The access token is for another audience.';
    return 'The access token is missing a required claim.';
  }
  if (error instanceof joseErrors.JOSEAlgNotAllowed)
    return 'The access token is signed with an algorithm this API does not accept.';
  if (error instanceof joseErrors.JWKSNoMatchingKey) return 'The access token is signed with an unknown key.';
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return 'The access token signature is invalid.';
  return 'The access token is malformed.';
}
