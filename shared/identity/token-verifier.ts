/**
 * Bearer token validation with `jose` against the issuer's OpenID discovery
 * document and its cached JWKS: issuer, audience, signature (asymmetric
 * algorithms only: `none` and HMAC are refused), `kid` known to the JWKS,
 * expiry and not-before with a small clock skew.
 */
import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import { AppError, dependencyUnavailable } from '../errors.js';

/** Entra signs with RS256; the others are accepted should a tenant move to them. */
export const allowedAlgorithms = ['RS256', 'PS256', 'ES256'] as const;
const clockToleranceSeconds = 60;

export interface VerifiedToken {
  readonly sub: string;
  readonly roles: readonly string[];
  readonly payload: JWTPayload;
}

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
  readonly fetch?: typeof fetch;
}

export function createTokenVerifier(options: VerifierOptions): TokenVerifier {
  const doFetch = options.fetch ?? fetch;
  let jwks: Promise<ReturnType<typeof createRemoteJWKSet>> | undefined;

  const discover = async () => {
    const url = new URL('.well-known/openid-configuration', options.issuer.replace(/\/?$/, '/'));
    let response: Response;
    try {
      response = await doFetch(url, { signal: AbortSignal.timeout(options.timeoutMs) });
    } catch (error) {
      throw dependencyUnavailable('The sign-in service', error);
    }
    if (!response.ok) throw dependencyUnavailable('The sign-in service');
    const document = (await response.json()) as { issuer?: string; jwks_uri?: string };
    // The discovery document must describe the issuer we trust (OpenID Connect Discovery 4.3).
    if (document.issuer !== options.issuer || !document.jwks_uri) throw dependencyUnavailable('The sign-in service');
    return createRemoteJWKSet(new URL(document.jwks_uri), {
      timeoutDuration: options.timeoutMs,
      cooldownDuration: 30_000,
      cacheMaxAge: 10 * 60_000,
    });
  };

  return async (token) => {
    jwks ??= discover().catch((error: unknown) => {
      jwks = undefined;
      throw error;
    });
    const keySet = await jwks;
    try {
      const { payload } = await jwtVerify(token, keySet, {
        issuer: options.issuer,
        audience: options.audience,
        algorithms: [...allowedAlgorithms],
        clockTolerance: clockToleranceSeconds,
        requiredClaims: ['sub', 'exp', 'iat'],
      });
      const roles = Array.isArray(payload.roles) ? payload.roles.filter((r): r is string => typeof r === 'string') : [];
      return { sub: payload.sub as string, roles, payload };
    } catch (error) {
      if (error instanceof joseErrors.JWKSTimeout || (error instanceof TypeError && /fetch/i.test(error.message))) {
        throw dependencyUnavailable('The sign-in service', error);
      }
      throw unauthorized(describe(error));
    }
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
