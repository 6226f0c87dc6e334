/**
 * The receiver's analysis (runs in the receiver worker, testable without
 * sockets): routes datagrams to per-flow trackers and decides when a
 * sequence number is **settled** - its packet has had the grace period to
 * arrive (the waiting time Tmax of RFC 2680 §2.4) - so loss is counted
 * against what the generator sent, never against the highest number seen.
 *
 * When to settle, robust against the receiver thread itself stalling (a
 * stalled receiver has datagrams waiting in its socket, and must not call
 * them lost): a number is settled once it was sent more than `graceMs`
 * before the *horizon*, where the horizon is
 *  - the newest send time seen in any datagram of the run, while datagrams
 *    keep coming (they drain in send order, so anything sent `graceMs`
 *    before the newest one arrived has had its chance), or
 *  - now, once no datagram has come for `quietMs` on a thread that did not
 *    stall (the socket is drained: nothing more is waiting).
 * Send times of numbers never received come from the generator's ring in
 * the shared state.
 *
 * Window boundaries are read from the shared state; while the harness is
 * writing one (cut pending) nothing is settled, and everything settled was
 * sent `graceMs` before any boundary cut later, so each number is charged to
 * the window it was sent in.
 */
import { wholeEpisodes, windowEpisodes, type BuiltinLossEpisode } from './episodes.js';
import type { FlowLatency, TrafficTimeline } from '../ports/traffic.js';
import { FlowTracker } from './flow-tracker.js';
import { LatencyHistogram } from './latency-histogram.js';
import { isVnflabPacket, readFlow, readRunId, readSentMs, readSeq32 } from './packet.js';
import { GEN_STOPPED, type SharedTrafficState } from './shared-state.js';
import { mergeTimelines, type Timeline } from './timeline.js';

/** How the analyzer of one run judges packets. */
export interface AnalyzerOptions {
  readonly firstSeq: number;
  readonly runId: number;
  readonly graceMs: number;
  /** Sequence numbers each flow tracks between settled and newest (power of two). */
  readonly capacity: number;
  /** No datagram for this long (on a thread that did not stall) means the socket is drained; default 5 ms. */
  readonly quietMs?: number;
  /** A tick later than this after the previous one means the thread stalled; default 10 ms. */
  readonly stallMs?: number;
}

/** Counters of one window summed over the flows. */
export interface WindowCounts {
  readonly window: number;
  readonly sent: number;
  /** Received so far (settled and not yet settled). */
  readonly received: number;
  /** Settled and not received in time (includes `late`). */
  readonly lost: number;
  readonly duplicated: number;
  readonly reordered: number;
  /** Received after their grace period (counted lost). */
  readonly late: number;
  /** Every number of the window is settled: these counts will not change (except late/duplicated arrivals). */
  readonly final: boolean;
  /** Offered rate from the send times of the window's packets, packets/s; null if not known yet. */
  readonly sendRateHz: number | null;
}

/** What the disruption maths needs over a span of settled sequence numbers. */
export interface DisruptionData {
  /** Settled numbers in the span, all flows. */
  readonly sent: number;
  readonly lost: number;
  readonly episodes: BuiltinLossEpisode[];
}

/** Latency per flow and timeline of a window (or the whole run), over its settled packets. */
export interface WindowDetail {
  readonly latency: FlowLatency[];
  readonly timeline: TrafficTimeline | null;
}

/** Datagrams that were not counted, by reason. */
export interface AnalyzerDiagnostics {
  readonly foreign: number;
  readonly otherRun: number;
  readonly badFlow: number;
  readonly stray: number;
  readonly stale: number;
  readonly stalls: number;
  /** The longest stall, ms (0: none), and the longest spans (see ReceiverStalls). */
  readonly longestStallMs: number;
  readonly stallSpans: readonly { readonly fromMs: number; readonly toMs: number }[];
}

/** Stall spans kept (the longest). */
export const STALL_SPANS_KEPT = 50;

/** Per-run analysis over all flows: trackers, settle horizon, window counts, disruption data. */
export class Analyzer {
  private readonly trackers: FlowTracker[];
  private readonly graceMs: number;
  private readonly quietMs: number;
  private readonly stallMs: number;
  private readonly runId: number;
  private knownWindows = 0;
  private newestSentMs = -Infinity;
  private lastDatagramMs = -Infinity;
  private lastTickMs = Number.NaN;
  private lastStallMs = -Infinity;
  private foreign = 0;
  private otherRun = 0;
  private badFlow = 0;
  private stalls = 0;
  private stallSpans: { fromMs: number; toMs: number }[] = [];

