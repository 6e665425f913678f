/**
 * `npm run token -- --sub alice [--role resident]`: prints an access token from the running
 * local stack. Residents' tokens come from the resident issuer; a token with any other role
 * (asked for, or the dev account's own, e.g. `--sub sam`) from the workforce issuer
 * (decision 1000). `--issuer URL` asks that issuer instead.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { devAccount, populationFor, type Role } from './identity/dev-accounts.js';
import { requestDevToken } from './identity/provider.js';

const { values } = parseArgs({
  options: {
    sub: { type: 'string' },
    role: { type: 'string', multiple: true },
    issuer: { type: 'string' },
  },
});

if (!values.sub) {
  console.error(
    'usage: npm run token -- --sub <name> [--role resident|staff|admin|moderator|finance|councillor|operator]… [--issuer URL]',
  );
  process.exit(2);
}
const roles = (values.role ?? []) as Role[];
let issuer = values.issuer;
if (!issuer) {
  const file = join(dirname(fileURLToPath(import.meta.url)), '../.local/endpoints.json');
  try {
    const endpoints = JSON.parse(await readFile(file, 'utf8')) as {
      identity: { issuer: string };
      workforceIdentity: { issuer: string };
    };
    const population = populationFor(roles.length > 0 ? roles : devAccount(values.sub).roles);
    issuer = population === 'workforce' ? endpoints.workforceIdentity.issuer : endpoints.identity.issuer;
  } catch {
    console.error('No running local stack found (.local/endpoints.json). Start it with `npm start`, or pass --issuer.');
    process.exit(1);
  }
}
process.stdout.write(`${await requestDevToken(issuer, values.sub, roles)}\n`);
