/**
 * What the local stack stands in for IoT Hub with: a device-to-cloud message as
 * IoT Hub's route delivers it to a Service Bus queue endpoint. In Azure, the hub
 * authenticates the device and stamps these system properties itself (Microsoft
 * Learn, "Create and read IoT Hub messages": iothub-connection-device-id,
 * iothub-connection-auth-method, iothub-connection-auth-generation-id,
 * iothub-enqueuedtime, iothub-message-source); locally the simulator stamps them,
 * so the app reads exactly what it would read in Azure.
 */
import type { ServiceBusMessage } from '@azure/service-bus';
import { randomUUID } from 'node:crypto';
import { iotHubProperties } from '../shared/sensors/model.js';

export interface SimulatedReading {
  readonly deviceId?: string;
  readonly body: Record<string, unknown>;
  /** IoT Hub's enqueue time (defaults to now): lets a test play hours of readings at once. */
  readonly at?: Date;
  readonly messageId?: string;
}

export function routedReading(r: SimulatedReading): ServiceBusMessage {
  return {
    messageId: r.messageId ?? randomUUID(),
    contentType: 'application/json',
    body: r.body,
    applicationProperties: {
      ...(r.deviceId ? { [iotHubProperties.deviceId]: r.deviceId } : {}),
      [iotHubProperties.authMethod]:
        '{"scope":"device","type":"x509Certificate","issuer":"external","acceptingIpFilterRule":null}',
      [iotHubProperties.authGenerationId]: '638700000000000000',
      [iotHubProperties.enqueuedTime]: (r.at ?? new Date()).toISOString(),
      [iotHubProperties.messageSource]: 'Telemetry',
    },
  };
}
