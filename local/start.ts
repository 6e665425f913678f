/**
 * `npm start`: the whole platform on the embedded stack, on loopback.
 * Ports: DOORSTEP_PORT_FUNCTIONS (7071), DOORSTEP_PORT_COSMOS (8081),
 * DOORSTEP_PORT_BLOB (10000), DOORSTEP_PORT_SERVICEBUS (5672), DOORSTEP_PORT_IDENTITY (7072),
 * DOORSTEP_PORT_GOVUKPAY (7073), DOORSTEP_PORT_WEB (3000, the resident website),
 * DOORSTEP_PORT_WORKFORCE_IDENTITY (7075, the staff directory's issuer).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { closeTriggerClients, startFunctionsHost } from './host/functions-host.js';
import { devAccounts, populationFor } from './identity/dev-accounts.js';
import { staffWebClient } from './identity/provider.js';
import { defaultPorts, startLocalStack } from './stack.js';
import { seedLocalData } from './seed.js';
import { testCards } from './govuk-pay/server.js';
import { startWebsite } from './website.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const port = (name: string, fallback: number) => {
  const value = process.env[`DOORSTEP_PORT_${name}`];
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`DOORSTEP_PORT_${name} must be a port number`);
  return n;
};

const started = Date.now();
const stack = await startLocalStack({
  ports: {
    cosmos: port('COSMOS', defaultPorts.cosmos),
    blob: port('BLOB', defaultPorts.blob),
    serviceBus: port('SERVICEBUS', defaultPorts.serviceBus),
    identity: port('IDENTITY', defaultPorts.identity),
    govukPay: port('GOVUKPAY', defaultPorts.govukPay),
    govukNotify: port('GOVUKNOTIFY', defaultPorts.govukNotify),
    workforceIdentity: port('WORKFORCE_IDENTITY', defaultPorts.workforceIdentity),
  },
});
// The app reads its configuration from the environment, as in Azure.
Object.assign(process.env, stack.appSettings);
const seeded = await seedLocalData(stack);
const host = await startFunctionsHost({
  entry: process.env.DOORSTEP_APP_ENTRY ?? join(root, 'functions/index.ts'),
  port: port('FUNCTIONS', 7071),
});

stack.setPaymentWebhookTarget(`${host.url}/api/payments/webhook`);
const website = await startWebsite({
  apiUrl: host.url,
  issuer: stack.endpoints.identity.issuer,
  audience: stack.endpoints.identity.audience,
  staff: stack.endpoints.workforceIdentity,
  blobEndpoint: stack.endpoints.blob.endpoint,
  govukPayUrl: stack.govukPay.url,
  port: port('WEB', 3000),
});
const endpoints = {
  functions: `${host.url}/api`,
  website: website.url,
  ...stack.endpoints,
  appSettings: stack.appSettings,
};
await mkdir(join(root, '.local'), { recursive: true });
await writeFile(join(root, '.local/endpoints.json'), `${JSON.stringify(endpoints, null, 2)}\n`);

console.log(`
Doorstep is running locally (${Date.now() - started} ms).

  Website        ${website.url}   (sign in as alice, any password)
  API            ${host.url}/api   (health: ${host.url}/api/health)
  Sign-in (OIDC) residents: ${stack.endpoints.identity.issuer}   discovery: ${stack.endpoints.identity.discovery}
                 staff:     ${stack.endpoints.workforceIdentity.issuer}   audience ${stack.endpoints.workforceIdentity.audience}, client ${staffWebClient.id} (secret ${staffWebClient.secret})
  Cosmos DB      ${stack.endpoints.cosmos.endpoint}   database: ${stack.endpoints.cosmos.database}
  Blob Storage   ${stack.endpoints.blob.endpoint}
  Service Bus    127.0.0.1:${stack.endpoints.serviceBus.port} (AMQP, UseDevelopmentEmulator)
  GOV.UK Pay     ${stack.govukPay.url} (local stand-in: card ${testCards.success} succeeds, ${testCards.declined} is declined)
  GOV.UK Notify  ${stack.govukNotify.url} (local stand-in: open it to read what residents would have been sent)

  Functions:     ${host.functions.map((f) => f.name).join(', ')}
  Seeded:        ${seeded.join('; ') || 'nothing'}
  Residents:     ${devAccounts
    .filter((a) => populationFor(a.roles) === 'resident')
    .map((a) => a.sub)
    .join(', ')}; any other name is a resident
  Staff:         ${devAccounts
    .filter((a) => populationFor(a.roles) === 'workforce')
    .map((a) => `${a.sub} (${a.roles.join('+')})`)
    .join(', ')}
  A token:       npm run token -- --sub alice   (or --sub sam: staff tokens come from the staff issuer)

Endpoints and connection strings: .local/endpoints.json. Ctrl-C stops everything.
`);

let stopping = false;
const stop = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping Doorstep…`);
  await website.close();
  await host.close();
  await closeTriggerClients();
  await stack.close();
  console.log('Stopped.');
  process.exit(0);
};
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
