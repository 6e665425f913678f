/** The device registry (catalogue container, kind `device`) and device states (`sensors` container). */
import type { Container } from '@azure/cosmos';
import { isCosmosStatus } from '../data/cosmos-errors.js';
import { deviceSchema, type Device, type DeviceState } from './model.js';

export interface DeviceRegistry {
  get(deviceId: string): Promise<Device | undefined>;
  put(device: Device): Promise<void>;
}

export interface DeviceStateStore {
  get(deviceId: string): Promise<DeviceState | undefined>;
  /** Writes the new state if nobody else wrote since `previous` was read; 'stale' otherwise. */
  save(next: DeviceState, previous: DeviceState | undefined): Promise<'saved' | 'stale'>;
}

export function cosmosDeviceRegistry(catalogue: Container): DeviceRegistry {
  return {
    async get(deviceId) {
      const { resource } = await catalogue.item(deviceId, 'device').read<Record<string, unknown>>();
      if (!resource) return undefined;
      const parsed = deviceSchema.safeParse(
        Object.fromEntries(Object.entries(resource).filter(([k]) => !k.startsWith('_'))),
      );
      return parsed.success ? parsed.data : undefined;
    },
    async put(device) {
      await catalogue.items.upsert(deviceSchema.parse(device));
    },
  };
}

export function cosmosDeviceStateStore(sensors: Container): DeviceStateStore {
  return {
    async get(deviceId) {
      const { resource } = await sensors.item(`state:${deviceId}`, deviceId).read<DeviceState>();
      return resource;
    },
    async save(next, previous) {
      const { _etag: _drop, ...body } = next;
      try {
        if (!previous?._etag) await sensors.items.create(body);
        else
          await sensors
            .item(body.id, body.deviceId)
            .replace(body, { accessCondition: { type: 'IfMatch', condition: previous._etag } });
        return 'saved';
      } catch (error) {
        if (isCosmosStatus(error, 409) || isCosmosStatus(error, 412)) return 'stale';
        throw error;
      }
    },
  };
}
