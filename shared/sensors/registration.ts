/**
 * Registering a sensor (decision 1128): a device is data in Doorstep's registry
 * (its type, place and asset), and an identity in IoT Hub, where it authenticates
 * with an X.509 certificate signed by the council's device CA (infra, decision
 * 1072). So there is no device key or connection string anywhere: not in config,
 * not in the registry, not in a log. A reading from an id not registered here is
 * dead-lettered `UnknownDevice`, whatever IoT Hub let in.
 */
import { z } from 'zod';
import { conflict, notFound, validationFailed } from '../errors.js';
import { deviceSchema, deviceTypes, type Device } from './model.js';
import type { DeviceRegistry } from './store.js';

/** What a registration says. Strict: a key, secret or connection string given by mistake is refused, never stored. */
export const deviceRegistrationSchema = z.strictObject({
  id: deviceSchema.shape.id,
  type: z.enum(deviceTypes),
  location: deviceSchema.shape.location,
  asset: deviceSchema.shape.asset,
});
export type DeviceRegistration = z.infer<typeof deviceRegistrationSchema>;

export interface RegistrationOutcome {
  readonly device: Device;
  readonly created: boolean;
}

/**
 * Registers a device, or moves a registered one (a new place or asset). Its type is
 * fixed: its incident state reads readings by its type's rule, so a device that
 * measures something else is a new device id. A retired device is registered again
 * as active.
 */
export async function registerDevice(
  input: unknown,
  deps: { readonly devices: DeviceRegistry },
): Promise<RegistrationOutcome> {
  const parsed = deviceRegistrationSchema.safeParse(input);
  if (!parsed.success)
    // Only where and what is wrong: a refused value may be a secret.
    throw validationFailed(
      parsed.error.issues.map((i) => ({
        pointer: `/${i.path.join('/')}`,
        detail: i.code === 'unrecognized_keys' ? `Not part of a registration: ${i.keys.join(', ')}.` : i.message,
      })),
      'The device registration is not valid.',
    );
  const existing = await deps.devices.get(parsed.data.id);
  if (existing && existing.type !== parsed.data.type)
    throw conflict(
      `Device ${existing.id} is registered as ${existing.type}; register a new id for a ${parsed.data.type}.`,
    );
  const device: Device = {
    id: parsed.data.id,
    kind: 'device',
    type: parsed.data.type,
    status: 'active',
    location: parsed.data.location,
    ...(parsed.data.asset ? { asset: parsed.data.asset } : {}),
  };
  await deps.devices.put(device);
  return { device, created: !existing };
}

/** Retires a device: kept for the record, its readings dead-lettered `RetiredDevice`. */
export async function retireDevice(id: string, deps: { readonly devices: DeviceRegistry }): Promise<Device> {
  const existing = await deps.devices.get(id);
  if (!existing) throw notFound(`Device ${id}`);
  const device: Device = { ...existing, status: 'retired' };
  await deps.devices.put(device);
  return device;
}

/** The IoT Hub side, done by the platform team with their own Entra sign-in (no key): X.509, CA-signed. */
export const hubIdentityCommand = (deviceId: string, hubName: string) =>
  `az iot hub device-identity create --hub-name ${hubName} --device-id ${deviceId} --auth-method x509_ca --auth-type login`;
