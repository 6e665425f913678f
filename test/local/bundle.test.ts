/**
 * The deployable artifact: `npm run build` output, loaded by the local host as the
 * Azure worker would load it, serves the API against the embedded stack.
 */
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FunctionsHost } from '../../local/host/functions-host.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { waitFor } from '../support/wait.js';

const root = join(import.meta.dirname, '../..');
let platform: TestPlatform;
let host: FunctionsHost;

beforeAll(async () => {
  execFileSync(process.execPath, ['--import', 'tsx', join(root, 'scripts/build.ts')], { cwd: root, stdio: 'pipe' });
  platform = await startTestPlatform(join(root, 'dist/app/main.js'));
  host = platform.host;
});
afterAll(() => platform.close());

describe('the built function app', () => {
  it('declares its entry point and ships host.json', async () => {
    const pkg = JSON.parse(await readFile(join(root, 'dist/app/package.json'), 'utf8')) as {
      main: string;
      type: string;
    };
    expect(pkg).toMatchObject({ main: 'main.js', type: 'module' });
    const hostJson = JSON.parse(await readFile(join(root, 'dist/app/host.json'), 'utf8')) as { version: string };
    expect(hostJson.version).toBe('2.0');
  });

  it('is what the root package names as its entry point', async () => {
    const rootPackage = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { main: string };
    expect(join(root, rootPackage.main)).toBe(join(root, 'dist/app/main.js'));
    await expect(readFile(join(root, rootPackage.main))).resolves.toBeInstanceOf(Buffer);
  });

  it('registers its functions and serves /api/health from the bundle', async () => {
    expect(host.functions.map((f) => f.name)).toContain('health');
    // Each probe is bounded (DEPENDENCY_TIMEOUT_MS), so on a loaded machine one answer can be
    // 503 although nothing is down: ask again until healthy, within a generous deadline.
    const report = await waitFor(
      async () => {
        const response = await fetch(`${host.url}/api/health`);
        return response.status === 200 ? ((await response.json()) as { status: string }) : undefined;
      },
      { timeout: 90_000, interval: 250, what: '/api/health to answer 200' },
    );
    expect(report.status).toBe('healthy');
  }, 120_000);

  it('answers an unknown route with 404', async () => {
    expect((await fetch(`${host.url}/api/no-such-thing`)).status).toBe(404);
  });
});
