/**
 * Contract: Entra app-only (client credentials) access tokens as the API reads them
 * (decision 1103), checked with the verifier the app uses, signed here with a key this test
 * serves over real HTTP; and the local provider's client credentials tokens, which
 * `npm run records` uses, shaped the same way.
 *
 * Sources (MicrosoftDocs/entra-docs):
 * - docs/identity-platform/access-token-claims-reference.md @003f1aad061e882b17e07cfa8c7ec008d0385c3e:
 *   `scp` "Only included for user tokens"; `roles` "The client credential flow uses this set of
 *   permission in place of user scopes for application tokens"; `oid` "the verified identity of
 *   the user or service principal"; `azp` (v2.0 only) "A replacement for `appid`" (v1.0 only)
 *   "The application can act as itself or on behalf of a user"; `azpacr` "1" for a client secret.
 * - docs/identity-platform/optional-claims-reference.md @03376f160621e486a19e06ac25bec682ced4fd61:
 *   `idtyp` "The value is `app` when the token is an app-only token. This claim is the most accurate
 *   way for an API to determine if a token is an app token or an app+user token"; "By default it's
 *   only emitted for app-only tokens" once the resource sets the optional claim; `include_user_token`
 *   emits it for user tokens too.
 * - docs/identity-platform/access-tokens.md @0bbfa8a3b9832cfcf180599b762231b4296c6d3d: v1.0 tokens are
 *   issued by https://sts.windows.net/{tid}/, v2.0 by https://login.microsoftonline.com/{tid}/v2.0.
 */
import { HttpRequest } from '@azure/functions';
import { decodeJwt, SignJWT, type CryptoKey } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../shared/errors.js';
import { authenticate, type Principal } from '../../shared/identity/principal.js';
import { createTokenVerifier, type TokenVerifier } from '../../shared/identity/token-verifier.js';
import { documentForRecords, recordsAppRole, type RecordsDeps } from '../../shared/records/records.js';
import {
  localAppClients,
  requestClientCredentialsToken,
  requestDevToken,
  startIdentityProvider,
  type IdentityProvider,
} from '../../local/identity/provider.js';
import { entraIssuersVerifier, startLoopbackJwks, type LoopbackJwks } from '../support/jwks-server.js';

const tenant = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const api = '6e74172b-be56-4843-9ff4-e66a39bb12e3';
/** The records system's app registration (client id) and its service principal's object id in this tenant. */
const recordsClientId = 'b5a0f1d2-3c4e-4f60-8a7b-9c0d1e2f3a4b';
const recordsObjectId = '1c9e4d2a-7b3f-4e58-a6d0-2f8b5c1e9a37';
const workforce = { issuer: `https://login.microsoftonline.com/${tenant}/v2.0`, audience: api, tenantId: tenant };
const residentTenant = '3f0c2a91-7d4e-4b6a-9c1f-5e8d2b7a0c41';
const resident = { issuer: `https://doorstepresidents.ciamlogin.com/${residentTenant}/v2.0`, audience: api };

/** A v2.0 client credentials token as the claims reference describes one: no scp, roles, sub = oid. */
const appOnlyV2 = {
  aud: api,
  iss: workforce.issuer,
  azp: recordsClientId,
  azpacr: '1',
  idtyp: 'app',
  oid: recordsObjectId,
  roles: [recordsAppRole],
  sub: recordsObjectId,
  tid: tenant,
  ver: '2.0',
} as const;

let jwks: LoopbackJwks;
let key: CryptoKey;
let verify: TokenVerifier;

beforeAll(async () => {
  jwks = await startLoopbackJwks();
  key = jwks.key;
  verify = entraIssuersVerifier(jwks, resident, workforce, { appTokens: true });
});
afterAll(() => jwks.close());

const now = () => Math.floor(Date.now() / 1000);
const sign = (claims: Record<string, unknown>) =>
  new SignJWT({ ...claims, iat: now(), nbf: now(), exp: now() + 600 })
    .setProtectedHeader({ alg: 'RS256', kid: 'entra-shaped', typ: 'JWT' })
    .sign(key);

