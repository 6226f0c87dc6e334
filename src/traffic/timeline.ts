/**
 * Received / lost packets per fixed time bin (10 ms by default), by send
 * time, and the longest one-way latency of a received packet per bin, for
 * plots of a run and for the verdict (how long packets sent just before a
 * pause were on their way: the port's TrafficTimeline). Bins are absolute
 * (bin i = [i * binMs, (i + 1) * binMs) of the monotonic clock), so the
 * timelines of several flows or windows merge by bin number.
 */
import type { TrafficTimeline } from '../ports/traffic.js';

/** Bin width of the builtin's timelines, ms. */
export const TIMELINE_BIN_MS = 10;
/** Bins kept per timeline: 2 hours of 10 ms bins (~11 MB as two Uint32 arrays per flow at most). */
export const TIMELINE_MAX_BINS = 720_000;

/** A growing timeline of one flow in one window. */
export class Timeline {
  private firstBin = Number.NaN;
  private received = new Uint32Array(64);
  private lost = new Uint32Array(64);
  /** Longest latency per bin, ms; NaN: no received packet with a known latency. */
  private maxLatency = new Float64Array(64).fill(Number.NaN);
  private length = 0;
  private truncated = false;

  constructor(
    readonly binMs = TIMELINE_BIN_MS,
    private readonly maxBins = TIMELINE_MAX_BINS,
  ) {}

  /**
   * Count `n` packets sent at `sentAtMs` (NaN: unknown, not binned) as
   * received or lost; a received one's one-way latency, when known, raises
   * its bin's longest.
   */
  add(sentAtMs: number, isReceived: boolean, n = 1, latencyMs = Number.NaN): void {
    if (!Number.isFinite(sentAtMs)) return;
    const bin = Math.floor(sentAtMs / this.binMs);
    if (Number.isNaN(this.firstBin)) this.firstBin = bin;
    // Send times only grow per flow, except a window's first settle, which can
    // look back at most one bin: grow at the front in that rare case.
    if (bin < this.firstBin) this.prepend(this.firstBin - bin);
    const i = bin - this.firstBin;
    if (i >= this.maxBins) {
      this.truncated = true;
      return;
    }
    if (i >= this.received.length) this.grow(i + 1);
    if (i >= this.length) this.length = i + 1;
    const a = isReceived ? this.received : this.lost;
    a[i] = (a[i] ?? 0) + n;
    if (isReceived && Number.isFinite(latencyMs) && !(latencyMs <= (this.maxLatency[i] ?? Number.NaN)))
      this.maxLatency[i] = latencyMs;
  }

  /** Spread `n` lost packets evenly over their send times [fromMs, toMs] (a run whose times are known at its ends). */
  addLostSpan(fromMs: number, toMs: number, n: number): void {
    if (n <= 0) return;
    if (n === 1 || !(toMs > fromMs)) {
      this.add(fromMs, false, n);
      return;
    }
    const stepMs = (toMs - fromMs) / (n - 1);
    for (let k = 0; k < n; k++) this.add(fromMs + k * stepMs, false);
  }

  private grow(min: number): void {
    let size = this.received.length;
    while (size < min) size *= 2;
    const r = new Uint32Array(size);
    const l = new Uint32Array(size);
    const m = new Float64Array(size).fill(Number.NaN);
    r.set(this.received);
    l.set(this.lost);
    m.set(this.maxLatency);
    this.received = r;
    this.lost = l;
    this.maxLatency = m;
  }

  private prepend(bins: number): void {
    this.grow(this.length + bins);
    this.received.copyWithin(bins, 0, this.length);
    this.lost.copyWithin(bins, 0, this.length);
    this.maxLatency.copyWithin(bins, 0, this.length);
    this.received.fill(0, 0, bins);
    this.lost.fill(0, 0, bins);
    this.maxLatency.fill(Number.NaN, 0, bins);
    this.length += bins;
    this.firstBin -= bins;
  }

  /** The port's view; `null` when nothing was recorded. */
  toJSON(): TrafficTimeline | null {
    return mergeTimelines([this]);
  }

  /** Internal: raw parts for merging. */
  parts(): {
    firstBin: number;
    received: Uint32Array;
    lost: Uint32Array;
    maxLatency: Float64Array;
    length: number;
    truncated: boolean;
  } {
    return {
      firstBin: this.firstBin,
      received: this.received,
      lost: this.lost,
      maxLatency: this.maxLatency,
      length: this.length,
      truncated: this.truncated,
    };
  }
}

/** Sum several timelines of the same bin width bin by bin; null when all are empty. */
export function mergeTimelines(timelines: readonly Timeline[]): TrafficTimeline | null {
  const parts = timelines.map((t) => t.parts()).filter((p) => p.length > 0);
  const first = timelines[0];
  if (parts.length === 0 || !first) return null;
  const lo = Math.min(...parts.map((p) => p.firstBin));
  const hi = Math.max(...parts.map((p) => p.firstBin + p.length));
  const received = Array.from({ length: hi - lo }, () => 0);
  const lost = Array.from({ length: hi - lo }, () => 0);
  const maxLatencyMs: (number | null)[] = Array.from({ length: hi - lo }, () => null);
  for (const p of parts) {
    const off = p.firstBin - lo;
    for (let i = 0; i < p.length; i++) {
      received[off + i] = (received[off + i] ?? 0) + (p.received[i] ?? 0);
      lost[off + i] = (lost[off + i] ?? 0) + (p.lost[i] ?? 0);
      const m = p.maxLatency[i] ?? Number.NaN;
      // Microseconds are the clock's useful precision here; the record stays small.
      if (Number.isFinite(m))
        maxLatencyMs[off + i] = Math.max(maxLatencyMs[off + i] ?? 0, Math.round(m * 1000) / 1000);
    }
  }
  return {
    binMs: first.binMs,
    startMs: lo * first.binMs,
    received,
    lost,
    maxLatencyMs,
    truncated: parts.some((p) => p.truncated),
  };
}
