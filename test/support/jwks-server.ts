/**
 * A signing key served over real HTTP on loopback, as a directory serves its JWKS, for contract tests
 * that check Entra-shaped tokens with the verifier the app uses (its `fetch` answers discovery).
 */
import { exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

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
