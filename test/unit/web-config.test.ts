import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseWebConfig, WebConfigError } from '../../web/config.js';

const valid = {
  WEB_API_BASE_URL: 'https://func-doorstep-prod.azurewebsites.net/api/',
  WEB_ORIGIN: 'https://report.council.example',
  OIDC_ISSUER: 'https://login.council.example/tenant/v2.0',
  OIDC_AUDIENCE: 'api://doorstep',
  WEB_OIDC_CLIENT_ID: 'site',
  WEB_OIDC_CLIENT_SECRET: 'secret',
  WEB_SESSION_KEY: randomBytes(32).toString('base64'),
  WEB_FORM_ACTION_ORIGINS: 'https://card.payments.service.gov.uk',
};

describe("the website's configuration", () => {
  it('when every setting is valid, then the redirect URI is built from the site’s origin and the API URL loses its trailing slash', () => {
    const config = parseWebConfig(valid);
    expect(config.oidc.redirectUri).toBe('https://report.council.example/auth/callback');
    expect(config.apiBaseUrl).toBe('https://func-doorstep-prod.azurewebsites.net/api');
    expect(config.formActionOrigins).toEqual(['https://card.payments.service.gov.uk']);
    expect(config.insecureIssuer).toBe(false);
  });

  it('when a URL is plain http off loopback, then it is refused', () => {
    expect(() => parseWebConfig({ ...valid, OIDC_ISSUER: 'http://login.council.example' })).toThrow(/OIDC_ISSUER/);
    expect(parseWebConfig({ ...valid, OIDC_ISSUER: 'http://127.0.0.1:7072' }).insecureIssuer).toBe(true);
  });

  it('when the session key is not 32 bytes or a Key Vault reference was not resolved, then every problem is named', () => {
    try {
      parseWebConfig({
        ...valid,
        WEB_SESSION_KEY: 'short',
        WEB_OIDC_CLIENT_SECRET: '@Microsoft.KeyVault(SecretName=x)',
      });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(WebConfigError);
      expect((error as WebConfigError).issues.join('\n')).toMatch(/WEB_SESSION_KEY/);
    }
    expect(() => parseWebConfig({ ...valid, WEB_OIDC_CLIENT_SECRET: '@Microsoft.KeyVault(SecretName=x)' })).toThrow(
      /WEB_OIDC_CLIENT_SECRET: the Key Vault reference was not resolved/,
    );
  });

  it('when an origin list holds a URL with a path, then it is refused', () => {
    expect(() =>
      parseWebConfig({ ...valid, WEB_UPLOAD_ORIGINS: 'https://st.blob.core.windows.net/documents' }),
    ).toThrow(/WEB_UPLOAD_ORIGINS/);
  });
});
