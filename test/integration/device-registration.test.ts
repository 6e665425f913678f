/**
 * #18 item 4: a device registered with `npm run devices -- register` (decision 1128)
 * has its readings applied; a registration that carries a key writes nothing and
 * prints no key. The script runs as a council's platform team would run it, against
 * the stack's Cosmos DB; readings go over the real Service Bus SDK as IoT Hub routes them.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, inject, it } from 'vitest';
import { routedReading } from '../../local/iot-hub.js';
import { staff, call } from '../support/api.js';
import { sensorsOnTheStack } from '../support/sensors.js';
import { waitFor } from '../support/wait.js';

const { settings, sender, registry, states } = sensorsOnTheStack();

/** `npm run devices -- <args>` against the stack; its output and exit code. */
async function devices(args: readonly string[]): Promise<{ out: string; code: number }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'scripts/devices.ts', ...args],
      {
        cwd: join(import.meta.dirname, '../..'),
        env: {
          ...process.env,
          CosmosDb: settings.CosmosDb ?? '',
          COSMOS_DATABASE: settings.COSMOS_DATABASE ?? 'doorstep',
        },
        timeout: 120_000,
      },
    );
    return { out: stdout + stderr, code: 0 };
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string; code?: number };
    return { out: `${failed.stdout ?? ''}${failed.stderr ?? ''}`, code: failed.code ?? 1 };
  }
}

const runDrain = () => fetch(`${inject('hostUrl')}/admin/functions/sensor-readings`, { method: 'POST', body: '{}' });

describe('registering devices', () => {
  it('when a gully sensor is registered with the command, then its high reading raises a request at its place', async () => {
    const id = `gully-${randomUUID().slice(0, 8)}`;
    const registered = await devices([
      'register',
      '--id',
      id,
      '--type',
      'gully-level',
      '--lat',
      '51.4562',
      '--long=-2.5853',
      '--asset',
      'GY-4242',
      '--hub',
      'iot-doorstep-test',
    ]);
    expect(registered.code, registered.out).toBe(0);
    expect(registered.out).toContain(`Registered ${id} (gully-level)`);
    expect(registered.out).toContain(
      `az iot hub device-identity create --hub-name iot-doorstep-test --device-id ${id} --auth-method x509_ca --auth-type login`,
    );
    expect(await registry.get(id)).toMatchObject({ type: 'gully-level', status: 'active', asset: 'GY-4242' });

    const reading = routedReading({ deviceId: id, body: { waterLevelPercent: 92 } });
    await sender.sendMessages(reading);
    const state = await waitFor(
      async () => {
        await runDrain();
        const s = await states.get(id);
        return s?.recentMessageIds.includes(String(reading.messageId)) ? s : undefined;
      },
      { timeout: 60_000, interval: 250, what: `the reading of ${id} applied` },
    );
    expect(state).toMatchObject({ phase: 'raised', incidents: 1 });
    const request = await call('GET', `requests/${state.requestId ?? 'none'}`, { as: staff });
    expect(await request.json()).toMatchObject({ source: 'sensor', location: { lat: 51.4562, long: -2.5853 } });

    // Registered again as another type: refused, so its incident state is never read by the wrong rule.
    const retyped = await devices(['register', '--id', id, '--type', 'bin-fill', '--lat', '51.4562', '--long=-2.5853']);
    expect(retyped.code).not.toBe(0);
    expect(retyped.out).toContain('is registered as gully-level');
  });

  it('when a registration carries a key or connection string, then nothing is registered and the secret is never printed', async () => {
    const id = `bin-${randomUUID().slice(0, 8)}`;
    const secret = `HostName=iot.example.net;DeviceId=${id};SharedAccessKey=c2VjcmV0LWtleS0${randomUUID()}`;
    const withKey = await devices([
      'register',
      '--id',
      id,
      '--type',
      'bin-fill',
      '--lat',
      '51.4541',
      '--long=-2.5926',
      '--connection-string',
      secret,
    ]);
    expect(withKey.code).not.toBe(0);
    expect(withKey.out).toContain("Unknown option '--connection-string'");
    expect(withKey.out).not.toContain('SharedAccessKey');
    expect(await registry.get(id)).toBeUndefined();
  });
});
