import { describe, expect, it } from 'vitest';
import { LATENCY_PRECISION, LatencyHistogram, bucketOf, bucketUpperUs } from './latency-histogram.js';

describe('LatencyHistogram (log-linear, HDR-style)', () => {
  it('buckets are contiguous, each value within its bucket, width within the precision', () => {
    let prevUpper = -1;
    for (let i = 0; i < bucketOf(2 ** 32 - 1); i++) {
      const upper = bucketUpperUs(i);
      expect(upper).toBeGreaterThan(prevUpper);
      const lower = prevUpper + 1;
      expect(bucketOf(lower)).toBe(i);
      expect(bucketOf(upper)).toBe(i);
      expect(upper - lower).toBeLessThanOrEqual(Math.max(0, lower * LATENCY_PRECISION));
      prevUpper = upper;
    }
  });

  it('p50 / p99 / max of a known distribution within the precision, max exact', () => {
    const h = new LatencyHistogram();
    // 1..10000 us: p50 = 5000 us, p99 = 9900 us.
    for (let us = 1; us <= 10_000; us++) h.recordMs(us / 1000);
    const s = h.summary(3);
    expect(s).toMatchObject({ flow: 3, count: 10_000, minMs: 0.001, maxMs: 10 });
    expect(s.p50Ms).toBeGreaterThanOrEqual(5);
    expect(s.p50Ms).toBeLessThanOrEqual(5 * (1 + LATENCY_PRECISION));
    expect(s.p99Ms).toBeGreaterThanOrEqual(9.9);
    expect(s.p99Ms).toBeLessThanOrEqual(9.9 * (1 + LATENCY_PRECISION));
    expect(s.meanMs).toBeCloseTo(5.0005, 6);
  });

  it('a single outlier is the max but not the p99', () => {
    const h = new LatencyHistogram();
    for (let i = 0; i < 999; i++) h.recordMs(0.05);
    h.recordMs(250);
    expect(h.percentileMs(99)).toBeCloseTo(0.05, 3);
    expect(h.summary(0).maxMs).toBe(250);
    expect(h.percentileMs(100)).toBe(250);
  });

  it('merges by adding counts; empty summaries are null; negative latency counts as 0', () => {
    const a = new LatencyHistogram();
    const b = new LatencyHistogram();
    expect(a.summary(0)).toMatchObject({ count: 0, p50Ms: null, p99Ms: null, maxMs: null, minMs: null });
    a.recordMs(1);
    b.recordMs(3);
    b.recordMs(-0.001);
    a.merge(b);
    expect(a.summary(0)).toMatchObject({ count: 3, minMs: 0, maxMs: 3 });
    // The upper edge of the bucket holding 1000 us (1000..1003 us).
    expect(a.percentileMs(50)).toBe(1.003);
  });
});
