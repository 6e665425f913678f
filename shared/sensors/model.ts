/**
 * Sensors that raise service requests (decision 1125): device types and their
 * rules as data, the device registry's entries, a device's incident state, and a
 * reading as IoT Hub routes it to Service Bus.
 */
import { z } from 'zod';

/**
 * A rule per device type: a reading at or above `raiseAt`, held for `sustainMinutes`
 * (0: at once), opens an incident and raises one request; the incident ends (and the
 * device is re-armed) only when a reading falls below `normalBelow`, so a reading
 * hovering at the threshold does not raise again.
 */
export interface DeviceRule {
  /** The body's field holding the reading. */
  readonly metric: string;
  readonly unit: string;
  readonly raiseAt: number;
  readonly normalBelow: number;
  readonly sustainMinutes: number;
  /** The service the request is raised in, and the answers to its required questions. */
  readonly serviceCode: string;
  readonly attributes: Readonly<Record<string, string>>;
  /** What the request says; the same for every reading of one incident, so a retried raise is the same request. */
  readonly problem: string;
}

export const deviceRules = {
  'bin-fill': {
    metric: 'fillPercent',
    unit: '%',
    raiseAt: 90,
    normalBelow: 50,
    sustainMinutes: 0,
    serviceCode: 'litter-bin-full',
    attributes: {},
    problem: 'A litter bin’s fill sensor reports it full',
  },
  'gully-level': {
    metric: 'waterLevelPercent',
    unit: '%',
    raiseAt: 80,
    normalBelow: 30,
    sustainMinutes: 0,
    serviceCode: 'blocked-drain',
    attributes: { flooding: 'road' },
    problem: 'A gully’s level sensor reports water standing near the top',
  },
  'damp-humidity': {
    metric: 'relativeHumidity',
    unit: '%RH',
    raiseAt: 75,
    normalBelow: 65,
    // Damp and mould come from humidity held for hours, not a shower's steam.
    sustainMinutes: 6 * 60,
    serviceCode: 'damp-and-mould',
    attributes: {},
    problem: 'A humidity sensor in a council home reports damp conditions held for 6 hours or more',
  },
} as const satisfies Readonly<Record<string, DeviceRule>>;
export type DeviceType = keyof typeof deviceRules;
export const deviceTypes = Object.keys(deviceRules) as [DeviceType, ...DeviceType[]];

/** A registered device: the registry lives in the `catalogue` container (kind `device`), as data. */
export const deviceSchema = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9-:.+%_#*?!(),=@;$']{1,128}$/, 'an IoT Hub device id'),
  kind: z.literal('device'),
  type: z.enum(deviceTypes),
  /** Retired devices are kept for the record, and their readings are refused. */
  status: z.enum(['active', 'retired']),
  /** Where the device is: a street position, or a council home (then its UPRN too, and never shown publicly). */
  location: z.strictObject({
    lat: z.number().min(-90).max(90),
    long: z.number().min(-180).max(180),
    uprn: z
      .string()
      .regex(/^\d{1,12}$/)
      .optional(),
  }),
  /** The council's own asset reference, e.g. a bin or gully number. */
  asset: z.string().max(60).optional(),
});
export type Device = z.infer<typeof deviceSchema>;

/** A device's incident state (the `sensors` container, pk = device id). */
export interface DeviceState {
  readonly id: string;
  readonly deviceId: string;
  readonly kind: 'device-state';
  /** `rising`: at or above the threshold but not yet for long enough; `raised`: a request is open for this incident. */
  readonly phase: 'normal' | 'rising' | 'raised';
  readonly since?: string;
  /** Incidents raised so far; the current one's number keys its request's idempotency. */
  readonly incidents: number;
  readonly requestId?: string;
  readonly lastReadingAt?: string;
  readonly lastValue?: number;
  /** The latest message ids applied, so a message delivered twice has no second effect. */
  readonly recentMessageIds: readonly string[];
  readonly _etag?: string;
}

/** How many message ids a state remembers (well beyond the readings in flight for one device). */
export const rememberedMessageIds = 50;

/**
 * IoT Hub's system properties on a routed message: the hub stamps them, a device
 * cannot set them (Microsoft Learn, "Create and read IoT Hub messages",
 * learn.microsoft.com/azure/iot-hub/iot-hub-devguide-messages-construct, system
 * properties of device-to-cloud messages). On a Service Bus endpoint they arrive as
 * the message's application properties.
 */
export const iotHubProperties = {
  deviceId: 'iothub-connection-device-id',
  authMethod: 'iothub-connection-auth-method',
  authGenerationId: 'iothub-connection-auth-generation-id',
  enqueuedTime: 'iothub-enqueuedtime',
  messageSource: 'iothub-message-source',
} as const;

export const readingBodySchema = z.record(z.string().max(60), z.unknown());
