/** The data map of sensors' records (see shared/data-map/classification.ts). */
import type { RecordMap } from '../data-map/classification.js';
import type { Device, DeviceState } from './model.js';

export const deviceDataMap: RecordMap<Device> = {
  record: 'device',
  retention: ['device'],
  title: 'Sensor (device registry entry)',
  kind: 'cosmos',
  where: 'Cosmos DB `catalogue` (kind `device`)',
  purpose: 'Know which devices may report, of what type, and where they are (decision 1125).',
  basis: ['public-task'],
  recipients: ['staff'],
  fields: {
    id: { class: 'none', note: 'the IoT Hub device id' },
    kind: { class: 'none' },
    type: { class: 'none' },
    status: { class: 'none' },
    location: { class: 'home-location', note: 'a street position, or a council home (with its UPRN) for damp sensors' },
    asset: { class: 'none' },
  },
};

export const deviceStateDataMap: RecordMap<DeviceState> = {
  record: 'device-state',
  retention: ['device-state'],
  title: 'Sensor incident state',
  kind: 'cosmos',
  where: 'Cosmos DB `sensors` (pk = device id)',
  purpose: 'Raise one request per incident and re-arm when readings return to normal (decision 1125).',
  basis: ['public-task'],
  recipients: [],
  fields: {
    id: { class: 'none' },
    deviceId: { class: 'none' },
    kind: { class: 'none' },
    phase: { class: 'none' },
    since: { class: 'none' },
    incidents: { class: 'none' },
    requestId: { class: 'none' },
    lastReadingAt: { class: 'none' },
    lastValue: {
      class: 'personal',
      note: 'a humidity reading inside a council home describes the household’s home; only the latest is kept',
    },
    recentMessageIds: { class: 'none' },
    _etag: { class: 'none' },
  },
};

/** A reading as IoT Hub routes it (application properties and body). */
export interface RoutedReadingMessage {
  readonly 'iothub-connection-device-id': string;
  readonly 'iothub-connection-auth-method': string;
  readonly 'iothub-connection-auth-generation-id': string;
  readonly 'iothub-enqueuedtime': string;
  readonly 'iothub-message-source': string;
  readonly value: number;
}

export const deviceReadingDataMap: RecordMap<RoutedReadingMessage> = {
  record: 'device-reading',
  retention: ['device-reading'],
  title: 'Sensor reading (routed from IoT Hub)',
  kind: 'queue',
  where: 'Service Bus queue `device-readings`',
  purpose: 'Apply a device’s reading to its rule (decision 1125).',
  basis: ['public-task'],
  recipients: [],
  fields: {
    'iothub-connection-device-id': { class: 'none' },
    'iothub-connection-auth-method': { class: 'none' },
    'iothub-connection-auth-generation-id': { class: 'none' },
    'iothub-enqueuedtime': { class: 'none' },
    'iothub-message-source': { class: 'none' },
    value: { class: 'personal', note: 'the body’s metric; inside a home it describes the household’s home' },
  },
};
