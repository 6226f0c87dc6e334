/**
 * Descriptive statistics of repeated trials (RFC 6201 §4: report the
 * disruption over repeated trials, not one sample).
 */
import { VnflabBugError } from '../util/errors.js';

/** The spread of one figure over the trials that measured it. */
export interface SampleStats {
  /** How many trials measured the figure (others left it null). */
  readonly n: number;
  readonly mean: number;
  readonly min: number;
  readonly max: number;
  /** Sample standard deviation (n - 1 in the denominator); 0 for a single sample. */
  readonly stdev: number;
  /** Median, linear interpolation between the closest ranks. */
  readonly p50: number;
  /** 95th percentile, linear interpolation between the closest ranks. */
  readonly p95: number;
}

/**
 * Percentile `p` (0..100) of sorted values, interpolated linearly between
 * the closest ranks (rank = p/100 x (n - 1), numpy's default).
 */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) throw new VnflabBugError('percentile of no values');
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  return a + (b - a) * (rank - lo);
}

/** Statistics of the non-null values; null when no trial measured the figure. */
export function sampleStats(values: readonly (number | null | undefined)[]): SampleStats | null {
  const xs = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  if (xs.length === 0) return null;
  const sorted = [...xs].sort((a, b) => a - b);
  const n = xs.length;
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  const variance = n > 1 ? xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1) : 0;
  return {
    n,
    mean,
    min: sorted[0] as number,
    max: sorted[n - 1] as number,
    stdev: Math.sqrt(variance),
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
  };
}
