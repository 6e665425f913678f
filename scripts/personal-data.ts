/** Writes docs/personal-data.md from the data map (`npm run docs:personal-data`). */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { format } from 'prettier';
import { personalDataDocument } from '../shared/data-map/document.js';

export const personalDataPath = join(import.meta.dirname, '..', 'docs', 'personal-data.md');

export async function renderPersonalData(): Promise<string> {
  return format(personalDataDocument(), { parser: 'markdown', filepath: personalDataPath });
}

if (process.argv[1] === import.meta.filename) {
  writeFileSync(personalDataPath, await renderPersonalData());
  console.log(`wrote ${personalDataPath}`);
}
