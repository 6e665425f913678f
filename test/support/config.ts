/**
 * The API's configuration as Azure hands it to the app, and what the parser refuses in it:
 * for the unit tests of the settings the app reads once at start-up.
 */
import { ConfigError, parseConfig } from '../../shared/config.js';

/** The issues the parser lists for `env`, one per line; empty when it is accepted. */
export const issuesOf = (env: NodeJS.ProcessEnv): string => {
  try {
    parseConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.issues.join('\n');
    throw error;
  }
  return '';
};

/** The required settings as the app sees them in Azure. */
export const azure = {
  CosmosDb__accountEndpoint: 'https://doorstep-prod.documents.azure.com:443/',
  ServiceBus__fullyQualifiedNamespace: 'doorstep-prod.servicebus.windows.net',
  Storage__blobServiceUri: 'https://doorstepprod.blob.core.windows.net',
  OIDC_ISSUER: 'https://doorstep.ciamlogin.com/tenant-id/v2.0',
  OIDC_AUDIENCE: 'api://doorstep',
  COUNCIL_BOUNDARY: '-2.72,51.40,-2.50,51.54',
  // As the app sees them: Key Vault references resolved by the platform.
  GOVUK_PAY_API_KEY: 'api_live_resolved-from-key-vault',
  GOVUK_PAY_WEBHOOK_SIGNING_SECRET: 'webhook-secret-resolved-from-key-vault',
  PAYMENT_RETURN_URL: 'https://council.example/pay/return',
  GOVUK_NOTIFY_API_KEY: 'live-key-resolved-from-key-vault',
  GOVUK_NOTIFY_TEMPLATES: '{"status-changed":{"email":"0b4f2c1e-7a3d-4e58-9b6c-1d2e3f4a5b01"}}',
  MY_ACCOUNT_URL: 'https://council.example/my-account',
};
