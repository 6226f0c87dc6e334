/**
 * One-way latency histogram with log-linear buckets, as HdrHistogram lays
 * them out (Gil Tene, "HdrHistogram: a High Dynamic Range histogram"):
 * values are integer microseconds; below 2^SUB_BITS each value has its own
 * bucket, above it every power-of-two range is split into 2^(SUB_BITS-1)
 * equal buckets, so a bucket is never wider than 1/2^(SUB_BITS-1) of its
 * values (0.79 % here). Fixed memory (~13 KB, allocated on the first
 * value) whatever the range (1 us to ~71 minutes), O(1) per record,
 * mergeable by adding counts.
 */
import type { FlowLatency } from '../ports/traffic.js';

const SUB_BITS = 8;
const SUB_COUNT = 1 << SUB_BITS; // 256
const HALF = SUB_COUNT >> 1; // 128
/** Values are clamped below 2^32 us (~71 min). */
const MAX_US = 2 ** 32 - 1;
const BUCKETS = (32 - SUB_BITS + 1) * HALF + HALF;

/** Relative width of the widest bucket: the precision of a reported percentile. */
export const LATENCY_PRECISION = 1 / HALF;

/** Bucket index of an integer value in us. */
export function bucketOf(us: number): number {
  if (us < SUB_COUNT) return us;
  const msb = 31 - Math.clz32(us);
  const shift = msb - (SUB_BITS - 1);
  return shift * HALF + (us >>> shift);
}

/** Highest value (us) that falls in bucket `index`. */
export function bucketUpperUs(index: number): number {
  if (index < SUB_COUNT) return index;
  const shift = Math.floor(index / HALF) - 1;
  const sub = index - shift * HALF;
  return (sub + 1) * 2 ** shift - 1;
}

/** Latency histogram of one flow (or one flow in one window). */
export class LatencyHistogram {
  /** Allocated on the first value: an empty window or flow costs nothing. */
  private counts: Uint32Array | null = null;
  private n = 0;
  private sumUs = 0;
  private minUs = Infinity;
  private maxUs = -Infinity;

  /** Packets recorded. */
  get count(): number {
    return this.n;
  }

  /** Record one latency in ms (negative values, impossible on one clock, count as 0). */
  recordMs(latencyMs: number): void {
    if (!(latencyMs >= 0)) latencyMs = 0;
    const us = Math.min(MAX_US, Math.round(latencyMs * 1000));
    const i = bucketOf(us);
    const counts = (this.counts ??= new Uint32Array(BUCKETS));
    counts[i] = (counts[i] ?? 0) + 1;
    this.n++;
    this.sumUs += us;
    if (us < this.minUs) this.minUs = us;
    if (us > this.maxUs) this.maxUs = us;
  }

  /** Add every count of `other` to this one. */
  merge(other: LatencyHistogram): void {
    if (other.n === 0 || !other.counts) return;
    const counts = (this.counts ??= new Uint32Array(BUCKETS));
    for (let i = 0; i < BUCKETS; i++) {
      const c = other.counts[i] ?? 0;
      if (c) counts[i] = (counts[i] ?? 0) + c;
    }
    this.n += other.n;
    this.sumUs += other.sumUs;
    this.minUs = Math.min(this.minUs, other.minUs);
    this.maxUs = Math.max(this.maxUs, other.maxUs);
  }

  /**
   * Value at `percentile` (0..100) in ms: the upper edge of the bucket holding
   * the ceil(p/100 * n)-th smallest value, never above the exact maximum.
   * Null when empty.
   */
  percentileMs(percentile: number): number | null {
    if (this.n === 0 || !this.counts) return null;
    const rank = Math.max(1, Math.ceil((percentile / 100) * this.n));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i] ?? 0;
      if (seen >= rank) return Math.min(bucketUpperUs(i), this.maxUs) / 1000;
    }
    return this.maxUs / 1000;
  }

  /** The port's summary of this histogram. */
  summary(flow: number): FlowLatency {
    const empty = this.n === 0;
    return {
      flow,
      count: this.n,
      minMs: empty ? null : this.minUs / 1000,
      p50Ms: this.percentileMs(50),
      p99Ms: this.percentileMs(99),
      maxMs: empty ? null : this.maxUs / 1000,
      meanMs: empty ? null : this.sumUs / this.n / 1000,
      precision: LATENCY_PRECISION,
    };
  }
}
