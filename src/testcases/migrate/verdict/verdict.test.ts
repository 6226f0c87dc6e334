import { describe, expect, it } from 'vitest';
import type { WindowStats } from '../../../ports/traffic.js';
import type { TcResult } from '../../../record/result.js';
import { inFlightBeforeMs, switchOverSlack } from './verdict.js';

/** A record holding only the traffic windows the slack reads. */
function resultOf(windows: Partial<WindowStats>[]): TcResult {
  return { traffic: { windows } } as unknown as TcResult;
}

/** A window with a p99 latency and a 10 ms timeline from 1000 ms, one longest latency per bin. */
function windowOf(
  closedAtMs: number | null,
  p99Ms: number,
  maxLatencyMs: (number | null)[],
): Partial<WindowStats> {
  const n = maxLatencyMs.length;
  return {
    closedAtMs,
    latency: [
      { flow: 0, count: 10, minMs: 0.1, p50Ms: 0.2, p99Ms, maxMs: p99Ms, meanMs: 0.2, precision: 0.008 },
    ],
    timeline: {
      binMs: 10,
      startMs: 1000,
      received: maxLatencyMs.map((m) => (m === null ? 0 : 10)),
      lost: Array.from({ length: n }, () => 0),
      maxLatencyMs,
      truncated: false,
    },
  };
}

describe('switch-over slack before the pause', () => {
  it('takes the longest latency of the last received bins before the pause', () => {
    // Bins 1000..1090; pause at 1070: bins from 1070 on end after it and are not looked at.
    const lat = [1, 1, 1, 1, 1, 2, 90, 1000, 5000, 5000];
    const r = resultOf([windowOf(null, 80, lat)]);
    expect(inFlightBeforeMs(r, 1070)).toBe(90);
    expect(inFlightBeforeMs(r, 1080)).toBe(1000);
    // Only bins that received count: a silent bin just before the pause is skipped.
    expect(inFlightBeforeMs(resultOf([windowOf(null, 80, [3, 4, null])]), 1030)).toBe(4);
    expect(inFlightBeforeMs(resultOf([windowOf(null, 80, [null, null])]), 1020)).toBeNull();
  });

  it('looks at no more than the last 20 received bins, within 2 s of the pause', () => {
    const lat = [500, ...Array.from({ length: 20 }, () => 3)];
    expect(inFlightBeforeMs(resultOf([windowOf(null, 3, lat)]), 1210)).toBe(3);
    expect(inFlightBeforeMs(resultOf([windowOf(null, 3, lat)]), 1200)).toBe(500);
    expect(inFlightBeforeMs(resultOf([windowOf(null, 3, [7])]), 1000 + 2_000)).toBe(7);
    expect(inFlightBeforeMs(resultOf([windowOf(null, 3, [7])]), 1000 + 2_001)).toBeNull();
  });

  it('widens to 1.5x the in-flight latency when a raised load queues more than the step-6 load (load trigger)', () => {
    // Before the trigger (closed at 900) p99 2 ms; just before the pause packets took 100 ms.
    const before = windowOf(900, 2, [null]);
    const during = windowOf(null, 90, [1, 1, 100, 100]);
    expect(switchOverSlack(resultOf([before, during]), 950, 0.1, 1040)).toEqual({ before: 150, after: 2 });
    // Without a pause instant, or quiet before it: twice the pre-trigger p99, at least 5 ms.
    expect(switchOverSlack(resultOf([before, during]), 950, 0.1)).toEqual({ before: 5, after: 2 });
    const quiet = windowOf(null, 1, [0.4, 0.5, 0.6, 0.5]);
    expect(switchOverSlack(resultOf([windowOf(900, 4, [null]), quiet]), 950, 0.1, 1040)).toEqual({
      before: 8,
      after: 2,
    });
  });
});
