/**
 * Wards from a file in the app package (decision 1074): the setting names the file, the app reads
 * it once at start-up into the one validated configuration, and refuses to start when it cannot.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../shared/config.js';
import { functionAppRoot, packagedWardFile, readWardFile } from '../../shared/wards/ward-file.js';
import { localWards } from '../../shared/wards/local-wards.js';
import { azure, issuesOf } from '../support/config.js';

/** A function app package as the build lays it out: host.json at its root, chunks below it. */
function appPackage(wards: string | undefined): string {
  const dir = mkdtempSync(join(tmpdir(), 'doorstep-app-'));
  writeFileSync(join(dir, 'host.json'), '{"version":"2.0"}');
  mkdirSync(join(dir, 'chunks'));
  if (wards !== undefined) writeFileSync(join(dir, packagedWardFile), wards);
  return dir;
}

describe('wards from a file in the app package', () => {
  it('when WARD_BOUNDARIES_FILE names a ward file, then the configuration holds its wards', () => {
    const app = appPackage(JSON.stringify(localWards));
    const config = parseConfig({ ...azure, WARD_BOUNDARIES_FILE: join(app, packagedWardFile) });
    expect(config.wards.map((w) => w.code)).toEqual(localWards.features.map((f) => f.properties.WD24CD));
  });

  it('when the config code sits in a chunk of the package, then a relative name is read from the folder with host.json', () => {
    const app = appPackage(JSON.stringify(localWards));
    const root = functionAppRoot(join(app, 'chunks'));
    expect(root).toBe(app);
    expect(JSON.parse(readWardFile(packagedWardFile, root))).toEqual(localWards);
  });

  it('when the package has no ward file, then the app refuses to start, naming the setting and the build that puts it there', () => {
    const app = appPackage(undefined);
    const issues = issuesOf({ ...azure, WARD_BOUNDARIES_FILE: join(app, packagedWardFile) });
    expect(issues).toMatch(/^WARD_BOUNDARIES_FILE: .*wards\.geojson is not in the app package/);
    expect(issues).toContain('npm run build -- --stack <stack>');
  });

  it('when the file is not a ward set in longitude/latitude, then the app refuses to start, naming the setting', () => {
    const metres = structuredClone(localWards);
    // British National Grid metres, as ONS also publishes: refused, never silently misplaced.
    metres.features[0]?.geometry.coordinates[0]?.splice(0, 1, [358_000, 172_000]);
    const app = appPackage(JSON.stringify(metres));
    expect(issuesOf({ ...azure, WARD_BOUNDARIES_FILE: join(app, packagedWardFile) })).toMatch(
      /^WARD_BOUNDARIES_FILE: must be a GeoJSON FeatureCollection/,
    );
  });

  it('when both the setting and the file are given, then the app refuses to start rather than pick one', () => {
    const app = appPackage(JSON.stringify(localWards));
    expect(
      issuesOf({
        ...azure,
        WARD_BOUNDARIES: JSON.stringify(localWards),
        WARD_BOUNDARIES_FILE: join(app, 'wards.geojson'),
      }),
    ).toBe('WARD_BOUNDARIES_FILE: set it or WARD_BOUNDARIES, not both.');
  });
});
