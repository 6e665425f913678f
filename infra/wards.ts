/**
 * The stack's ward file (decision 1074): named by `doorstep:wardBoundariesFile`, checked here
 * with the app's own parser so a bad file stops `pulumi preview` rather than the app's start,
 * and copied into the app package by `npm run build -- --stack <stack>`. The app setting only
 * says where in the package it is; the data never passes through an app setting.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { parse } from 'yaml';
import { packagedWardFile, readWardFile } from '../shared/wards/ward-file.js';
import { parseWards, type Ward } from '../shared/wards/ward-set.js';
import { contains, type Boundary } from '../shared/geo/area.js';

export { packagedWardFile };

/** The folder holding Pulumi.<stack>.yaml: a relative ward file is read from here, as `pulumi config set` wrote it. */
export const infraDir = import.meta.dirname;

/** The ward file's path on this machine. */
export const stackWardPath = (file: string): string => (isAbsolute(file) ? file : join(infraDir, file));

/** The stack's wards, parsed as the app will parse them; throws saying what is wrong. */
export function readStackWards(file: string): readonly Ward[] {
  return parseWards(readWardFile(stackWardPath(file), undefined, 'does not exist'));
}

/**
 * Wards with not one corner inside the council's boundary: another council's, from a download not
 * filtered to this one. Edge wards share corners with the boundary, so some corner is always inside.
 */
export function wardsOutside(wards: readonly Ward[], council: Boundary): string[] {
  return wards.filter((w) => !w.boundary.rings.some((r) => r.some((p) => contains(council, p)))).map((w) => w.code);
}

/** `doorstep:wardBoundariesFile` as the stack's file holds it, for the build (which runs without Pulumi). */
export function stackWardFile(stack: string): string | undefined {
  if (!/^[a-z0-9-]{1,40}$/.test(stack)) throw new Error(`${stack}: not a stack name`);
  const file = parse(readFileSync(join(infraDir, `Pulumi.${stack}.yaml`), 'utf8')) as {
    config?: Record<string, unknown>;
  };
  const value = file.config?.['doorstep:wardBoundariesFile'];
  return typeof value === 'string' && value !== '' ? value : undefined;
}
