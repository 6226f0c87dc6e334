/**
 * Windows over iperf3's report intervals. iperf3 has no per-packet view the
 * harness can cut at a sequence number, so a window is the set of report
 * intervals (0.1 s) whose midpoint falls between its cut instants: window
 * boundaries have the resolution of one interval. Loss is what the server
 * found missing in those intervals (charged to the interval in which the
 * next packet arrived), plus, once the client has reported what it sent,
 * the **trailing** loss no packet ever followed (sent - the server's total),
 * charged by the client's own intervals to the windows it was sent in.
 */
import type { TrafficTimeline } from '../../ports/traffic.js';
import type { WindowMeta } from '../../traffic/traffic-session.js';
import type { ClientReport } from './client-output.js';
import type { ServerInterval } from './server-output.js';

/** One report interval summed over the streams. */
export interface ReceivedInterval {
  readonly startS: number;
  readonly endS: number;
  lost: number;
  total: number;
  outOfOrder: number;
}

/** A window as the harness knows it: name and cut instants (monotonic ms), as the session keeps it. */
export type IntervalWindow = WindowMeta;

/** What one run of iperf3 reported, in the order it came. */
export class IntervalRecord {
  /** Monotonic ms at which the server's test clock read 0 (best estimate so far). */
  t0Ms = Number.NaN;
  private readonly byStart = new Map<number, ReceivedInterval>();
  private readonly seen = new Set<string>();
  /** Out-of-order counts that came before their interval's line. */
  private readonly pendingOoo = new Map<number, number>();
  /** Lost/Total of the server's final summary (all streams), when printed for every stream. */
  summaryTotal: number | null = null;
  private readonly summaries = new Map<string, ServerInterval>();
  private readonly streams = new Set<string>();
  client: ClientReport | null = null;
  /** Seconds the client was frozen before it stopped (counted in its last interval, not sending). */
  frozenS = 0;
  /** Monotonic ms the newest interval line was read. */
  lastLineMs = Number.NaN;

  constructor(readonly intervalS: number) {}

