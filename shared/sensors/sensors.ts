/**
 * A reading routed from IoT Hub, applied: the device must be registered and
 * active, the reading must carry its type's metric, and a reading that opens an
 * incident raises a service request through the same use case residents use, as
 * the system principal `system:sensors` (so wards, dispatch, events and
 * notifications apply). Each message ends in one of these ways, which the
 * receiving function turns into a Service Bus settlement:
 * - applied (raising a request or not), or a duplicate with no second effect → complete;
 * - rejected: it can never apply (no device id, unknown or retired device, no reading) → dead-letter with the reason;
 * - a thrown error (a dependency is down, or the state kept changing) → abandon, delivered again.
 */
import { AppError } from '../errors.js';
import type { Principal, Role } from '../identity/principal.js';
import { retryWhileStale, stale } from '../data/retry-stale.js';
import { submitServiceRequest, type ServiceRequestDeps } from '../service-requests/service-requests.js';
import { initialState, step } from './incident.js';
import { deviceRules, iotHubProperties, readingBodySchema, type Device, type DeviceState } from './model.js';
import type { DeviceRegistry, DeviceStateStore } from './store.js';

export const rejectReasons = ['MissingDeviceId', 'UnknownDevice', 'RetiredDevice', 'InvalidReading'] as const;
export type SensorRejectReason = (typeof rejectReasons)[number];

export type ReadingOutcome =
  | { readonly outcome: 'applied'; readonly deviceId: string; readonly raised?: string }
  | { readonly outcome: 'duplicate'; readonly deviceId: string }
  | { readonly outcome: 'rejected'; readonly reason: SensorRejectReason; readonly description: string };

export interface SensorDeps {
  readonly devices: Pick<DeviceRegistry, 'get'>;
  readonly states: DeviceStateStore;
  readonly requests: ServiceRequestDeps;
}

/** What the function hands over of a received message. */
export interface RoutedReading {
  readonly messageId: string;
  readonly applicationProperties: Readonly<Record<string, unknown>>;
  readonly body: unknown;
  /** Service Bus' own enqueue time: used when IoT Hub's is absent. */
  readonly enqueuedTimeUtc?: Date;
}

/** The system principal sensors report as: no resident, no role. */
// The council's own devices: workforce-side, though with no role a staff route would ask for.
export const sensorPrincipal: Principal = { sub: 'system:sensors', issuer: 'workforce', roles: new Set<Role>() };

const reject = (reason: SensorRejectReason, description: string): ReadingOutcome => ({
  outcome: 'rejected',
  reason,
  description,
});

/** The device a message came from, as IoT Hub stamped it: never the body's word. */
export const deviceIdOf = (m: Pick<RoutedReading, 'applicationProperties'>): string | undefined => {
  const id = m.applicationProperties[iotHubProperties.deviceId];
  return typeof id === 'string' && id.length > 0 ? id : undefined;
};

export async function applyReading(m: RoutedReading, deps: SensorDeps): Promise<ReadingOutcome> {
  const deviceId = deviceIdOf(m);
  if (!deviceId) return reject('MissingDeviceId', `No ${iotHubProperties.deviceId}: not routed from IoT Hub.`);
  const device = await deps.devices.get(deviceId);
  if (!device) return reject('UnknownDevice', 'The device is not in the device registry.');
  if (device.status !== 'active') return reject('RetiredDevice', 'The device is retired in the device registry.');
  const rule = deviceRules[device.type];
  const body = readingBodySchema.safeParse(m.body);
  const value = body.success ? body.data[rule.metric] : undefined;
  if (typeof value !== 'number' || !Number.isFinite(value))
    return reject('InvalidReading', `A ${device.type} reading needs a number in "${rule.metric}".`);
  const hubTime = m.applicationProperties[iotHubProperties.enqueuedTime];
  const at = typeof hubTime === 'string' && !Number.isNaN(Date.parse(hubTime)) ? new Date(hubTime) : m.enqueuedTimeUtc;
  if (!at) return reject('InvalidReading', `No ${iotHubProperties.enqueuedTime} to time the reading by.`);

  return retryWhileStale(
    5,
    async (): Promise<ReadingOutcome | typeof stale> => {
      const previous = await deps.states.get(deviceId);
      const state = previous ?? initialState(deviceId);
      if (state.recentMessageIds.includes(m.messageId)) return { outcome: 'duplicate', deviceId };
      const next = step(state, rule, { messageId: m.messageId, at: at.toISOString(), value });
      let saved: DeviceState = next.state;
      if (next.effect === 'raise') saved = { ...saved, requestId: await raise(device, saved.incidents, deps) };
      if ((await deps.states.save(saved, previous)) === 'stale') return stale;
      return {
        outcome: 'applied',
        deviceId,
        ...(next.effect === 'raise' && saved.requestId ? { raised: saved.requestId } : {}),
      };
    },
    () => new AppError('conflict', 'The device’s state kept changing; the reading will be delivered again.'),
  );
}

/**
 * Raises the incident's request. Its Idempotency-Key is the device and incident
 * number, and its body is the same for every reading of the incident, so a raise
 * retried after a lost state write (or by a concurrent duplicate) is the same request.
 */
async function raise(device: Device, incident: number, deps: SensorDeps): Promise<string> {
  const rule = deviceRules[device.type];
  const { request } = await submitServiceRequest(
    {
      body: {
        serviceCode: rule.serviceCode,
        description: `${rule.problem} (device ${device.id}${device.asset ? `, asset ${device.asset}` : ''}; at or above ${rule.raiseAt}${rule.unit}).`,
        location: {
          lat: device.location.lat,
          long: device.location.long,
          ...(device.location.uprn ? { uprn: device.location.uprn } : {}),
        },
        attributes: { ...rule.attributes },
        photos: [],
      },
      idempotencyKey: `device:${device.id}:incident:${incident}`,
      source: 'sensor',
    },
    sensorPrincipal,
    deps.requests,
  );
  return request.id;
}
