/**
 * `npm run smoke -- --api https://func-doorstep-prod.azurewebsites.net/api`: the checks the
 * platform team runs after every deploy (docs/deploy.md). Against Azure, pass tokens from the
 * configured issuer (a test resident and a test member of staff), a GOV.UK Notify key of the
 * same service in test mode, and run it signed in (`az login`) as a test back office with
 * `ServiceBus__fullyQualifiedNamespace` set. Against `npm start`, everything comes from
 * .local/endpoints.json.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { connect } from './service-bus-connection.js';
import { runSmoke } from './smoke/flow.js';
import { smokePhoto } from './smoke/photo.js';

const { values } = parseArgs({
  options: {
    api: { type: 'string' },
    issuer: { type: 'string' },
    'resident-token': { type: 'string', default: process.env.SMOKE_RESIDENT_TOKEN },
    'staff-token': { type: 'string', default: process.env.SMOKE_STAFF_TOKEN },
    'back-office': { type: 'string', default: 'highways-contractor' },
    'notify-url': { type: 'string', default: 'https://api.notifications.service.gov.uk' },
    'notify-key': { type: 'string', default: process.env.SMOKE_NOTIFY_KEY },
    'timeout-seconds': { type: 'string', default: '300' },
  },
});

if (!values.api) {
  console.error(
    'usage: npm run smoke -- --api <url ending /api> [--issuer URL] [--resident-token T --staff-token T]\n' +
      '       [--back-office highways-contractor] [--notify-key KEY] [--notify-url URL] [--timeout-seconds 300]',
  );
  process.exit(2);
}

/** Against the local stack: its issuer mints tokens, and its Notify stand-in takes the app's key. */
async function local() {
  const file = join(import.meta.dirname, '../.local/endpoints.json');
  const endpoints = JSON.parse(await readFile(file, 'utf8')) as {
    identity: { issuer: string };
    workforceIdentity: { issuer: string };
  };
  const { requestDevToken } = await import('../local/identity/provider.js');
  return {
    issuer: endpoints.identity.issuer,
    resident: () => requestDevToken(endpoints.identity.issuer, 'smoke-resident', ['resident']),
    // Staff sign in through the workforce directory (decision 1000).
    staff: () => requestDevToken(endpoints.workforceIdentity.issuer, 'sam', ['staff']),
  };
}

const given = (token: string | undefined) => (token ? () => Promise.resolve(token) : undefined);
const loopback = /^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?\//.test(values.api);
const dev = loopback && !values['resident-token'] ? await local() : undefined;
const residentToken = given(values['resident-token']) ?? dev?.resident;
const staffToken = given(values['staff-token']) ?? dev?.staff;
if (!residentToken || !staffToken) {
  console.error('Pass --resident-token and --staff-token (or SMOKE_RESIDENT_TOKEN, SMOKE_STAFF_TOKEN).');
  process.exit(2);
}

const bus = await connect();
try {
  const started = Date.now();
  const result = await runSmoke({
    api: values.api,
    residentToken,
    staffToken,
    ...((values.issuer ?? dev?.issuer) ? { issuer: values.issuer ?? dev?.issuer } : {}),
    partner: { bus, backOffice: values['back-office'] },
    ...(values['notify-key'] ? { notify: { baseUrl: values['notify-url'], apiKey: values['notify-key'] } } : {}),
    photo: smokePhoto(),
    stepTimeoutMs: Number(values['timeout-seconds']) * 1000,
    log: (line) => console.log(line),
  });
  console.log(`smoke passed in ${String(Math.round((Date.now() - started) / 1000))} s: ${JSON.stringify(result)}`);
} catch (error) {
  console.error(`smoke FAILED: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  await bus.close();
}