const request = (token: string) =>
  new HttpRequest({
    url: 'http://localhost/api/records/documents/x',
    method: 'GET',
    headers: { authorization: `Bearer ${token}` },
  });

async function refusal(attempt: Promise<unknown>): Promise<string> {
  try {
    await attempt;
  } catch (error) {
    if (error instanceof AppError) return `${error.code}: ${error.detail ?? ''}`;
    throw error;
  }
  throw new Error('the token was accepted');
}

/** The records use case with plain fakes: only who may call is under test here. */
const recordsDeps: RecordsDeps = {
  documents: {
    get: () =>
      Promise.resolve({
        id: 'd1',
        ownerId: 'alice',
        purpose: 'evidence',
        status: 'available',
        blobName: 'evidence/d1',
        fileName: 'tenancy.pdf',
        declaredType: 'application/pdf',
        declaredSize: 10,
        createdAt: '2026-11-30T00:00:00.000Z',
      } as never),
    replace: () => Promise.reject(new Error('not used')),
  },
  blobs: { downloadUrl: () => Promise.resolve('http://x') },
  accessLog: { record: () => Promise.resolve() },
  requestsWithPhoto: () => Promise.resolve([]),
  recordsPrincipal: recordsObjectId,
  blobHolds: undefined,
  now: () => new Date(),
};
const asRecords = (p: Principal) => documentForRecords('00000000-0000-4000-8000-000000000001', p, recordsDeps);

describe('app-only tokens from the workforce directory', () => {
  it('when the records system presents its v2.0 client credentials token, then it is the records system: an app, named by oid, with its app role and no person role', async () => {
    const principal = await authenticate(request(await sign(appOnlyV2)), verify, { apps: true });
    expect(principal).toEqual({
      sub: recordsObjectId,
      issuer: 'workforce',
      roles: new Set(),
      app: { clientId: recordsClientId, appRoles: new Set([recordsAppRole]) },
    });
    await expect(asRecords(principal)).resolves.toMatchObject({ documentId: 'd1' });
  });

  it('when the API registration does not emit idtyp, then a token without scp is still an app, never a person', async () => {
    const { idtyp: _omitted, ...withoutIdtyp } = appOnlyV2;
    const principal = await authenticate(request(await sign(withoutIdtyp)), verify, { apps: true });
    expect(principal.app?.clientId).toBe(recordsClientId);
    expect(await refusal(authenticate(request(await sign(withoutIdtyp)), verify))).toMatch(/^forbidden:/);
  });

  it('when an app token is granted workforce roles, then it holds none of them: staff power is for people', async () => {
    const principal = await authenticate(
      request(await sign({ ...appOnlyV2, roles: ['staff', 'admin', recordsAppRole] })),
      verify,
      { apps: true },
    );
    expect(principal.roles.size).toBe(0);
  });

  it('when a person signed in to the records system’s own client calls, then it is not the records system', async () => {
    // A delegated token for the same app: azp is the records client, but a user is behind it (scp, idtyp user).
    const userToken = await sign({
      ...appOnlyV2,
      idtyp: 'user',
      scp: 'access_as_user',
      oid: recordsObjectId,
      sub: 'pairwise-subject',
      roles: [recordsAppRole],
    });
    const principal = await authenticate(request(userToken), verify, { apps: true });
    expect(principal.app).toBeUndefined();
    expect(await refusal(asRecords(principal))).toMatch(/^forbidden:/);
  });

  it('when an app token lacks Records.Fetch, or is another app’s, then the records endpoints refuse it', async () => {
    const noRole = await authenticate(request(await sign({ ...appOnlyV2, roles: [] })), verify, { apps: true });
    expect(await refusal(asRecords(noRole))).toMatch(/^forbidden:/);
    const other = '9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a';
    const another = await authenticate(request(await sign({ ...appOnlyV2, oid: other, sub: other })), verify, {
      apps: true,
    });
    expect(await refusal(asRecords(another))).toMatch(/^forbidden:/);
  });

  it('when an app token is sent to a route for people, then 403', async () => {
    expect(await refusal(authenticate(request(await sign(appOnlyV2)), verify))).toMatch(/^forbidden:/);
  });

  it('when a token says app-only but carries delegated scopes, or names an unknown identity type, then 401', async () => {
    expect(await refusal(verify(await sign({ ...appOnlyV2, scp: 'access_as_user' })))).toMatch(
      /^unauthorized: .*delegated scopes/,
    );
    expect(await refusal(verify(await sign({ ...appOnlyV2, idtyp: 'device' })))).toMatch(/^unauthorized:/);
  });

  it('when a v1.0 app token (sts.windows.net issuer, appid) is sent, then 401: the API registration must ask for v2.0 tokens', async () => {
    const { azp: _azp, azpacr: _azpacr, ...rest } = appOnlyV2;
    const v1 = await sign({ ...rest, iss: `https://sts.windows.net/${tenant}/`, appid: recordsClientId, ver: '1.0' });
    expect(await refusal(verify(v1))).toMatch(/^unauthorized: .*issuer/);
  });

  it('when the app token is from another tenant, then 401', async () => {
    expect(await refusal(verify(await sign({ ...appOnlyV2, tid: '00000000-0000-4000-8000-000000000000' })))).toMatch(
      /^unauthorized: .*tenant/,
    );
  });
});

