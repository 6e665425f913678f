/**
 * Token validation against an issuer this test controls (discovery + JWKS over
 * real HTTP), so that each attack can be signed exactly as an attacker would.
 */
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../shared/errors.js';
import { decodeProtectedHeader, decodeJwt } from 'jose';
import { requestDevToken, startIdentityProvider, type IdentityProvider } from '../../local/identity/provider.js';
import {
  createTokenVerifier,
  failedDiscoveryCacheMs,
  type TokenVerifier,
} from '../../shared/identity/token-verifier.js';

let server: Server;
let issuer: string;
let key: CryptoKey;
let publicJwk: JWK;
let verify: TokenVerifier;
const audience = 'api://doorstep';

beforeAll(async () => {
  const pair = await generateKeyPair('RS256', { extractable: true });
  key = pair.privateKey;
  publicJwk = { ...(await exportJWK(pair.publicKey)), kid: 'trusted', alg: 'RS256', use: 'sig' };
  server = createServer((req, res) => {
    if (req.url === '/.well-known/openid-configuration') {
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ issuer, jwks_uri: `${issuer}/jwks` }));
    } else if (req.url === '/jwks') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [publicJwk] }));
    } else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  verify = createTokenVerifier({ issuer, audience, timeoutMs: 2000 });
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const now = () => Math.floor(Date.now() / 1000);
const sign = (
  claims: Record<string, unknown> = {},
  header: Record<string, unknown> = {},
  signingKey: CryptoKey = key,
) =>
  // Shaped as Entra's v2.0 access tokens: header typ JWT, the client in azp.
  new SignJWT({ roles: ['resident'], ver: '2.0', azp: 'doorstep-web', ...claims })
    .setProtectedHeader({ alg: 'RS256', kid: 'trusted', typ: 'JWT', ...header })
    .setIssuer((claims.iss as string | undefined) ?? issuer)
    .setAudience((claims.aud as string | undefined) ?? audience)
    .setSubject('alice')
    .setIssuedAt((claims.iat as number | undefined) ?? now())
    .setExpirationTime((claims.exp as number | undefined) ?? now() + 600)
    .sign(signingKey);

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

async function rejection(token: string): Promise<AppError> {
  try {
    await verify(token);
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('token was accepted');
}

describe('bearer token validation', () => {
  it('accepts a good token and reads its roles', async () => {
    const verified = await verify(await sign({ roles: ['staff'] }));
    expect(verified).toMatchObject({ sub: 'alice', roles: ['staff'] });
  });

  it('accepts a token issued slightly in the future (clock skew)', async () => {
    await expect(verify(await sign({ iat: now() + 30 }))).resolves.toBeDefined();
  });

  const attacks: [string, () => Promise<string>, RegExp][] = [
    [
      'alg none',
      async () =>
        `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: 'alice', iss: issuer, aud: audience, exp: now() + 600, iat: now(), roles: ['admin'] })}.`,
      /algorithm|malformed/,
    ],
    [
      'HS256 signed with the public key (key confusion)',
      async () => {
        const head = b64({ alg: 'HS256', typ: 'JWT', kid: 'trusted' });
        const body = b64({ sub: 'alice', iss: issuer, aud: audience, exp: now() + 600, iat: now(), roles: ['admin'] });
        const mac = createHmac('sha256', JSON.stringify(publicJwk)).update(`${head}.${body}`).digest('base64url');
        return `${head}.${body}.${mac}`;
      },
      /algorithm/,
    ],
    ['an unknown kid', async () => sign({}, { kid: 'attacker' }), /unknown key/],
    [
      'a key the issuer never published',
      async () => sign({}, {}, (await generateKeyPair('RS256')).privateKey),
      /signature/,
    ],
    [
      'a tampered payload',
      async () => {
        const [h, , s] = (await sign()).split('.');
        return `${h ?? ''}.${b64({ sub: 'mallory', iss: issuer, aud: audience, exp: now() + 600, iat: now(), roles: ['admin'] })}.${s ?? ''}`;
      },
      /signature/,
    ],
    ['another issuer', async () => sign({ iss: 'https://evil.example' }), /issuer/],
    ['another audience', async () => sign({ aud: 'api://something-else' }), /audience/],
    ['an expired token', async () => sign({ exp: now() - 120, iat: now() - 900 }), /expired/],
    ['a token not valid yet', async () => sign({ nbf: now() + 600, exp: now() + 1200 }), /not valid yet/],
    [
      'a token without a subject',
      async () =>
        new SignJWT({})
          .setProtectedHeader({ alg: 'RS256', kid: 'trusted' })
          .setIssuer(issuer)
          .setAudience(audience)
          .setIssuedAt()
          .setExpirationTime(now() + 600)
          .sign(key),
      /claim/,
    ],
    ['garbage', async () => 'not.a.jwt', /malformed/],
    // #13 item 8: an ID token minted for a front end sharing the API's registration
    // has the right issuer, audience and signature; it must still not pass.
    [
      'an Entra-shaped ID token (nonce, no azp) for the same audience',
      async () =>
        sign({ azp: undefined, nonce: 'n-0S6_WzA2Mj', name: 'Alice', preferred_username: 'alice@example.com' }),
      /ID token|names no client/,
    ],
    ['an ID token that carries at_hash', async () => sign({ at_hash: 'HK6E_P6Dh8Y93mRNtsDB1Q' }), /ID token/],
    ['a token with no authorised party at all', async () => sign({ azp: undefined }), /names no client/],
    [
      'a token whose header says it is something else',
      async () => sign({}, { typ: 'logout+jwt' }),
      /not an access token/,
    ],
    ['a token with no typ header', async () => sign({}, { typ: undefined }), /not an access token/],
    ['an app-only token (idtyp app)', async () => sign({ idtyp: 'app' }), /App-only/],
  ];

  for (const [name, make, reason] of attacks) {
    it(`rejects ${name} with 401 and a WWW-Authenticate challenge`, async () => {
      const error = await rejection(await make());
      expect(error.status).toBe(401);
      expect(error.detail).toMatch(reason);
      expect(error.extras.headers?.['www-authenticate']).toMatch(/^Bearer realm="doorstep", error="invalid_token"/);
    });
  }
});

describe('bearer tokens the verifier accepts', () => {
  it('when a v1.0 Entra access token names its client in appid, or an RFC 9068 one in client_id with typ at+jwt, then it is accepted', async () => {
    await expect(verify(await sign({ azp: undefined, appid: 'doorstep-web', ver: '1.0' }))).resolves.toBeDefined();
    await expect(
      verify(await sign({ azp: undefined, client_id: 'doorstep-web' }, { typ: 'at+jwt' })),
    ).resolves.toBeDefined();
    await expect(verify(await sign({ idtyp: 'user' }))).resolves.toBeDefined();
  });
});

describe('against the local OpenID provider (local/identity)', () => {
  let provider: IdentityProvider;
  beforeAll(async () => {
    provider = await startIdentityProvider({ audience });
  });
  afterAll(() => provider.close());

  it('when it mints an access token, then it looks like Entra v2.0 (typ JWT, azp, scp, ver) and the verifier accepts it', async () => {
    const token = await requestDevToken(provider.issuer, 'alice', ['resident']);
    expect(decodeProtectedHeader(token).typ).toBe('JWT');
    const claims = decodeJwt(token);
    expect(claims).toMatchObject({ ver: '2.0', azp: 'doorstep-dev-cli', scp: 'doorstep', aud: audience });
    expect(claims.client_id).toBeUndefined();
    const local = createTokenVerifier({ issuer: provider.issuer, audience, timeoutMs: 2000 });
    await expect(local(token)).resolves.toMatchObject({ sub: 'alice', roles: ['resident'] });
  });
});

describe('discovery failures', () => {
  it('when discovery fails, then calls within the cache window do not refetch; after it, discovery is tried again', async () => {
    let clock = 1_000_000;
    let fetches = 0;
    const failing = createTokenVerifier({
      issuer,
      audience,
      timeoutMs: 2000,
      now: () => clock,
      fetch: () => {
        fetches += 1;
        return Promise.resolve(new Response('down', { status: 503 }));
      },
    });
    const token = await sign();
    for (let i = 0; i < 5; i++) {
      const error = await failing(token).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).status).toBe(503);
    }
    expect(fetches).toBe(1);
    clock += failedDiscoveryCacheMs;
    await failing(token).catch(() => undefined);
    expect(fetches).toBe(2);
  });
});

