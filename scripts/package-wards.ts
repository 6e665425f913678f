/**
 * The build's half of decision 1074: the stack's ward file, checked with the app's parser, copied
 * into the app package under the name the app setting infra sets points at.
 */
import { copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { packagedWardFile, readStackWards, stackWardFile, stackWardPath } from '../infra/wards.js';

/** Copies a ward file (as `doorstep:wardBoundariesFile` names it) into `appDir`, once it parses; the number of wards. */
export async function packageWards(file: string, appDir: string): Promise<number> {
  const wards = readStackWards(file);
  await copyFile(stackWardPath(file), join(appDir, packagedWardFile));
  return wards.length;
}

/** The stack's wards into `appDir`; the number of wards, or undefined when the stack has none. */
export async function packageStackWards(stack: string, appDir: string): Promise<number | undefined> {
  const file = stackWardFile(stack);
  return file === undefined ? undefined : packageWards(file, appDir);
}
