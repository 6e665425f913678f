import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSignIn } from '../../web/auth.js';
import { parseWebConfig } from '../../web/config.js';

// Entra's v2.0 endpoints refuse the RFC 8707 `resource` parameter (AADSTS901002) and name the API
// in a scope instead (`api://<Application ID URI>/<scope>`); the local provider needs `resource`.
// A loopback discovery document stands in for the issuer: only the authorization URL is checked.
let server: Server;
let issuer: string;

beforeAll(async () => {
  server = createServer((_request, response) => {
    response.setHeader('content-type', 'application/json');
    response.end(
      JSON.stringify({
        issuer,
        authorization_endpoint: `${issuer}/oauth2/v2.0/authorize`,
        token_endpoint: `${issuer}/oauth2/v2.0/token`,
        jwks_uri: `${issuer}/discovery/v2.0/keys`,
        response_types_supported: ['code'],
        subject_types_supported: ['pairwise'],
        id_token_signing_alg_values_supported: ['RS256'],
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}/tenant/v2.0`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function settings(extra: Record<string, string> = {}) {
  return {
    WEB_API_BASE_URL: 'https://func-doorstep-prod.azurewebsites.net/api',
    WEB_ORIGIN: 'https://report.council.example',
    OIDC_ISSUER: issuer,
    OIDC_AUDIENCE: '00000000-0000-4000-8000-00000000a0d1',
    WEB_OIDC_CLIENT_ID: 'site',
    WEB_OIDC_CLIENT_SECRET: 'secret',
    WEB_SESSION_KEY: randomBytes(32).toString('base64'),
    ...extra,
  };
}

describe('the sign-in request the website sends', () => {
  it('when the resource indicator is not switched on (Entra), then no `resource` parameter is sent and the scopes name the API', async () => {
    const config = parseWebConfig(settings({ WEB_OIDC_SCOPES: 'openid profile email api://doorstep/doorstep' }));
    const url = new URL((await startSignIn(config)).url);
    expect(url.searchParams.has('resource')).toBe(false);
    expect(url.searchParams.get('scope')).toBe('openid profile email api://doorstep/doorstep');
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
  });

  it('when the resource indicator is switched on (the local provider), then the API audience is sent as `resource`', async () => {
    const config = parseWebConfig(settings({ WEB_OIDC_RESOURCE_INDICATOR: 'true' }));
    const url = new URL((await startSignIn(config)).url);
    expect(url.searchParams.get('resource')).toBe('00000000-0000-4000-8000-00000000a0d1');
  });

  it('when the staff sign-in has scopes of its own, then the staff client asks for those, not the residents’', async () => {
    const config = parseWebConfig(
      settings({
        WEB_OIDC_SCOPES: 'openid profile email api://doorstep/doorstep',
        WEB_STAFF_OIDC_ISSUER: issuer,
        WEB_STAFF_OIDC_CLIENT_ID: 'staff-pages',
        WEB_STAFF_OIDC_CLIENT_SECRET: 'secret',
        WEB_STAFF_OIDC_SCOPES: 'openid profile api://00000000-0000-4000-8000-0000000077a0/access_as_user',
      }),
    );
    const staffOidc = config.staffOidc;
    if (!staffOidc) expect.unreachable('the staff sign-in was configured');
    const url = new URL((await startSignIn({ ...config, oidc: staffOidc })).url);
    expect(url.searchParams.get('scope')).toBe(
      'openid profile api://00000000-0000-4000-8000-0000000077a0/access_as_user',
    );
    expect(url.searchParams.get('client_id')).toBe('staff-pages');
    expect(url.searchParams.has('resource')).toBe(false);
  });
});
