/** #18 item 4: a device's incident, reading by reading (shared/sensors/incident.ts). */
import { describe, expect, it } from 'vitest';
import { initialState, step } from '../../shared/sensors/incident.js';
import { deviceRules, type DeviceState } from '../../shared/sensors/model.js';

const bin = deviceRules['bin-fill'];
const damp = deviceRules['damp-humidity'];
const t0 = Date.parse('2026-11-30T00:00:00.000Z');
const at = (minutes: number) => new Date(t0 + minutes * 60_000).toISOString();

/** Plays readings through `step`, returning the raises and the final state. */
function play(rule: typeof bin | typeof damp, readings: readonly [number, number][]) {
  let state: DeviceState = initialState('d-1');
  const raised: number[] = [];
  readings.forEach(([minute, value], i) => {
    const next = step(state, rule, { messageId: `m${i}`, at: at(minute), value });
    if (next.effect === 'raise') raised.push(next.state.incidents);
    state = next.state;
  });
  return { raised, state };
}

describe('sensor incidents', () => {
  it('when a bin reads full, then one incident is raised, and repeats while full raise nothing', () => {
    expect(
      play(bin, [
        [0, 95],
        [5, 97],
        [10, 99],
        [15, 92],
      ]).raised,
    ).toEqual([1]);
  });

  it('when the reading returns to normal, then the device is re-armed and the next full reading raises a new incident', () => {
    const { raised, state } = play(bin, [
      [0, 95],
      [5, 20],
      [10, 95],
    ]);
    expect(raised).toEqual([1, 2]);
    expect(state.phase).toBe('raised');
  });

  it('when a reading dips between the thresholds, then the incident stays open (no second raise)', () => {
    expect(
      play(bin, [
        [0, 95],
        [5, 70],
        [10, 95],
      ]).raised,
    ).toEqual([1]);
  });

  it('when damp is held for less than 6 hours, then nothing is raised; held for 6 hours, then one incident', () => {
    expect(
      play(damp, [
        [0, 80],
        [180, 81],
        [300, 82],
      ]).raised,
    ).toEqual([]);
    expect(
      play(damp, [
        [0, 80],
        [180, 81],
        [360, 82],
        [420, 83],
      ]).raised,
    ).toEqual([1]);
  });

  it('when damp falls below the raise level before 6 hours, then the clock starts again', () => {
    expect(
      play(damp, [
        [0, 80],
        [180, 70],
        [240, 80],
        [420, 80],
      ]).raised,
    ).toEqual([]);
  });

  it('when a reading older than one applied arrives late, then it changes nothing but is remembered', () => {
    let state = step(initialState('d-1'), bin, { messageId: 'a', at: at(10), value: 95 }).state;
    const late = step(state, bin, { messageId: 'b', at: at(5), value: 10 });
    state = late.state;
    expect(late.effect).toBe('none');
    expect(state.phase).toBe('raised');
    expect(state.recentMessageIds).toEqual(['a', 'b']);
  });
});
