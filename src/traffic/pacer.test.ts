import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../util/errors.js';
import { Pacer, type PacerOptions } from './pacer.js';

const options = (over: Partial<PacerOptions> = {}): PacerOptions => ({
  rateHz: 10_000,
  burstCapPackets: 50,
  catchUpFactor: 2,
  maxLagPackets: 10_000,
  limitPackets: null,
  ...over,
});

/**
 * Drive a pacer on a synthetic clock: a call every `stepMs`, except that the
 * thread sleeps through the stalls given as [fromMs, toMs). Returns the send
 * time of every packet (the call's time) and the largest single take.
 */
function drive(
  pacer: Pacer,
  untilMs: number,
  stepMs: number,
  stalls: readonly [number, number][] = [],
): { sends: number[]; maxTake: number } {
  const sends: number[] = [];
  let maxTake = 0;
  pacer.start(0);
  for (let t = 0; t <= untilMs; t = Math.round((t + stepMs) * 1e6) / 1e6) {
    if (stalls.some(([a, b]) => t >= a && t < b)) continue;
    const n = pacer.take(t);
    maxTake = Math.max(maxTake, n);
    for (let i = 0; i < n; i++) sends.push(t);
  }
  return { sends, maxTake };
}

/** Index of the first send time >= t (send times are in order). */
function lowerBound(sends: readonly number[], t: number): number {
  let lo = 0;
  let hi = sends.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((sends[mid] ?? Infinity) < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Packets sent in every 1 s window [s, s + 1000) for s = 0, 10, 20, ... up to the end. */
function perSecondCounts(sends: readonly number[], endMs: number): { startMs: number; count: number }[] {
  const out: { startMs: number; count: number }[] = [];
  for (let s = 0; s + 1000 <= endMs; s += 10)
    out.push({ startMs: s, count: lowerBound(sends, s + 1000) - lowerBound(sends, s) });
  return out;
}

describe('Pacer', () => {
  it('without stalls holds the rate in every 1 s window to what one call sends (<= 0.1 %), at any call spacing', () => {
    for (const [rateHz, stepMs] of [
      [10_000, 0.1],
      [10_000, 0.37],
      [1000, 1],
      [200_000, 0.1],
      [200_000, 0.37],
    ] as const) {
      const pacer = new Pacer(options({ rateHz, burstCapPackets: Math.ceil(rateHz / 200) }));
      const { sends } = drive(pacer, 3000, stepMs);
      // A packet leaves at the first call at or after its due time: a window's edges can move what one call sends.
      const perCall = Math.max(1, Math.ceil((stepMs * rateHz) / 1000));
      expect(perCall).toBeLessThanOrEqual(Math.max(1, rateHz * 0.001)); // the 0.1 % target of issue 3
      for (const w of perSecondCounts(sends, 3000))
        expect(
          Math.abs(w.count - rateHz),
          `${rateHz}/s step ${stepMs} ms at ${w.startMs}`,
        ).toBeLessThanOrEqual(perCall);
      expect(pacer.skipped).toBe(0);
    }
  });

  it('repays a stall after a burst of at most the cap, at the catch-up rate, and skips nothing', () => {
    const pacer = new Pacer(options());
    // 20 ms stall at 10k/s: 200 packets behind; 50 leave at once, the rest at 2x the rate.
    const { sends, maxTake } = drive(pacer, 3000, 0.1, [[1000, 1020]]);
    expect(maxTake).toBe(50);
    expect(pacer.maxBurst).toBe(50);
    expect(pacer.skipped).toBe(0);
    // Caught up 20 ms after the stall (150 packets at 2x = 15 ms, plus rounding), and on schedule after.
    const due = (t: number): number => Math.floor(t / 0.1) + 1;
    expect(sends.filter((t) => t <= 1040)).toHaveLength(due(1040));
    // Rate seen by the device while catching up: never above the factor over any 1 ms after the burst.
    for (let t = 1021; t < 1040; t++)
      expect(sends.filter((s) => s >= t && s < t + 1).length).toBeLessThanOrEqual(21);
    // A 1 s window holding the stall and its recovery holds the rate to one packet; one cut inside it is short.
    const counts = perSecondCounts(sends, 3000);
    for (const w of counts) {
      const cutInside =
        (w.startMs > 1000 && w.startMs < 1040) || (w.startMs + 1000 > 1000 && w.startMs + 1000 < 1040);
      if (!cutInside) expect(Math.abs(w.count - 10_000), `window at ${w.startMs}`).toBeLessThanOrEqual(1);
    }
    expect(Math.min(...counts.map((w) => w.count))).toBeLessThan(10_000 - 1);
  });

  it('skips (and counts) a lag beyond the longest it repays', () => {
    const pacer = new Pacer(options({ rateHz: 1000, burstCapPackets: 5, maxLagPackets: 20 }));
    // Stalled through [500, 550): at 550, packets 500..550 are due (51); 20 are repaid, 31 skipped.
    drive(pacer, 2000, 0.5, [[500, 550]]);
    expect(pacer.skipped).toBe(31);
    expect(pacer.sent + pacer.skipped).toBe(2001);
  });

  it('a run of fixed length sends exactly its packets, then has nothing due', () => {
    const pacer = new Pacer(options({ rateHz: 1000, limitPackets: 500 }));
    expect(pacer.done).toBe(false);
    const { sends } = drive(pacer, 1000, 0.5);
    expect(sends).toHaveLength(500);
    expect(sends[sends.length - 1]).toBe(499);
    expect(pacer.done).toBe(true);
    expect(pacer.nextDueMs()).toBe(Infinity);
  });

  it('says when the next packet is due', () => {
    const pacer = new Pacer(options());
    expect(pacer.take(0)).toBe(0); // not started
    pacer.start(100);
    expect(pacer.take(100)).toBe(1);
    expect(pacer.nextDueMs()).toBeCloseTo(100.1, 9);
    expect(pacer.take(100.05)).toBe(0);
    expect(pacer.take(100.35)).toBe(3);
    expect(pacer.nextDueMs()).toBeCloseTo(100.4, 9);
  });

  it('rejects nonsense', () => {
    expect(() => new Pacer(options({ rateHz: 0 }))).toThrow(InvalidArgumentError);
    expect(() => new Pacer(options({ burstCapPackets: 0 }))).toThrow(InvalidArgumentError);
    expect(() => new Pacer(options({ catchUpFactor: 1 }))).toThrow(InvalidArgumentError);
  });
});