describe('app-only tokens from the resident directory', () => {
  it('when the resident directory issues an app-only token, then 401 whatever it names or claims', async () => {
    const token = await sign({ ...appOnlyV2, iss: resident.issuer, tid: residentTenant });
    expect(await refusal(verify(token))).toMatch(/^unauthorized: App-only/);
  });
});

describe('the local workforce issuer’s client credentials grant', () => {
  let workforceIdp: IdentityProvider;
  let residentIdp: IdentityProvider;
  beforeAll(async () => {
    workforceIdp = await startIdentityProvider({ audience: 'api://doorstep', population: 'workforce' });
    residentIdp = await startIdentityProvider({ audience: 'api://doorstep', population: 'resident' });
  });
  afterAll(async () => {
    await workforceIdp.close();
    await residentIdp.close();
  });

  it('when the records system signs in with its client id and secret, then its token is shaped as Entra’s app-only v2.0 token and is accepted as the records system', async () => {
    const token = await requestClientCredentialsToken(workforceIdp.issuer, localAppClients.recordsSystem);
    const claims = decodeJwt(token);
    expect(claims).toMatchObject({
      idtyp: 'app',
      ver: '2.0',
      azp: localAppClients.recordsSystem.id,
      azpacr: '1',
      oid: localAppClients.recordsSystem.oid,
      sub: localAppClients.recordsSystem.oid,
      roles: [recordsAppRole],
      aud: 'api://doorstep',
    });
    expect(claims.scp).toBeUndefined();
    const verifier = createTokenVerifier({
      issuer: workforceIdp.issuer,
      audience: 'api://doorstep',
      population: 'workforce',
      subjectClaim: 'oid',
      appTokens: true,
      timeoutMs: 5000,
    });
    const principal = await authenticate(request(token), verifier, { apps: true });
    expect(principal.app?.appRoles.has(recordsAppRole)).toBe(true);
    await expect(
      documentForRecords('00000000-0000-4000-8000-000000000001', principal, {
        ...recordsDeps,
        recordsPrincipal: localAppClients.recordsSystem.oid,
      }),
    ).resolves.toMatchObject({ documentId: 'd1' });
  });

  it('when the secret is wrong, or the resident issuer is asked, then no token', async () => {
    await expect(
      requestClientCredentialsToken(workforceIdp.issuer, { ...localAppClients.recordsSystem, secret: 'guess' }),
    ).rejects.toThrow(/invalid_client/);
    await expect(requestClientCredentialsToken(residentIdp.issuer, localAppClients.recordsSystem)).rejects.toThrow(
      /token request failed/,
    );
  });

  it('when a test asks the dev grant for an app token, then it has idtyp app, the asked app roles and no scp', async () => {
    const claims = decodeJwt(
      await requestDevToken(workforceIdp.issuer, 'another-app', [recordsAppRole], { app: true }),
    );
    expect(claims).toMatchObject({ idtyp: 'app', sub: 'another-app', oid: 'another-app', roles: [recordsAppRole] });
    expect(claims.scp).toBeUndefined();
  });
});