  /** A stream's interval line, read at `atMs`. Lines printed twice (iperf3 repeats the last at the end) count once. */
  addInterval(i: ServerInterval, atMs: number): void {
    if (i.stream === 'SUM') return; // summed here from the streams' own lines
    const key = `${i.stream}/${i.startS}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.streams.add(i.stream);
    // The least delayed line gives the best estimate of the test's start.
    const t0 = atMs - i.endS * 1000;
    if (!(t0 >= this.t0Ms)) this.t0Ms = t0;
    this.lastLineMs = atMs;
    const k = startKey(i.startS);
    const agg = this.byStart.get(k) ?? { startS: i.startS, endS: i.endS, lost: 0, total: 0, outOfOrder: 0 };
    agg.lost += i.lost;
    agg.total += i.total;
    agg.outOfOrder += this.pendingOoo.get(k) ?? 0;
    this.pendingOoo.delete(k);
    this.byStart.set(k, agg);
  }

  addOutOfOrder(startS: number, count: number): void {
    const agg = this.byStart.get(startKey(startS));
    if (agg) agg.outOfOrder += count;
    else this.pendingOoo.set(startKey(startS), (this.pendingOoo.get(startKey(startS)) ?? 0) + count);
  }

  /**
   * A stream's final summary. A client stopped by a signal ends the test
   * mid-interval and iperf3 prints no line for that last part: what the
   * summary counts beyond the interval lines becomes one more interval.
   */
  addSummary(i: ServerInterval): void {
    if (i.stream === 'SUM' || this.summaries.has(i.stream)) return;
    this.summaries.set(i.stream, i);
    if (this.summaries.size < this.streams.size) return;
    let total = 0;
    let lost = 0;
    let endS = 0;
    for (const sum of this.summaries.values()) {
      total += sum.total;
      lost += sum.lost;
      endS = Math.max(endS, sum.endS);
    }
    const shown = this.intervals();
    const tailTotal = total - shown.reduce((n, x) => n + x.total, 0);
    const tailLost = lost - shown.reduce((n, x) => n + x.lost, 0);
    const lastEndS = shown[shown.length - 1]?.endS ?? 0;
    if (tailTotal !== 0 || tailLost !== 0) {
      const startS = lastEndS;
      this.byStart.set(startKey(startS), {
        startS,
        endS: Math.max(endS, startS + 0.001),
        total: tailTotal,
        lost: tailLost,
        outOfOrder: 0,
      });
    }
    this.summaryTotal = total;
  }

  /** Intervals in time order. */
  intervals(): ReceivedInterval[] {
    return [...this.byStart.values()].sort((a, b) => a.startS - b.startS);
  }

  /** Monotonic ms of an interval's midpoint. */
  midMs(startS: number, endS: number): number {
    return this.t0Ms + ((startS + endS) / 2) * 1000;
  }

  /** Sequence numbers the server saw advance (received + lost), all streams. */
  serverTotal(): number {
    return this.summaryTotal ?? this.intervals().reduce((n, i) => n + i.total, 0);
  }

  /** Sent but never followed by an arriving packet (known once the client reported). */
  trailingLost(): number {
    return this.client ? Math.max(0, this.client.sentPackets - this.serverTotal()) : 0;
  }
}

const startKey = (s: number): number => Math.round(s * 1000);

/** Index of the window open at `atMs` (the last opened at or before it; 0 before the first). */
export function windowAt(windows: readonly IntervalWindow[], atMs: number): number {
  for (let k = windows.length - 1; k > 0; k--) if ((windows[k]?.openedAtMs ?? Infinity) <= atMs) return k;
  return 0;
}

/** Counters of one window. */
export interface IntervalWindowCounts {
  readonly sent: number;
  readonly received: number;
  readonly lost: number;
  readonly reordered: number;
  /** Packets per second offered over the window; null when no interval of it is known. */
  readonly offeredRateHz: number | null;
}

/** Counters of window `k` from the server's intervals and the trailing loss. */
export function intervalWindowCounts(
  rec: IntervalRecord,
  windows: readonly IntervalWindow[],
  k: number,
): IntervalWindowCounts {
  let total = 0;
  let lost = 0;
  let reordered = 0;
  let seconds = 0;
  for (const i of rec.intervals()) {
    if (windowAt(windows, rec.midMs(i.startS, i.endS)) !== k) continue;
    total += i.total;
    lost += i.lost;
    reordered += i.outOfOrder;
    seconds += i.endS - i.startS;
  }
  const trailing = trailingByWindow(rec, windows)[k] ?? 0;
  const sentByClient = clientSentInWindow(rec, windows, k);
  // The client's own counts are the offered load; the server's (received + found missing) until it reported.
  const offeredRateHz =
    sentByClient !== null
      ? sentByClient.seconds > 0
        ? sentByClient.packets / sentByClient.seconds
        : null
      : seconds > 0 && total > 0
        ? total / seconds
        : null;
  return {
    sent: total + trailing,
    received: total - lost,
    lost: lost + trailing,
    reordered,
    offeredRateHz,
  };
}

function clientSentInWindow(
  rec: IntervalRecord,
  windows: readonly IntervalWindow[],
  k: number,
): { packets: number; seconds: number } | null {
  if (!rec.client) return null;
  let packets = 0;
  let seconds = 0;
  const intervals = rec.client.intervals;
  intervals.forEach((i, j) => {
    if (windowAt(windows, rec.midMs(i.startS, i.endS)) !== k) return;
    packets += i.packets;
    const frozenS = j === intervals.length - 1 ? rec.frozenS : 0;
    seconds += Math.max(0, i.endS - i.startS - frozenS);
  });
  return { packets, seconds };
}

/**
 * The trailing loss split over the windows: the last packets the client sent
 * are the ones lost, so walk its intervals backwards, charging each
 * interval's packets to the window of its midpoint until the loss is spent.
 */
export function trailingByWindow(rec: IntervalRecord, windows: readonly IntervalWindow[]): number[] {
  const out = windows.map(() => 0);
  let left = rec.trailingLost();
  const intervals = rec.client?.intervals ?? [];
  for (let j = intervals.length - 1; j >= 0 && left > 0; j--) {
    const i = intervals[j];
    if (!i) continue;
    const n = Math.min(left, i.packets);
    const k = windowAt(windows, rec.midMs(i.startS, i.endS));
    out[k] = (out[k] ?? 0) + n;
    left -= n;
  }
  const last = out.length - 1;
  if (left > 0 && last >= 0) out[last] = (out[last] ?? 0) + left;
  return out;
}

/** Received / lost per report interval (lost as iperf3 charges it: where noticed), over window `k` or all. */
export function intervalTimeline(
  rec: IntervalRecord,
  windows: readonly IntervalWindow[],
  k: number | null,
): TrafficTimeline | undefined {
  const intervals = rec
    .intervals()
    .filter((i) => k === null || windowAt(windows, rec.midMs(i.startS, i.endS)) === k);
  const first = intervals[0];
  if (!first || Number.isNaN(rec.t0Ms)) return undefined;
  const binMs = rec.intervalS * 1000;
  const base = Math.round((first.startS * 1000) / binMs);
  const received: number[] = [];
  const lost: number[] = [];
  for (const i of intervals) {
    const b = Math.round((i.startS * 1000) / binMs) - base;
    while (received.length <= b) {
      received.push(0);
      lost.push(0);
    }
    received[b] = (received[b] ?? 0) + i.total - i.lost;
    lost[b] = (lost[b] ?? 0) + i.lost;
  }
  return { binMs, startMs: rec.t0Ms + first.startS * 1000, received, lost, truncated: false };
}
