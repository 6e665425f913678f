/**
 * Wards as data: the council's electoral wards, each a boundary, so a request can be
 * placed in its ward when it is made and councillors and managers can ask "which ward".
 *
 * The set is configuration (`WARD_BOUNDARIES`, a GeoJSON FeatureCollection such as the
 * ONS Open Geography Portal's ward boundaries for the council's area, decision 1040):
 * wards change only at boundary reviews, and `wardFor` runs on every new request, so it
 * is answered from memory, never from a store.
 */
import { config } from '../config.js';
import { wardIn, type Ward } from './ward-set.js';

export type { Ward } from './ward-set.js';

/** The council's wards (none when `WARD_BOUNDARIES` is not set). */
export const wards = (): readonly Ward[] => config().wards;

export const wardFor = (point: { lat: number; long: number }): Ward | undefined => wardIn(wards(), point);