  constructor(
    private readonly state: SharedTrafficState,
    opts: AnalyzerOptions,
  ) {
    this.graceMs = opts.graceMs;
    this.quietMs = opts.quietMs ?? 5;
    this.stallMs = opts.stallMs ?? 10;
    this.runId = opts.runId;
    this.trackers = Array.from(
      { length: state.layout.flows },
      (_, flow) =>
        new FlowTracker({
          flow,
          firstSeq: opts.firstSeq,
          capacity: opts.capacity,
          sentAtMs: (seq) => state.sentAtMs(flow, seq),
        }),
    );
  }

  /**
   * One datagram arrived at `nowMs` (monotonic): `length` bytes at `offset`
   * of `buf` (a receive batch's slot; default the whole buffer). No
   * allocation on this path.
   */
  onDatagram(buf: Buffer, nowMs: number, offset = 0, length = buf.length - offset): void {
    this.lastDatagramMs = nowMs;
    if (!isVnflabPacket(buf, offset, length)) {
      this.foreign++;
      return;
    }
    if (readRunId(buf, offset) !== this.runId) {
      this.otherRun++;
      return;
    }
    const tracker = this.trackers[readFlow(buf, offset)];
    if (!tracker) {
      this.badFlow++;
      return;
    }
    const sentMs = readSentMs(buf, offset);
    if (sentMs > this.newestSentMs && sentMs <= nowMs) this.newestSentMs = sentMs;
    tracker.onPacket(readSeq32(buf, offset), nowMs, sentMs);
  }

  /** Periodic work (every ~1 ms): settle what had its grace period. */
  tick(nowMs: number): void {
    if (nowMs - this.lastTickMs > this.stallMs) {
      this.lastStallMs = nowMs;
      this.stalls++;
      this.keepStall(this.lastTickMs, nowMs);
    }
    this.lastTickMs = nowMs;
    if (this.state.cutPending) return;
    this.syncWindows();
    const drained = nowMs - Math.max(this.lastDatagramMs, this.lastStallMs) >= this.quietMs;
    const horizon = (drained ? nowMs : Math.min(this.newestSentMs, nowMs)) - this.graceMs;
    if (horizon === -Infinity) return;
    for (const t of this.trackers) t.settleTo(this.state.firstSentAfter(t.flow, t.base, horizon));
  }

  /** Keep the STALL_SPANS_KEPT longest stalls (dropping the shortest when full). */
  private keepStall(fromMs: number, toMs: number): void {
    const spans = this.stallSpans;
    if (spans.length < STALL_SPANS_KEPT) {
      spans.push({ fromMs, toMs });
      return;
    }
    let shortest = 0;
    for (let i = 1; i < spans.length; i++)
      if (spans[i]!.toMs - spans[i]!.fromMs < spans[shortest]!.toMs - spans[shortest]!.fromMs) shortest = i;
    if (toMs - fromMs > spans[shortest]!.toMs - spans[shortest]!.fromMs) spans[shortest] = { fromMs, toMs };
  }

  private syncWindows(): void {
    const n = this.state.windowCount;
    for (; this.knownWindows < n; this.knownWindows++) {
      for (const t of this.trackers) t.openWindow(this.state.windowStart(this.knownWindows, t.flow));
    }
  }

  /** End (exclusive) of window `k` on a flow; null while it is the open window of a running generator. */
  private windowEnd(k: number, flow: number): number | null {
    if (k + 1 < this.state.windowCount) return this.state.windowStart(k + 1, flow);
    return this.state.generatorState === GEN_STOPPED ? this.state.nextSeq(flow) : null;
  }

  /** Window `k` has an end: a later window was cut, or the generator stopped. */
  isClosed(k: number): boolean {
    return this.windowEnd(k, 0) !== null;
  }

  isFinal(k: number): boolean {
    return this.trackers.every((t) => {
      const end = this.windowEnd(k, t.flow);
      return end !== null && t.base >= end;
    });
  }

  /**
   * Settle window `k` now, whatever the horizon: for a caller that waited
   * long enough. False if it cannot be (still open, or a cut is pending).
   */
  forceSettle(k: number): boolean {
    if (this.state.cutPending) return false;
    this.syncWindows();
    const ends = this.trackers.map((t) => this.windowEnd(k, t.flow));
    if (ends.some((e) => e === null)) return false;
    this.trackers.forEach((t, i) => t.settleTo(ends[i] ?? t.base));
    return true;
  }

  /**
   * Numbers of window `k` sent up to `untilMs` that have not arrived and are
   * not settled yet (still in their grace period). 0: none of them can turn
   * out lost, whatever is still to come.
   */
  missingUnsettled(k: number, untilMs: number): number {
    this.syncWindows();
    let missing = 0;
    for (const t of this.trackers) {
      const start = t.windowStart(k);
      if (start === undefined) continue;
      const from = Math.max(start, t.base);
      const end = this.windowEnd(k, t.flow) ?? this.state.nextSeq(t.flow);
      const to = Math.min(end, this.state.firstSentAfter(t.flow, from, untilMs));
      if (to > from) missing += to - from - t.receivedUnsettled(from, to);
    }
    return missing;
  }

