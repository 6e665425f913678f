/**
 * #18 item 4: sensors raise requests. Readings go over the real Service Bus SDK to
 * `device-readings`, shaped as IoT Hub's route delivers them (local/iot-hub.ts: the
 * local stack stands in for IoT Hub), and the function app's drain applies them.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import { routedReading, type SimulatedReading } from '../../local/iot-hub.js';
import { cosmosCatalogueStore } from '../../shared/catalogue/catalogue.js';
import { parseBoundary } from '../../shared/geo/area.js';
import { cosmosIdempotencyStore } from '../../shared/idempotency/idempotency.js';
import type { Device, DeviceState } from '../../shared/sensors/model.js';
import { applyReading, type SensorDeps } from '../../shared/sensors/sensors.js';
import { cosmosRequestStore } from '../../shared/service-requests/store.js';
import { cosmosDocumentStore } from '../../shared/uploads/store.js';
import { staff, call } from '../support/api.js';
import { sensorsOnTheStack } from '../support/sensors.js';
import { waitFor } from '../support/wait.js';

const { settings, db, bus, sender, registry, states } = sensorsOnTheStack();

async function aDevice(overrides: Partial<Device> = {}): Promise<Device> {
  const device: Device = {
    id: `bin-${randomUUID().slice(0, 8)}`,
    kind: 'device',
    type: 'bin-fill',
    status: 'active',
    location: { lat: 51.4541, long: -2.5926 },
    ...overrides,
  };
  await registry.put(device);
  return device;
}

const runDrain = () => fetch(`${inject('hostUrl')}/admin/functions/sensor-readings`, { method: 'POST', body: '{}' });

/** Sends the readings, then waits until the device's state has applied the last of them. */
async function send(readings: readonly SimulatedReading[]): Promise<DeviceState> {
  const messages = readings.map((r) => routedReading({ messageId: randomUUID(), ...r }));
  for (const m of messages) await sender.sendMessages(m);
  const last = String(messages.at(-1)?.messageId);
  const deviceId = readings.at(-1)?.deviceId ?? '';
  return waitFor(
    async () => {
      await runDrain();
      const state = await states.get(deviceId);
      return state?.recentMessageIds.includes(last) ? state : undefined;
    },
    { timeout: 45_000, interval: 200, what: `the readings of ${deviceId} applied` },
  );
}

/** The request the device's current incident raised, as staff see it. */
async function raisedRequest(
  deviceId: string,
): Promise<{ id: string; source: string; location: Record<string, unknown> }> {
  const state = await states.get(deviceId);
  const response = await call('GET', `requests/${state?.requestId ?? 'none'}`, { as: staff });
  expect(response.status).toBe(200);
  return (await response.json()) as { id: string; source: string; location: Record<string, unknown> };
}

async function countRaised(device: Device): Promise<number> {
  const { resources } = await db
    .container('requests')
    .items.query<{ n: number }>({
      query:
        "SELECT VALUE COUNT(1) FROM c WHERE c.type = 'request' AND c.source = 'sensor' AND CONTAINS(c.description, @device)",
      parameters: [{ name: '@device', value: `device ${device.id}` }],
    })
    .fetchAll();
  return Number(resources[0] ?? 0);
}

describe('sensors raise requests', () => {
  it('when a bin reads full, then one request is raised at the device’s place, and repeats raise nothing more', async () => {
    const device = await aDevice();
    const first = await send([{ deviceId: device.id, body: { fillPercent: 95 } }]);
    expect(first).toMatchObject({ phase: 'raised', incidents: 1 });
    const request = await raisedRequest(device.id);
    expect(request).toMatchObject({ source: 'sensor', location: { lat: 51.4541, long: -2.5926 } });

    const after = await send([
      { deviceId: device.id, body: { fillPercent: 97 } },
      { deviceId: device.id, body: { fillPercent: 99 } },
    ]);
    expect(after).toMatchObject({ phase: 'raised', incidents: 1, requestId: request.id });
    expect(await countRaised(device)).toBe(1);
  });

  it('when the reading returns to normal, then the device is re-armed and the next incident raises a second request', async () => {
    const device = await aDevice();
    const raised = await send([{ deviceId: device.id, body: { fillPercent: 95 } }]);
    const normal = await send([{ deviceId: device.id, body: { fillPercent: 10 } }]);
    expect(normal.phase).toBe('normal');
    const again = await send([{ deviceId: device.id, body: { fillPercent: 96 } }]);
    expect(again).toMatchObject({ phase: 'raised', incidents: 2 });
    expect(again.requestId).not.toBe(raised.requestId);
    expect(await countRaised(device)).toBe(2);
  });

  it('when a device is unknown, retired or not routed from IoT Hub, then its reading is dead-lettered with the reason', async () => {
    const retired = await aDevice({ status: 'retired' });
    const cases = [
      {
        reading: routedReading({ deviceId: `nobody-${randomUUID().slice(0, 8)}`, body: { fillPercent: 95 } }),
        reason: 'UnknownDevice',
      },
      { reading: routedReading({ deviceId: retired.id, body: { fillPercent: 95 } }), reason: 'RetiredDevice' },
      { reading: routedReading({ body: { fillPercent: 95 } }), reason: 'MissingDeviceId' },
    ];
    for (const c of cases) await sender.sendMessages(c.reading);
    const receiver = bus.createReceiver('device-readings', { subQueueType: 'deadLetter' });
    try {
      const wanted = new Map(cases.map((c) => [String(c.reading.messageId), c.reason]));
      const found = new Map<string, string>();
      await waitFor(
        async () => {
          await runDrain();
          for (const m of await receiver.receiveMessages(20, { maxWaitTimeInMs: 300 })) {
            if (wanted.has(String(m.messageId))) {
              found.set(String(m.messageId), String(m.deadLetterReason));
              await receiver.completeMessage(m);
            } else await receiver.abandonMessage(m);
          }
          return found.size === wanted.size;
        },
        { timeout: 45_000, interval: 200, what: 'the refused readings in the dead-letter queue' },
      );
      expect(found).toEqual(wanted);
    } finally {
      await receiver.close();
    }
  });

  it('when the same message is delivered twice, then the second has no effect (no second request, one state change)', async () => {
    const device = await aDevice();
    const deps: SensorDeps = {
      devices: registry,
      states,
      requests: {
        requests: cosmosRequestStore(db.container('requests'), db.container('residents')),
        catalogue: cosmosCatalogueStore(db.container('catalogue')),
        idempotency: cosmosIdempotencyStore(db.container('idempotency')),
        documents: cosmosDocumentStore(db.container('documents'), db.container('residents')),
        boundary: parseBoundary(settings.COUNCIL_BOUNDARY ?? ''),
        now: () => new Date(),
      },
    };
    const message = routedReading({ deviceId: device.id, body: { fillPercent: 95 } });
    const delivered = {
      messageId: String(message.messageId),
      applicationProperties: message.applicationProperties ?? {},
      body: message.body as unknown,
    };
    const first = await applyReading(delivered, deps);
    const second = await applyReading(delivered, deps);
    expect(first).toMatchObject({ outcome: 'applied', raised: expect.any(String) as unknown });
    expect(second).toEqual({ outcome: 'duplicate', deviceId: device.id });
    expect(await countRaised(device)).toBe(1);
  });
});
