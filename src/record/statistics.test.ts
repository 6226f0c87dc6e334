import { VnflabBugError } from '../util/errors.js';
import { describe, expect, it } from 'vitest';
import { percentile, sampleStats } from './statistics.js';

describe('sampleStats', () => {
  it('computes mean, extremes, sample stdev and interpolated percentiles, ignoring nulls', () => {
    const s = sampleStats([4, null, 1, 3, 2, undefined, 5]);
    expect(s).not.toBeNull();
    expect(s!.n).toBe(5);
    expect(s!.mean).toBe(3);
    expect(s!.min).toBe(1);
    expect(s!.max).toBe(5);
    // sum of squares 10 over n - 1 = 4
    expect(s!.stdev).toBeCloseTo(Math.sqrt(2.5), 12);
    expect(s!.p50).toBe(3);
    // rank 0.95 x 4 = 3.8: 4 + 0.8 x (5 - 4)
    expect(s!.p95).toBeCloseTo(4.8, 12);
  });

  it('one sample: spread 0; none: null', () => {
    expect(sampleStats([7])).toEqual({ n: 1, mean: 7, min: 7, max: 7, stdev: 0, p50: 7, p95: 7 });
    expect(sampleStats([null, undefined])).toBeNull();
  });

  it('percentile interpolates between the closest ranks', () => {
    expect(percentile([10, 20], 50)).toBe(15);
    expect(percentile([10, 20, 30, 40], 25)).toBeCloseTo(17.5, 12);
    expect(() => percentile([], 50)).toThrow(VnflabBugError);
  });
});
