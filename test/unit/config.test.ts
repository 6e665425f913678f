import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig, parseEmulatorConnectionString } from '../../shared/config.js';
import { azure, issuesOf } from '../support/config.js';

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

  // #13 item 7: config read keys case-insensitively with the last duplicate winning; the SDKs
  // read case-sensitively (storage-blob: the first key starting with the name, utils.common.js
  // getValueInConnString; core-amqp and cosmos: the last exact key, util/utils.js and
  // common/helper.js parseConnectionString in the installed SDKs).
  it('when a storage connection string hides a real account behind a lower-case duplicate endpoint, then it is refused', () => {
    const bypass =
      'DefaultEndpointsProtocol=https;AccountName=stdoorstepprod;AccountKey=cmVhbA==;EndpointSuffix=core.windows.net;blobendpoint=http://127.0.0.1:1';
    const issues = issuesOf({ ...local, Storage: bypass });
    expect(issues).toMatch(/^Storage is not a connection string Doorstep accepts/m);
    expect(issuesOf({ ...local, Storage: `${local.Storage}blobendpoint=http://127.0.0.1:1;` })).toMatch(
      /more than once/,
    );
  });

  it('when a Service Bus connection string names a real namespace first and loopback second, then it is refused', () => {
    const bypass =
      'Endpoint=sb://sb-doorstep-prod.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=cmVhbA==;endpoint=sb://127.0.0.1';
    expect(issuesOf({ ...local, ServiceBus: bypass })).toMatch(/^ServiceBus is not a connection string/m);
    // The same key twice in the same case: core-amqp would take the last, storage the first.
    expect(
      issuesOf({ ...local, ServiceBus: `Endpoint=sb://sb-doorstep-prod.servicebus.windows.net/;${local.ServiceBus}` }),
    ).toMatch(/more than once/);
    expect(
      issuesOf({ ...local, CosmosDb: `${local.CosmosDb}AccountEndpoint=https://prod.documents.azure.com/;` }),
    ).toMatch(/more than once/);
  });

  it('when a key is padded, misspelt in case or unknown, then the string is refused rather than read one way', () => {
    for (const bad of [
      'AccountEndpoint=http://127.0.0.1:8081/;Accountkey=a2V5;',
      ' AccountEndpoint=http://127.0.0.1:8081/;AccountKey=a2V5;',
      'AccountEndpoint=http://127.0.0.1:8081/;AccountKey=a2V5;EndpointSuffix=core.windows.net',
      'AccountEndpoint=http://127.0.0.1:8081/;garbage',
    ])
      expect('problem' in parseEmulatorConnectionString('cosmos', bad), bad).toBe(true);
    expect(parseEmulatorConnectionString('cosmos', local.CosmosDb)).toEqual({
      parts: new Map([
        ['AccountEndpoint', 'http://127.0.0.1:8081/'],
        ['AccountKey', 'a2V5'],
      ]),
    });
  });

  it('when the made-up local gazetteer is chosen against Azure resources, then it is refused', () => {
    expect(issuesOf({ ...azure, ADDRESS_LOOKUP: 'local-gazetteer' })).toMatch(
      /ADDRESS_LOOKUP=local-gazetteer is for the local stack/,
    );
    expect(parseConfig({ ...local, ADDRESS_LOOKUP: 'local-gazetteer' }).addressLookup).toBe('local-gazetteer');
    expect(parseConfig(azure).addressLookup).toBe('none');
  });

  it('when UPLOAD_SCANNER=signatures is set against Azure resources, then it is refused', () => {
    expect(issuesOf({ ...azure, UPLOAD_SCANNER: 'signatures' })).toMatch(
      /UPLOAD_SCANNER=signatures is for the local stack/,
    );
    expect(parseConfig({ ...local, UPLOAD_SCANNER: 'signatures' }).uploadScanner).toBe('signatures');
  });

  it('when an issuer or service URL is http outside loopback, then it is refused; loopback http is allowed', () => {
    for (const name of [
      'OIDC_ISSUER',
      'GOVUK_PAY_BASE_URL',
      'GOVUK_NOTIFY_BASE_URL',
      'PAYMENT_RETURN_URL',
      'MY_ACCOUNT_URL',
      'CosmosDb__accountEndpoint',
      'Storage__blobServiceUri',
    ]) {
      const issues = issuesOf({ ...azure, [name]: 'http://doorstep.council.example/x' });
      expect(issues, name).toMatch(new RegExp(`^${name}.*https`, 'm'));
    }
    expect(() => parseConfig(local)).not.toThrow();
    expect(issuesOf({ ...local, OIDC_ISSUER: 'http://localhost:7072' })).toBe('');
    expect(issuesOf({ ...local, OIDC_ISSUER: 'http://127.0.0.1.nip.io:7072' })).toMatch(/OIDC_ISSUER/);
  });

  it('when a setting is still a literal Key Vault reference, then config names it and says how to fix it', () => {
    const issues = issuesOf({
      ...azure,
      GOVUK_PAY_API_KEY: '@Microsoft.KeyVault(VaultName=kv;SecretName=govuk-pay-api-key)',
      GOVUK_NOTIFY_API_KEY: '@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/govuk-notify-api-key/)',
    });
    expect(issues).toMatch(/^GOVUK_PAY_API_KEY is an unresolved Key Vault reference/m);
    expect(issues).toMatch(/^GOVUK_NOTIFY_API_KEY is an unresolved Key Vault reference/m);
    expect(issues).toMatch(/Key Vault Secrets User/);
    expect(issues).not.toMatch(/GOVUK_PAY_WEBHOOK_SIGNING_SECRET/);
  });
});
