/**
 * `npm run token -- --sub alice --role resident`: prints an access token from the
 * running local identity provider (issuer from .local/endpoints.json or --issuer).
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Role } from './identity/dev-accounts.js';
import { requestDevToken } from './identity/provider.js';

const { values } = parseArgs({
  options: {
    sub: { type: 'string' },
    role: { type: 'string', multiple: true },
    issuer: { type: 'string' },
  },
});

if (!values.sub) {
  console.error('usage: npm run token -- --sub <name> [--role resident|staff|admin|moderator]… [--issuer URL]');
  process.exit(2);
}
let issuer = values.issuer;
if (!issuer) {
  const file = join(dirname(fileURLToPath(import.meta.url)), '../.local/endpoints.json');
  try {
    issuer = (JSON.parse(await readFile(file, 'utf8')) as { identity: { issuer: string } }).identity.issuer;
  } catch {
    console.error('No running local stack found (.local/endpoints.json). Start it with `npm start`, or pass --issuer.');
    process.exit(1);
  }
}
process.stdout.write(`${await requestDevToken(issuer, values.sub, (values.role ?? []) as Role[])}\n`);
