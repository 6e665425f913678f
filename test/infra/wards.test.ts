/**
 * The stack's ward file (decision 1074), without a synthesis: a bad file stops the program before
 * anything is built, and the build copies exactly the stack's file into the package.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { infraDir, stackWardFile } from '../../infra/wards.js';
import { packageWards } from '../../scripts/package-wards.js';
import { localWards } from '../../shared/wards/local-wards.js';
import { stackConfig } from './synthesize.js';

const scratch = () => mkdtempSync(join(tmpdir(), 'doorstep-wards-'));

describe('the stack configuration names the council ward file', () => {
  it('when the file holds a valid ward set, then the stack is accepted, relative names starting at infra/', () => {
    const file = join(scratch(), 'wards.geojson');
    writeFileSync(file, JSON.stringify(localWards));
    expect(stackConfig('prod', { wardBoundariesFile: relative(infraDir, file) }).wardBoundariesFile).toBe(
      relative(infraDir, file),
    );
  });

  it('when the file is missing, then the program refuses the stack before anything is built', () => {
    expect(() => stackConfig('prod', { wardBoundariesFile: 'wards/missing.geojson' })).toThrow(
      /wardBoundariesFile: \S*infra\/wards\/missing\.geojson does not exist/,
    );
  });

  it('when the file is in British National Grid metres, then the program refuses it as the app would', () => {
    const metres = structuredClone(localWards);
    metres.features[0]?.geometry.coordinates[0]?.splice(0, 1, [358_000, 172_000]);
    const file = join(scratch(), 'wards.geojson');
    writeFileSync(file, JSON.stringify(metres));
    expect(() => stackConfig('prod', { wardBoundariesFile: file })).toThrow(
      /wardBoundariesFile: must be a GeoJSON FeatureCollection/,
    );
  });

  it('when the build packages the wards, then the package holds the stack file byte for byte, and the committed stacks name none', async () => {
    const file = join(scratch(), 'wards.geojson');
    writeFileSync(file, `${JSON.stringify(localWards, null, 2)}\n`);
    const app = scratch();
    expect(await packageWards(file, app)).toBe(localWards.features.length);
    expect(readFileSync(join(app, 'wards.geojson'), 'utf8')).toBe(readFileSync(file, 'utf8'));
    // The local wards are made up (E059…): no committed stack may ship them as a council's.
    expect([stackWardFile('dev'), stackWardFile('prod')]).toEqual([undefined, undefined]);
  });
});

describe('the ward file belongs to the stack’s council', () => {
  it('when wards lie wholly outside councilBoundary, then the program refuses the stack, naming them', () => {
    const file = join(scratch(), 'wards.geojson');
    writeFileSync(file, JSON.stringify(localWards));
    // Another council's area (around Leeds): none of the local wards has a corner in it.
    expect(() => stackConfig('prod', { wardBoundariesFile: file, councilBoundary: '-1.80,53.70,-1.29,53.95' })).toThrow(
      /wardBoundariesFile: E05900001, E05900002, E05900003, E05900004, E05900005 and 1 more lie outside councilBoundary/,
    );
  });

  it('when the council boundary is not one the app could parse, then the program refuses it before the app does', () => {
    expect(() => stackConfig('prod', { councilBoundary: '51.40,-2.72,51.54,-2.50,9' })).toThrow(/councilBoundary: /);
  });
});
