/**
 * The council's ward set as a file in the function app's package (decision 1074): a real
 * council's ONS ward GeoJSON is hundreds of kilobytes to megabytes, too big for an app
 * setting, and a file in the package needs no network, no role and no second upload path.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';

/** Where `npm run build -- --stack <stack>` puts the stack's ward file, relative to the app's root. */
export const packagedWardFile = 'wards.geojson';

/** ONS full-resolution (BFC) wards of the largest councils stay well below this. */
export const maxWardFileBytes = 32 * 1024 * 1024;

/**
 * The function app's root: the nearest folder, from `from` upwards, holding host.json. The
 * Functions host requires host.json at the package root, so this holds both in the bundle
 * (whichever chunk the config code lands in) and in the source tree the local host runs.
 */
export function functionAppRoot(from: string): string | undefined {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'host.json'))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

/** The text of a ward file, named absolutely or relative to the app's root; throws saying what is wrong. */
export function readWardFile(
  path: string,
  appRoot: string | undefined,
  whenMissing = 'is not in the app package: build it with `npm run build -- --stack <stack>` (docs/deploy.md, "Wards")',
): string {
  if (!isAbsolute(path) && !appRoot) throw new Error('the function app root (the folder with host.json) was not found');
  const file = isAbsolute(path) ? path : join(appRoot ?? '', path);
  if (!existsSync(file)) throw new Error(`${path} ${whenMissing}`);
  if (statSync(file).size > maxWardFileBytes)
    throw new Error(`${path} is larger than ${maxWardFileBytes / 1024 / 1024} MiB`);
  return readFileSync(file, 'utf8');
}