describe('verified tokens are remembered until they expire, never longer', () => {
  // The verifier's clock (ms) drives both the cache and jose's checks, so expiry can be stepped over.
  let clock = Date.now();
  const remembering = () => createTokenVerifier({ issuer, audience, timeoutMs: 2000, now: () => clock });

  it('when a token is sent again before its exp, then the first verification is served; from its exp on, it is verified afresh and refused once past the skew', async () => {
    clock = Date.now();
    const verifyAt = remembering();
    const exp = now() + 600;
    const token = await sign({ exp });
    const first = await verifyAt(token);
    clock = exp * 1000 - 1;
    expect(await verifyAt(token)).toBe(first);
    // At exp the remembered result is not served: a fresh verification (still inside the 60 s skew) is.
    clock = exp * 1000;
    const again = await verifyAt(token);
    expect(again).not.toBe(first);
    expect(again).toMatchObject({ sub: 'alice' });
    clock = exp * 1000 + 61_000;
    const error = await verifyAt(token).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).detail).toMatch(/expired/);
  });

  it('when a different token arrives, even one that differs only in its signature, then it is verified afresh', async () => {
    clock = Date.now();
    const verifyAt = remembering();
    const token = await sign({ roles: ['resident'] });
    await verifyAt(token);
    const [h, p, s = ''] = token.split('.');
    const forged = `${h ?? ''}.${p ?? ''}.${s.slice(0, -4)}${s.slice(-4) === 'AAAA' ? 'BBBB' : 'AAAA'}`;
    const error = await verifyAt(forged).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).status).toBe(401);
    await expect(verifyAt(await sign({ roles: ['staff'] }))).resolves.toMatchObject({ roles: ['staff'] });
  });

  it('when a token is refused, then the refusal is not remembered: once it is valid, it is accepted', async () => {
    clock = Date.now();
    const verifyAt = remembering();
    const token = await sign({ nbf: now() + 600, exp: now() + 1200 });
    await expect(verifyAt(token)).rejects.toBeInstanceOf(AppError);
    clock += 600_000;
    await expect(verifyAt(token)).resolves.toMatchObject({ sub: 'alice' });
  });
});
