/**
 * One device's incident, reading by reading: pure, so every case is a unit test.
 */
import type { DeviceRule, DeviceState } from './model.js';
import { rememberedMessageIds } from './model.js';

export type Step =
  | { readonly effect: 'none'; readonly state: DeviceState }
  /** Raise incident number `state.incidents` (already counted in `state`). */
  | { readonly effect: 'raise'; readonly state: DeviceState };

export const initialState = (deviceId: string): DeviceState => ({
  id: `state:${deviceId}`,
  deviceId,
  kind: 'device-state',
  phase: 'normal',
  incidents: 0,
  recentMessageIds: [],
});

export function step(
  state: DeviceState,
  rule: Pick<DeviceRule, 'raiseAt' | 'normalBelow' | 'sustainMinutes'>,
  reading: { readonly messageId: string; readonly at: string; readonly value: number },
): Step {
  const seen = [...state.recentMessageIds, reading.messageId].slice(-rememberedMessageIds);
  // A reading older than one already applied says nothing about now (Service Bus does not promise order).
  if (state.lastReadingAt && reading.at < state.lastReadingAt)
    return { effect: 'none', state: { ...state, recentMessageIds: seen } };
  const base: DeviceState = { ...state, recentMessageIds: seen, lastReadingAt: reading.at, lastValue: reading.value };
  if (reading.value < rule.normalBelow) {
    const { since: _since, requestId: _requestId, ...rest } = base;
    return { effect: 'none', state: { ...rest, phase: 'normal' } };
  }
  if (reading.value < rule.raiseAt) {
    // Between the two thresholds: an open incident stays open; a rise not yet held long enough starts again.
    if (base.phase === 'rising') {
      const { since: _since, ...rest } = base;
      return { effect: 'none', state: { ...rest, phase: 'normal' } };
    }
    return { effect: 'none', state: base };
  }
  if (base.phase === 'raised') return { effect: 'none', state: base };
  const since = base.phase === 'rising' && base.since ? base.since : reading.at;
  const heldMs = Date.parse(reading.at) - Date.parse(since);
  if (heldMs < rule.sustainMinutes * 60_000) return { effect: 'none', state: { ...base, phase: 'rising', since } };
  return { effect: 'raise', state: { ...base, phase: 'raised', since, incidents: base.incidents + 1 } };
}
