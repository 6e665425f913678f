/**
 * Contract: the two issuers as Entra shapes their tokens (decisions 1000, 1001), checked with
 * the verifier the app uses, signed here with a key this test serves over real HTTP.
 *
 * Sources (MicrosoftDocs/entra-docs):
 * - docs/identity-platform/access-tokens.md @0bbfa8a3b9832cfcf180599b762231b4296c6d3d: the v2.0
 *   sample access token, whose payload `documentedV2` is (iss https://login.microsoftonline.com/{tid}/v2.0,
 *   aud = azp = a client id GUID, oid, tid, pairwise sub, scp, ver 2.0); `accessTokenAcceptedVersion`
 *   2 is what makes an API's tokens v2.0 (null or 1 gives v1.0, issued by https://sts.windows.net/{tid}/);
 *   "Use tid claim when they locate data associated with the subject".
 * - docs/identity-platform/access-token-claims-reference.md @003f1aad061e882b17e07cfa8c7ec008d0385c3e:
 *   `aud` "In v2.0 tokens, this value is always the client ID of the API"; `sub` "a pairwise identifier
 *   that's unique to a particular application ID"; `oid` "Two different applications signing in the
 *   same user receive the same value"; `roles` "the assigned roles of the user on the target application".
 * - docs/identity-platform/custom-extension-overview.md @017f8dd1e51dacbfdf6ffa2f27ff3902549487b5:
 *   issuers "Workforce: https://login.microsoftonline.com/{tenantId}/v2.0", "Customer:
 *   https://{domainName}.ciamlogin.com/{tenantId}/v2.0".
 */
import { SignJWT, type CryptoKey } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../shared/errors.js';
import { principalFor } from '../../shared/identity/principal.js';
import type { TokenVerifier } from '../../shared/identity/token-verifier.js';
import { entraIssuersVerifier, startLoopbackJwks, type LoopbackJwks } from '../support/jwks-server.js';

/** The v2.0 sample's payload as access-tokens.md prints it (time claims replaced at signing). */
const documentedV2 = {
  aud: '6e74172b-be56-4843-9ff4-e66a39bb12e3',
  iss: 'https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0',
  aio: 'AXQAi/8IAAAAtAaZLo3ChMif6KOnttRB7eBq4/DccQzjcJGxPYy/C3jDaNGxXd6wNIIVGRghNRnwJ1lOcAnNZcjvkoyrFxCttv33140RioOFJ4bCCGVuoCag1uOTT22222gHwLPYQ/uf79QX+0KIijdrmp69RctzmQ==',
  azp: '6e74172b-be56-4843-9ff4-e66a39bb12e3',
  azpacr: '0',
  name: 'Abe Lincoln',
  oid: '690222be-ff1a-4d56-abd1-7e4f7d38e474',
  preferred_username: 'abeli@microsoft.com',
  rh: 'I',
  scp: 'access_as_user',
  sub: 'HKZpfaHyWadeOouYlitjrI-KffTm222X5rrV3xDqfKQ',
  tid: '72f988bf-86f1-41af-91ab-2d7cd011db47',
  uti: 'fqiBqXLPj0eQa82S-IYFAA',
  ver: '2.0',
} as const;

const workforce = { issuer: documentedV2.iss, audience: documentedV2.aud, tenantId: documentedV2.tid };
const residentTenant = '3f0c2a91-7d4e-4b6a-9c1f-5e8d2b7a0c41';
const resident = {
  issuer: `https://doorstepresidents.ciamlogin.com/${residentTenant}/v2.0`,
  audience: '0b7c9e11-52a4-4f0e-8d3b-6a1f2e9c4d70',
};

let jwks: LoopbackJwks;
let key: CryptoKey;
let verify: TokenVerifier;

beforeAll(async () => {
  jwks = await startLoopbackJwks();
  key = jwks.key;
  // Discovery as each directory answers it; the keys from this test's server.
  verify = entraIssuersVerifier(jwks, resident, workforce);
});
afterAll(() => jwks.close());

const now = () => Math.floor(Date.now() / 1000);
const sign = (claims: Record<string, unknown>) =>
  new SignJWT({ ...claims, iat: now(), nbf: now(), exp: now() + 600 })
    .setProtectedHeader({ alg: 'RS256', kid: 'entra-shaped', typ: 'JWT' })
    .sign(key);

async function principalOf(token: string) {
  const verified = await verify(token);
  return principalFor(verified.issuer, verified.sub, verified.roles);
}

async function refusal(token: string): Promise<string> {
  try {
    await verify(token);
  } catch (error) {
    if (error instanceof AppError && error.code === 'unauthorized') return error.detail ?? '';
    throw error;
  }
  throw new Error('the token was accepted');
}

describe('Entra access tokens as the API reads them', () => {
  it('when the workforce directory issues its documented v2.0 token with app roles, then the person is staff, named by oid', async () => {
    const principal = await principalOf(await sign({ ...documentedV2, roles: ['staff', 'finance'] }));
    expect(principal).toEqual({ sub: documentedV2.oid, issuer: 'workforce', roles: new Set(['staff', 'finance']) });
  });

  it('when a workforce token names another tenant, then 401', async () => {
    expect(
      await refusal(await sign({ ...documentedV2, tid: '00000000-0000-4000-8000-000000000001', roles: ['staff'] })),
    ).toMatch(/another tenant/);
  });

  it('when an External ID (ciamlogin.com) token carries app roles, then the person is a resident and nothing more', async () => {
    const principal = await principalOf(
      await sign({
        ...documentedV2,
        iss: resident.issuer,
        aud: resident.audience,
        tid: residentTenant,
        roles: ['staff', 'admin', 'operator'],
      }),
    );
    expect(principal).toEqual({ sub: documentedV2.oid, issuer: 'resident', roles: new Set(['resident']) });
  });

  it('when the API app registration still issues v1.0 tokens (sts.windows.net), then 401: it must accept v2.0', async () => {
    expect(
      await refusal(
        await sign({
          ...documentedV2,
          iss: `https://sts.windows.net/${documentedV2.tid}/`,
          ver: '1.0',
          roles: ['staff'],
        }),
      ),
    ).toMatch(/issuer this API does not trust/);
  });

  it('when a token is for the other directory’s audience, then 401', async () => {
    expect(await refusal(await sign({ ...documentedV2, aud: resident.audience, roles: ['staff'] }))).toMatch(
      /another audience/,
    );
  });

  it('when a token carries no oid (no profile scope), then 401 rather than a pairwise sub standing in', async () => {
    const { oid: _oid, ...withoutOid } = documentedV2;
    expect(await refusal(await sign({ ...withoutOid, roles: ['staff'] }))).toMatch(/names no oid/);
  });
});
