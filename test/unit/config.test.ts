import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../shared/config.js';

const azure = {
  CosmosDb__accountEndpoint: 'https://doorstep-prod.documents.azure.com:443/',
  ServiceBus__fullyQualifiedNamespace: 'doorstep-prod.servicebus.windows.net',
  Storage__blobServiceUri: 'https://doorstepprod.blob.core.windows.net',
  OIDC_ISSUER: 'https://doorstep.ciamlogin.com/tenant-id/v2.0',
  OIDC_AUDIENCE: 'api://doorstep',
  COUNCIL_BOUNDARY: '-2.72,51.40,-2.50,51.54',
  GOVUK_PAY_API_KEY: '@Microsoft.KeyVault(VaultName=kv;SecretName=govuk-pay-api-key)',
  GOVUK_PAY_WEBHOOK_SIGNING_SECRET: '@Microsoft.KeyVault(VaultName=kv;SecretName=govuk-pay-webhook-signing-secret)',
  PAYMENT_RETURN_URL: 'https://council.example/pay/return',
  GOVUK_NOTIFY_API_KEY: '@Microsoft.KeyVault(VaultName=kv;SecretName=govuk-notify-api-key)',
  GOVUK_NOTIFY_TEMPLATES: '{"status-changed":{"email":"0b4f2c1e-7a3d-4e58-9b6c-1d2e3f4a5b01"}}',
  MY_ACCOUNT_URL: 'https://council.example/my-account',
};

const local = {
  CosmosDb: 'AccountEndpoint=http://127.0.0.1:8081/;AccountKey=a2V5;',
  ServiceBus:
    'Endpoint=sb://127.0.0.1:5672;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=SAS_KEY_VALUE;UseDevelopmentEmulator=true;',
  Storage:
    'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=a2V5;BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;',
  OIDC_ISSUER: 'http://127.0.0.1:7072',
  OIDC_AUDIENCE: 'api://doorstep',
  COUNCIL_BOUNDARY:
    '{"type":"Polygon","coordinates":[[[-2.72,51.40],[-2.50,51.40],[-2.50,51.54],[-2.72,51.54],[-2.72,51.40]]]}',
  GOVUK_PAY_BASE_URL: 'http://127.0.0.1:7073',
  GOVUK_PAY_API_KEY: 'api_test_local',
  GOVUK_PAY_WEBHOOK_SIGNING_SECRET: 'local',
  PAYMENT_RETURN_URL: 'http://127.0.0.1:3000/pay/return',
  GOVUK_NOTIFY_API_KEY: 'local-6c1f4a52-3b7e-4d0a-9c5e-2f8b1d7a9e30-d2b1c7e9-58af-4e36-a1f0-94c3b6e2d785',
  MY_ACCOUNT_URL: 'http://127.0.0.1:3000/my-account',
};

describe('parseConfig', () => {
  it('reads the GOV.UK Notify template ids, and refuses ids that are not UUIDs', () => {
    expect(parseConfig(azure).notifications.templates).toEqual({
      'status-changed': { email: '0b4f2c1e-7a3d-4e58-9b6c-1d2e3f4a5b01' },
    });
    expect(() => parseConfig({ ...azure, GOVUK_NOTIFY_TEMPLATES: '{"status-changed":{"email":"welcome"}}' })).toThrow(
      /GOVUK_NOTIFY_TEMPLATES/,
    );
    expect(() => parseConfig({ ...azure, GOVUK_NOTIFY_TEMPLATES: '{"bin-day":{}}' })).toThrow(/GOVUK_NOTIFY_TEMPLATES/);
  });

  it('when identity-based endpoints are set, then every connection uses managed identity', () => {
    const config = parseConfig(azure);
    expect(config.cosmos).toMatchObject({
      kind: 'identity',
      endpoint: azure.CosmosDb__accountEndpoint,
      database: 'doorstep',
    });
    expect(config.serviceBus).toMatchObject({ kind: 'identity', endpoint: azure.ServiceBus__fullyQualifiedNamespace });
    expect(config.blob).toMatchObject({ kind: 'identity', endpoint: azure.Storage__blobServiceUri });
    expect(config.dependencyTimeoutMs).toBe(3000);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('when loopback emulator connection strings are set, then they are used', () => {
    const config = parseConfig(local);
    expect(config.cosmos).toMatchObject({ kind: 'emulator', endpoint: 'http://127.0.0.1:8081/' });
    expect(config.serviceBus.kind).toBe('emulator');
    expect(config.blob).toMatchObject({ kind: 'emulator', endpoint: 'http://127.0.0.1:10000/devstoreaccount1' });
    expect(config.payments).toMatchObject({
      baseUrl: 'http://127.0.0.1:7073',
      returnUrl: 'http://127.0.0.1:3000/pay/return',
    });
  });

  it('when a connection string points at a real account, then it is refused (no keys in app settings)', () => {
    const withKey = {
      ...azure,
      CosmosDb__accountEndpoint: undefined,
      CosmosDb: 'AccountEndpoint=https://prod.documents.azure.com:443/;AccountKey=c2VjcmV0;',
    };
    expect(() => parseConfig(withKey)).toThrow(ConfigError);
    expect(() => parseConfig(withKey)).toThrow(/CosmosDb__accountEndpoint/);
  });

  it('when settings are missing or malformed, then every problem is named at once', () => {
    try {
      parseConfig({ OIDC_ISSUER: 'not a url', DEPENDENCY_TIMEOUT_MS: '5' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const issues = (error as ConfigError).issues.join('\n');
      expect(issues).toMatch(/OIDC_ISSUER/);
      expect(issues).toMatch(/OIDC_AUDIENCE/);
      expect(issues).toMatch(/DEPENDENCY_TIMEOUT_MS/);
      expect(issues).toMatch(/CosmosDb__accountEndpoint/);
      expect(issues).toMatch(/ServiceBus__fullyQualifiedNamespace/);
      expect(issues).toMatch(/Storage__blobServiceUri/);
      expect(issues).toMatch(/COUNCIL_BOUNDARY/);
      expect(issues).toMatch(/GOVUK_PAY_API_KEY/);
      expect(issues).toMatch(/PAYMENT_RETURN_URL/);
    }
  });
});
