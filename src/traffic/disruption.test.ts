import { describe, expect, it } from 'vitest';
import {
  computeDisruption,
  disruptionFromTrace,
  frameLossDisruptionMs,
  timestampDisruptionMs,
} from './disruption.js';
import { between, syntheticTrace } from '../../test/fakes/traffic/trace.js';

const RATE = 1000; // packets/s per flow: 1 ms between packets

describe('frame-loss and timestamp methods (RFC 6201)', () => {
  it('frame-loss: lost / offered rate', () => {
    expect(frameLossDisruptionMs(2000, 10_000)).toBe(200);
    expect(frameLossDisruptionMs(0, 10_000)).toBe(0);
  });

  it('null when nothing was offered', () => {
    expect(computeDisruption({ sent: 0, lost: 0, offeredRateHz: 0, flows: 1, episodes: [] })).toBeNull();
  });

  it('no loss: zero disruption, no gap, resolution one interval', () => {
    const d = disruptionFromTrace({
      offeredRateHz: RATE,
      flows: [syntheticTrace({ rateHz: RATE, sent: 1000 })],
    });
    expect(d).toMatchObject({ lossDerivedMs: 0, gapDerivedMs: null, resolutionMs: 1, lost: 0, episodes: [] });
  });

  it('loss in the middle: frame-loss = lost/rate, gap = arrival after - arrival before', () => {
    const trace = syntheticTrace({ rateHz: RATE, sent: 1000, lost: between(300, 499) });
    const d = disruptionFromTrace({ offeredRateHz: RATE, flows: [trace] });
    expect(d?.lost).toBe(200);
    expect(d?.lossDerivedMs).toBeCloseTo(200, 9);
    // Packet 299 arrived at 1299.5, packet 500 at 1500.5: gap 201 ms, less one 1 ms interval.
    expect(d?.gapDerivedMs).toBeCloseTo(200, 9);
    expect(d).toMatchObject({ lossResolutionMs: 1, gapResolutionMs: 1 });
    expect(d?.episodes).toEqual([
      expect.objectContaining({
        flow: 0,
        firstLostSeq: 300,
        lastLostSeq: 499,
        lost: 200,
        firstLostSentAtMs: 1300,
        lastLostSentAtMs: 1499,
        gapMs: 201,
        lossDerivedMs: 200,
        resolutionMs: 1,
      }),
    ]);
    expect(d?.episodes[0]?.gapDerivedMs).toBeCloseTo(200, 9);
  });

  it('frame-loss counts an episode at the rate its packets were offered: a stall repaid inside the outage', () => {
    // 1000/s, but the generator stalled from 290 to 300 ms and repaid the 10 packets at twice the rate, caught up
    // by 320 ms. The outage drops what was sent in [300, 500) ms: seqs 290..509, 220 packets for 200 ms.
    const sentAtMs = (seq: number): number =>
      seq < 290 ? seq : seq < 330 ? 300 + (seq - 290) / 2 : seq - 10;
    const outage = (seq: number): boolean => sentAtMs(seq) >= 300 && sentAtMs(seq) < 500;
    const trace = syntheticTrace({ rateHz: RATE, sent: 1000, startMs: 0, sentAtMs, lost: outage });
    const d = disruptionFromTrace({ offeredRateHz: RATE, flows: [trace] });
    expect(d?.lost).toBe(220);
    // At the average rate 220 ms; at the rate the lost packets were offered, (499 - 300) / 219 ms each.
    expect(d?.lossDerivedMs).toBeCloseTo((220 * 199) / 219, 9);
    expect(Math.abs((d?.lossDerivedMs ?? 0) - 200)).toBeLessThan(1);
    expect(d?.episodes[0]?.lossDerivedMs).toBeCloseTo((220 * 199) / 219, 9);
  });

  it('frame-loss falls back to the average rate for a single lost packet, and sums corrections over flows', () => {
    const one = disruptionFromTrace({
      offeredRateHz: RATE,
      flows: [syntheticTrace({ rateHz: RATE, sent: 100, lost: (seq) => seq === 50 })],
    });
    expect(one).toMatchObject({ lost: 1, lossDerivedMs: 1 });
    // Two flows at 500/s each (2 ms apart): one evenly paced, one whose lost run was sent at 1 ms spacing.
    const even = syntheticTrace({ rateHz: 500, sent: 200, lost: between(100, 119) });
    const fast = syntheticTrace({
      rateHz: 500,
      sent: 200,
      sentAtMs: (seq) => 1000 + (seq < 100 ? 2 * seq : seq < 120 ? 200 + (seq - 100) : 2 * seq - 20),
      lost: between(100, 119),
    });
    const d = disruptionFromTrace({ offeredRateHz: RATE, flows: [even, fast] });
    expect(d?.episodes.map((e) => e.lossDerivedMs)).toEqual([40, 20]);
    // Averaged over the flows, as lost / aggregate rate is: (40 + 20) / 2.
    expect(d?.lossDerivedMs).toBeCloseTo(30, 9);
  });

  it('loss at the start: no packet before, so no gap', () => {
    const d = disruptionFromTrace({
      offeredRateHz: RATE,
      flows: [syntheticTrace({ rateHz: RATE, sent: 1000, lost: between(0, 99) })],
    });
    expect(d).toMatchObject({ lost: 100, lossDerivedMs: 100, gapDerivedMs: null });
    expect(d?.episodes[0]).toMatchObject({ firstLostSeq: 0, lastLostSeq: 99, gapMs: null });
  });

  it('loss at the end is counted against what was sent, not the highest sequence seen', () => {
    const d = disruptionFromTrace({
      offeredRateHz: RATE,
      flows: [syntheticTrace({ rateHz: RATE, sent: 1000, lost: between(900, 999) })],
    });
    expect(d).toMatchObject({ lost: 100, lossDerivedMs: 100, gapDerivedMs: null });
    expect(d?.episodes[0]).toMatchObject({ firstLostSeq: 900, lastLostSeq: 999, gapMs: null });
  });

  it('several episodes: losses and gaps add up', () => {
    const lost = (s: number): boolean => between(100, 109)(s) || between(500, 549)(s);
    const d = disruptionFromTrace({
      offeredRateHz: RATE,
      flows: [syntheticTrace({ rateHz: RATE, sent: 1000, lost })],
    });
    expect(d?.lost).toBe(60);
    expect(d?.lossDerivedMs).toBeCloseTo(60, 9);
    expect(d?.gapDerivedMs).toBeCloseTo(10 + 50, 9);
    expect(d?.episodes.map((e) => [e.firstLostSeq, e.lost, e.lossDerivedMs, e.gapDerivedMs])).toEqual([
      [100, 10, 10, 10],
      [500, 50, 50, 50],
    ]);
  });

  it('reordering across an episode: the late packet from before the outage does not shrink the gap', () => {
    // 299 is held back and delivered after 400 and 401 (RFC 4737 reordered).
    const trace = syntheticTrace({
      rateHz: RATE,
      sent: 1000,
      lost: between(300, 399),
      delayMs: new Map([[299, 103]]),
    });
    const d = disruptionFromTrace({ offeredRateHz: RATE, flows: [trace] });
    expect(d?.lost).toBe(100);
    // In-order borders: 298 (arrived 1298.5) and 400 (1400.5).
    expect(d?.gapDerivedMs).toBeCloseTo(101, 9);
    expect(d?.episodes).toHaveLength(1);
  });

  it('reordering inside an outage splits the run but the gap is counted once', () => {
    // 350 survives the outage but arrives after 400: runs 300-349 and 351-399 share the borders 299 / 400.
    const trace = syntheticTrace({
      rateHz: RATE,
      sent: 1000,
      lost: (s) => between(300, 399)(s) && s !== 350,
      delayMs: new Map([[350, 60]]),
    });
    const d = disruptionFromTrace({ offeredRateHz: RATE, flows: [trace] });
    expect(d?.lost).toBe(99);
    expect(d?.episodes).toHaveLength(2);
    expect(d?.gapDerivedMs).toBeCloseTo(100, 9);
  });

  it('duplicates neither hide loss nor count as received twice', () => {
    const trace = syntheticTrace({
      rateHz: RATE,
      sent: 1000,
      lost: between(300, 349),
      duplicated: new Set([10, 299, 350, 351]),
    });
    const d = disruptionFromTrace({ offeredRateHz: RATE, flows: [trace] });
    expect(d?.lost).toBe(50);
    expect(d?.gapDerivedMs).toBeCloseTo(50, 9);
  });

  it('several flows: aggregate loss over aggregate rate; gap averaged over flows', () => {
    const outage = between(300, 499);
    const both = disruptionFromTrace({
      offeredRateHz: 2 * RATE,
      flows: [
        syntheticTrace({ rateHz: RATE, sent: 1000, lost: outage }),
        syntheticTrace({ rateHz: RATE, sent: 1000, lost: outage, startMs: 1000.5 }),
      ],
    });
    expect(both?.lost).toBe(400);
    expect(both?.lossDerivedMs).toBeCloseTo(200, 9);
    expect(both?.gapDerivedMs).toBeCloseTo(200, 9);
    expect(both?.resolutionMs).toBe(1);
    expect(both?.episodes.map((e) => e.flow)).toEqual([0, 1]);

    const one = disruptionFromTrace({
      offeredRateHz: 2 * RATE,
      flows: [
        syntheticTrace({ rateHz: RATE, sent: 1000, lost: outage }),
        syntheticTrace({ rateHz: RATE, sent: 1000 }),
      ],
    });
    expect(one?.lossDerivedMs).toBeCloseTo(100, 9);
    expect(one?.gapDerivedMs).toBeCloseTo(100, 9);
  });

  it('32-bit wrap: an outage across 2^32 is one episode', () => {
    const firstSeq = 2 ** 32 - 500;
    const trace = syntheticTrace({
      rateHz: RATE,
      sent: 1000,
      firstSeq,
      lost: between(2 ** 32 - 10, 2 ** 32 + 9),
    });
    const d = disruptionFromTrace({ offeredRateHz: RATE, flows: [trace] });
    expect(d?.lost).toBe(20);
    expect(d?.gapDerivedMs).toBeCloseTo(20, 9);
    expect(d?.episodes[0]).toMatchObject({ firstLostSeq: 2 ** 32 - 10, lastLostSeq: 2 ** 32 + 9, lost: 20 });
  });

  it('timestamp method ignores episodes without both borders', () => {
    const e = {
      flow: 0,
      firstLostSeq: 0,
      lastLostSeq: 9,
      lost: 10,
      firstLostSentAtMs: 0,
      lastLostSentAtMs: 9,
    };
    expect(timestampDisruptionMs([{ ...e, gapMs: null }], 1)).toBeNull();
    expect(
      timestampDisruptionMs(
        [
          { ...e, gapMs: 11 },
          { ...e, firstLostSeq: 50, gapMs: 5 },
        ],
        1,
      ),
    ).toBe(16);
    // Less one interval per gap, never below zero.
    expect(
      timestampDisruptionMs(
        [
          { ...e, gapMs: 11 },
          { ...e, firstLostSeq: 50, gapMs: 0.5 },
        ],
        1,
        1,
      ),
    ).toBe(10);
  });

  it('outage phase does not bias the timestamp method: within one interval of the truth at every phase', () => {
    // 1 ms spacing, a 50.3 ms outage starting at every phase within an interval.
    for (let phase = 0; phase < 1; phase += 0.1) {
      const startMs = 1300 + phase;
      const endMs = startMs + 50.3;
      const trace = syntheticTrace({
        rateHz: RATE,
        sent: 1000,
        latencyMs: 0,
        lost: (seq) => 1000 + seq >= startMs && 1000 + seq < endMs,
      });
      const d = disruptionFromTrace({ offeredRateHz: RATE, flows: [trace] });
      expect(Math.abs((d?.gapDerivedMs ?? Infinity) - 50.3)).toBeLessThanOrEqual(1);
      expect(Math.abs((d?.lossDerivedMs ?? Infinity) - 50.3)).toBeLessThanOrEqual(1);
    }
  });
});
