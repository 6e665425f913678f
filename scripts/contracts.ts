/**
 * `npm run contracts`: writes the JSON Schemas partners build against into
 * `contracts/`, from the same zod schemas that validate messages. A test fails
 * if the committed files and the code disagree.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { publishedContracts } from '../shared/partners/contract.js';

const dir = join(import.meta.dirname, '..', 'contracts');
for (const [file, schema] of Object.entries(publishedContracts())) {
  await writeFile(join(dir, file), `${JSON.stringify(schema, null, 2)}\n`);
  console.log(`contracts/${file}`);
}