  windowCounts(k: number): WindowCounts {
    this.syncWindows();
    let sent = 0;
    let received = 0;
    let lost = 0;
    let duplicated = 0;
    let reordered = 0;
    let late = 0;
    for (const t of this.trackers) {
      const start = t.windowStart(k);
      if (start === undefined) continue;
      const end = this.windowEnd(k, t.flow) ?? this.state.nextSeq(t.flow);
      const c = t.windowCounters(k);
      sent += end - start;
      received += c.received + t.receivedUnsettled(start, end);
      lost += c.lost;
      duplicated += c.duplicated;
      reordered += c.reordered;
      late += c.late;
    }
    return {
      window: k,
      sent,
      received,
      lost,
      duplicated,
      reordered,
      late,
      final: this.isFinal(k),
      sendRateHz: this.sendRateHz(k),
    };
  }

  /**
   * The offered rate the generator actually achieved over window `k` (or the
   * whole run when null): per flow (packets - 1) / (send time of the last -
   * send time of the first), summed over flows. Exact where the window's cut
   * instants are not (the pacer may lag its schedule a little at a cut).
   * Null when a flow's first or last send time is not known.
   */
  sendRateHz(k: number | null): number | null {
    let rateHz = 0;
    for (const t of this.trackers) {
      const first = k === null ? 0 : k;
      const start = t.windowStart(first);
      if (start === undefined) return null;
      const end =
        k === null ? this.state.nextSeq(t.flow) : (this.windowEnd(k, t.flow) ?? this.state.nextSeq(t.flow));
      const n = end - start;
      if (n < 2) return null;
      const firstMs = t.windowSendTimes(first).firstMs;
      const recorded = k === null ? Number.NaN : t.windowSendTimes(k).lastMs;
      const lastMs = Number.isNaN(recorded) ? this.state.sentAtMs(t.flow, end - 1) : recorded;
      if (!(lastMs > firstMs)) return null;
      rateHz += ((n - 1) / (lastMs - firstMs)) * 1000;
    }
    return rateHz;
  }

  /**
   * One-way latency per flow and the received/lost timeline of window `k`, or
   * of the whole run when `k` is null, over the settled packets (final once
   * the window is).
   */
  windowDetail(k: number | null): WindowDetail {
    this.syncWindows();
    const timelines: Timeline[] = [];
    const latency = this.trackers.map((t) => {
      const h = new LatencyHistogram();
      const windows = k === null ? Array.from({ length: t.windowCount }, (_, w) => w) : [k];
      for (const w of windows) {
        const part = t.windowLatency(w);
        if (part) h.merge(part);
        const tl = t.windowTimeline(w);
        if (tl) timelines.push(tl);
      }
      return h.summary(t.flow);
    });
    return { latency, timeline: mergeTimelines(timelines) };
  }

  /** Every flow had a datagram within the last `windowMs`. */
  flowing(nowMs: number, windowMs: number): boolean {
    return this.trackers.every((t) => nowMs - t.lastArrivalMs <= windowMs);
  }

  /** Settled numbers, loss and episodes of window `k`, or of all traffic when `k` is null. */
  disruptionData(k: number | null): DisruptionData {
    this.syncWindows();
    let sent = 0;
    let lost = 0;
    const episodes: BuiltinLossEpisode[] = [];
    for (const t of this.trackers) {
      if (k === null) {
        sent += t.base - t.firstSeq;
        for (let w = 0; w < t.windowCount; w++) lost += t.windowCounters(w).lost;
        episodes.push(...wholeEpisodes(t.episodes()));
      } else {
        const start = t.windowStart(k);
        if (start === undefined) continue;
        const end = Math.min(t.base, this.windowEnd(k, t.flow) ?? Infinity);
        sent += Math.max(0, end - start);
        lost += t.windowCounters(k).lost;
        episodes.push(...windowEpisodes(t.episodes(), k));
      }
    }
    return { sent, lost, episodes };
  }

  diagnostics(): AnalyzerDiagnostics {
    let stray = 0;
    let stale = 0;
    for (const t of this.trackers) {
      stray += t.stray;
      stale += t.stale;
    }
    return {
      foreign: this.foreign,
      otherRun: this.otherRun,
      badFlow: this.badFlow,
      stray,
      stale,
      stalls: this.stalls,
      longestStallMs: this.stallSpans.reduce((m, s) => Math.max(m, s.toMs - s.fromMs), 0),
      stallSpans: [...this.stallSpans].sort((a, b) => a.fromMs - b.fromMs),
    };
  }
}
