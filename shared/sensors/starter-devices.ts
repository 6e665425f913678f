/** The local stack's device registry (seeded into the catalogue container): one device of each type. */
import type { Device } from './model.js';

export const starterDevices: readonly Device[] = [
  {
    id: 'bin-0001',
    kind: 'device',
    type: 'bin-fill',
    status: 'active',
    location: { lat: 51.4541, long: -2.5926 },
    asset: 'LB-0001',
  },
  {
    id: 'gully-0001',
    kind: 'device',
    type: 'gully-level',
    status: 'active',
    location: { lat: 51.4562, long: -2.5853 },
    asset: 'GY-0001',
  },
  {
    id: 'damp-0001',
    kind: 'device',
    type: 'damp-humidity',
    status: 'active',
    location: { lat: 51.4523, long: -2.5901, uprn: '100012345680' },
  },
  { id: 'bin-0099', kind: 'device', type: 'bin-fill', status: 'retired', location: { lat: 51.4541, long: -2.5926 } },
];
