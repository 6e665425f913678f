/**
 * A signing key served over real HTTP on loopback, as a directory serves its JWKS, for contract tests
 * that check Entra-shaped tokens with the verifier the app uses (its `fetch` answers discovery).
 */
import { exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createIssuersVerifier,
  createTokenVerifier,
  type TokenVerifier,
} from '../../shared/identity/token-verifier.js';

export interface LoopbackJwks {
  /** Signs the test's tokens. */
  readonly key: CryptoKey;
  readonly publicJwk: JWK;
  readonly jwksUri: string;
  /** A `fetch` for the verifier: the issuer's discovery document, pointing at this server's keys. */
  readonly discovery: (issuer: string) => () => Promise<Response>;
  readonly close: () => Promise<void>;
}

export async function startLoopbackJwks(kid = 'entra-shaped'): Promise<LoopbackJwks> {
  const pair = await generateKeyPair('RS256', { extractable: true });
  const publicJwk: JWK = { ...(await exportJWK(pair.publicKey)), kid, alg: 'RS256', use: 'sig' };
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [publicJwk] }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const jwksUri = `http://127.0.0.1:${(server.address() as AddressInfo).port}/keys`;
  return {
    key: pair.privateKey,
    publicJwk,
    jwksUri,
    discovery: (issuer) => () => Promise.resolve(Response.json({ issuer, jwks_uri: jwksUri })),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/**
 * The app's verifier over the two issuers (decisions 1000, 1001) as Entra shapes them, `oid` the
 * subject, each issuer's keys from `jwks`; `appTokens` lets the workforce issuer's app-only tokens in.
 */
export function entraIssuersVerifier(
  jwks: LoopbackJwks,
  resident: { readonly issuer: string; readonly audience: string },
  workforce: { readonly issuer: string; readonly audience: string; readonly tenantId: string },
  options: { readonly appTokens?: boolean } = {},
): TokenVerifier {
  return createIssuersVerifier({
    [resident.issuer]: createTokenVerifier({
      ...resident,
      population: 'resident',
      subjectClaim: 'oid',
      timeoutMs: 2000,
      fetch: jwks.discovery(resident.issuer),
    }),
    [workforce.issuer]: createTokenVerifier({
      ...workforce,
      population: 'workforce',
      subjectClaim: 'oid',
      ...(options.appTokens ? { appTokens: true } : {}),
      timeoutMs: 2000,
      fetch: jwks.discovery(workforce.issuer),
    }),
  });
}
