/**
 * Per-flow sequence tracking with bounded memory (one sliding window of
 * `capacity` sequence numbers), the core of the receiver.
 *
 * Arrivals only mark their slot. A position is judged later, when the caller
 * **settles** it (its packet had its grace period, see analyzer.ts): received,
 * or lost. All counting happens at settle time, so every position is charged
 * to the window it was sent in (the windows are known by then), and a packet
 * that arrives after its position settled is `late` (RFC 2680 §2.4: a packet
 * that does not arrive within the waiting time is lost) - it stays lost.
 *
 * Reordering follows RFC 4737 §3: a packet is reordered if its sequence
 * number is below NextExp (the highest number seen + 1). Duplicates (RFC 5560)
 * are neither received again nor reordered.
 *
 * A run of consecutive lost positions is a loss episode. For the RFC 6201
 * timestamp method it records the arrival times of the packets that border
 * it. Only in-order packets (each a new highest sequence number when it
 * arrived) are used as borders: they arrive in increasing sequence AND time
 * order, so `after - before` is never negative, even when a packet from
 * before the outage is delivered after the first packet behind it. before =
 * the last in-order packet sent before the run, after = the first in-order
 * packet sent after it. A run that crosses a window boundary is split into
 * one part per window (flags `continuesFromPrevious` / `continuesIntoNext`).
 *
 * At settle time each window also gets, per flow, the one-way latency of its
 * received packets (arrival - send time carried in the packet, one clock) in
 * a log-linear histogram, and a timeline of received / lost by send time.
 */
import { LatencyHistogram } from './latency-histogram.js';
import { extendSeq } from './sequence.js';
import { Timeline } from './timeline.js';
import { InvalidArgumentError } from '../util/errors.js';

const RECEIVED = 1;
const REORDERED = 2;
const LATE_SEEN = 4;

/** Counters of one flow in one window, final for settled positions. */
export interface FlowWindowCounters {
  received: number;
  lost: number;
  duplicated: number;
  reordered: number;
  /** Arrived after their position was settled as lost (still counted lost). */
  late: number;
}

/** One loss episode (or the part of it sent in one window) of one flow. */
export interface FlowEpisode {
  readonly flow: number;
  readonly window: number;
  readonly firstLostSeq: number;
  lastLostSeq: number;
  /** Send times (monotonic ms) of the first and last lost packets; NaN if unknown. */
  readonly firstLostSentAtMs: number;
  lastLostSentAtMs: number;
  /** Arrival (monotonic ms) of the last in-order packet sent before the run; null if none. */
  readonly arrivalBeforeMs: number | null;
  /** Arrival of the first in-order packet sent after the run; null while none has settled. */
  arrivalAfterMs: number | null;
  readonly continuesFromPrevious: boolean;
  continuesIntoNext: boolean;
}

/** One flow's tracker set-up. */
export interface FlowTrackerOptions {
  readonly flow: number;
  /** First (64-bit) sequence number the generator sends on this flow. */
  readonly firstSeq: number;
  /** Positions held between settled and newest; a power of two. */
  readonly capacity: number;
  /** Send time of a sequence number in monotonic ms, or NaN if unknown (used for lost packets). */
  readonly sentAtMs: (seq: number) => number;
  /** Episodes kept per flow (older ones stay counted); default 100,000. */
  readonly maxEpisodes?: number;
}

const emptyCounters = (): FlowWindowCounters => ({
  received: 0,
  lost: 0,
  duplicated: 0,
  reordered: 0,
  late: 0,
});

/** Sequence tracking of one flow (see the module comment). */
export class FlowTracker {
  readonly flow: number;
  readonly firstSeq: number;
  readonly capacity: number;
  private readonly mask: number;
  private readonly sentAtMs: (seq: number) => number;
  private readonly maxEpisodes: number;
  /** Per slot of the live range [base, base + capacity): RECEIVED | REORDERED. */
  private readonly flags: Uint8Array;
  private readonly dups: Uint32Array;
  private readonly arrivalMs: Float64Array;
  /** Send time carried by the received packet (NaN if it carried none). */
  private readonly packetSentMs: Float64Array;
  /** Per slot of the settled range [base - capacity, base): RECEIVED | LATE_SEEN. */
  private readonly history: Uint8Array;

  private baseSeq: number;
  private maxSeqSeen = -1;
  private lastArrival = Number.NaN;
  private readonly windowStarts: number[] = [];
  private readonly counters: FlowWindowCounters[] = [];
  /** Send times of each window's first and last sequence number, recorded as they settle. */
  private readonly firstSentMs: number[] = [];
  private readonly lastSentMs: number[] = [];
  private readonly latency: LatencyHistogram[] = [];
  private readonly timelines: Timeline[] = [];
  private settleWindow = 0;
  /** Arrival of the last settled in-order packet. */
  private lastInOrderArrival = Number.NaN;
  private readonly episodeList: FlowEpisode[] = [];
  /** The part of the current run of lost positions (while the last settled position was lost). */
  private runPart: FlowEpisode | null = null;
  /** Parts whose next in-order packet has not settled yet. */
  private awaitingAfter: FlowEpisode[] = [];
  /** Datagrams that cannot belong to this flow's run (before firstSeq, or absurdly far ahead). */
  stray = 0;
  /** Arrived after even the settled history forgot their position. */
  stale = 0;
  episodesDropped = 0;

  constructor(opts: FlowTrackerOptions) {
    if (!Number.isInteger(Math.log2(opts.capacity)))
      throw new InvalidArgumentError('capacity must be a power of two');
    this.flow = opts.flow;
    this.firstSeq = opts.firstSeq;
    this.capacity = opts.capacity;
    this.mask = opts.capacity - 1;
    this.sentAtMs = opts.sentAtMs;
    this.maxEpisodes = opts.maxEpisodes ?? 100_000;
    this.flags = new Uint8Array(opts.capacity);
    this.dups = new Uint32Array(opts.capacity);
    this.arrivalMs = new Float64Array(opts.capacity);
    this.packetSentMs = new Float64Array(opts.capacity);
    this.history = new Uint8Array(opts.capacity);
    this.baseSeq = opts.firstSeq;
  }

  /** Lowest sequence number not yet settled. */
  get base(): number {
    return this.baseSeq;
  }

  /** Highest sequence number received, or -1. */
  get maxSeq(): number {
    return this.maxSeqSeen;
  }

  /** Arrival of the last datagram of this flow (any kind), monotonic ms; NaN if none. */
  get lastArrivalMs(): number {
    return this.lastArrival;
  }

  get windowCount(): number {
    return this.windowStarts.length;
  }

  /** Open window `index` (0, 1, 2, ... in order) starting at sequence number `startSeq`. */
  openWindow(startSeq: number): void {
    const prev = this.windowStarts[this.windowStarts.length - 1];
    if (prev !== undefined && startSeq < prev)
      throw new InvalidArgumentError('window starts must not decrease');
    this.windowStarts.push(startSeq);
    this.counters.push(emptyCounters());
    this.firstSentMs.push(Number.NaN);
    this.lastSentMs.push(Number.NaN);
    this.latency.push(new LatencyHistogram());
    this.timelines.push(new Timeline());
  }

  /** Record one arriving datagram of this flow (`sentAtMs`: the send time it carries, NaN if none). */
  onPacket(seq32: number, arrivedAtMs: number, sentAtMs = Number.NaN): void {
    const seq = extendSeq(seq32, this.maxSeqSeen >= 0 ? this.maxSeqSeen : this.firstSeq);
    this.lastArrival = arrivedAtMs;
    if (seq < this.firstSeq || seq >= this.baseSeq + 64 * this.capacity) {
      this.stray++;
      return;
    }
    if (seq < this.baseSeq) {
      this.onSettled(seq);
      return;
    }
    if (seq >= this.baseSeq + this.capacity) this.settleTo(seq - this.capacity + 1);
    const slot = seq & this.mask;
    const f = this.flags[slot] ?? 0;
    if (f & RECEIVED) {
      this.dups[slot] = (this.dups[slot] ?? 0) + 1;
      return;
    }
    this.flags[slot] = seq < this.maxSeqSeen ? RECEIVED | REORDERED : RECEIVED;
    this.arrivalMs[slot] = arrivedAtMs;
    this.packetSentMs[slot] = sentAtMs;
    if (seq > this.maxSeqSeen) this.maxSeqSeen = seq;
  }

  /** A datagram for a position already settled: a late duplicate, or a late arrival of a lost packet. */
  private onSettled(seq: number): void {
    if (seq < this.baseSeq - this.capacity) {
      this.stale++;
      return;
    }
    const w = this.windowOf(seq);
    const c = this.counters[w];
    if (!c) return;
    const slot = seq & this.mask;
    const h = this.history[slot] ?? 0;
    if (h & (RECEIVED | LATE_SEEN)) {
      c.duplicated++;
    } else {
      c.late++;
      this.history[slot] = h | LATE_SEEN;
    }
  }

  /**
   * Judge every position below `limitSeq`: received, or lost. The caller
   * guarantees the windows covering them are open (known) already.
   */
  settleTo(limitSeq: number): void {
    const starts = this.windowStarts;
    if (starts.length === 0) return;
    for (let seq = this.baseSeq; seq < limitSeq; seq++) {
      let w = this.settleWindow;
      while (w + 1 < starts.length && seq >= (starts[w + 1] ?? Infinity)) w++;
      const crossed = w !== this.settleWindow;
      if (crossed) this.lastSentMs[this.settleWindow] = this.sentAtMs(seq - 1);
      if (seq === starts[w]) this.firstSentMs[w] = this.sentAtMs(seq);
      this.settleWindow = w;
      const c = this.counters[w] ?? emptyCounters();
      const slot = seq & this.mask;
      const f = this.flags[slot] ?? 0;
      if (f & RECEIVED) {
        c.received++;
        const arrivedMs = this.arrivalMs[slot] ?? Number.NaN;
        const carried = this.packetSentMs[slot] ?? Number.NaN;
        const sentMs = Number.isNaN(carried) ? this.sentAtMs(seq) : carried;
        const latencyMs = arrivedMs - sentMs;
        if (!Number.isNaN(sentMs)) this.latency[w]?.recordMs(latencyMs);
        this.timelines[w]?.add(sentMs, true, 1, latencyMs);
        if (f & REORDERED) c.reordered++;
        c.duplicated += this.dups[slot] ?? 0;
        this.endPart();
        if (!(f & REORDERED)) this.onInOrderSettled(arrivedMs);
        this.history[slot] = RECEIVED;
      } else {
        c.lost++;
        this.timelines[w]?.add(this.sentAtMs(seq), false);
        this.extendRun(seq, w, crossed);
        this.history[slot] = 0;
      }
      this.flags[slot] = 0;
      this.dups[slot] = 0;
    }
    if (limitSeq > this.baseSeq) this.baseSeq = limitSeq;
    // One send-time lookup per call for a run still growing, not one per lost packet.
    if (this.runPart) this.runPart.lastLostSentAtMs = this.sentAtMs(this.runPart.lastLostSeq);
  }

  /** The current part of a run ends: fix its last send time while the generator's ring still holds it. */
  private endPart(): void {
    if (!this.runPart) return;
    this.runPart.lastLostSentAtMs = this.sentAtMs(this.runPart.lastLostSeq);
    this.runPart = null;
  }

  private extendRun(seq: number, window: number, crossedIntoWindow: boolean): void {
    const part = this.runPart;
    if (part && !crossedIntoWindow) {
      part.lastLostSeq = seq;
      return;
    }
    if (part) {
      part.continuesIntoNext = true;
      this.endPart();
    }
    const sentAt = this.sentAtMs(seq);
    const episode: FlowEpisode = {
      flow: this.flow,
      window,
      firstLostSeq: seq,
      lastLostSeq: seq,
      firstLostSentAtMs: sentAt,
      lastLostSentAtMs: sentAt,
      arrivalBeforeMs: Number.isNaN(this.lastInOrderArrival) ? null : this.lastInOrderArrival,
      arrivalAfterMs: null,
      continuesFromPrevious: part !== null,
      continuesIntoNext: false,
    };
    this.runPart = episode;
    this.awaitingAfter.push(episode);
    if (this.episodeList.length < this.maxEpisodes) this.episodeList.push(episode);
    else this.episodesDropped++;
  }

  private onInOrderSettled(arrivedAtMs: number): void {
    this.lastInOrderArrival = arrivedAtMs;
    if (this.awaitingAfter.length === 0) return;
    for (const part of this.awaitingAfter) part.arrivalAfterMs = arrivedAtMs;
    this.awaitingAfter = [];
  }

  /** Index of the window a sequence number was sent in (-1 before the first). */
  windowOf(seq: number): number {
    const starts = this.windowStarts;
    let lo = 0;
    let hi = starts.length - 1;
    if (hi < 0 || seq < (starts[0] ?? Infinity)) return -1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] ?? Infinity) <= seq) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** First sequence number of window `index`. */
  windowStart(index: number): number | undefined {
    return this.windowStarts[index];
  }

  /**
   * Send times (monotonic ms) of the first and of the last sequence number of
   * window `index`, once settled (NaN before, or for an empty window).
   */
  windowSendTimes(index: number): { firstMs: number; lastMs: number } {
    return { firstMs: this.firstSentMs[index] ?? Number.NaN, lastMs: this.lastSentMs[index] ?? Number.NaN };
  }

  /** Latency histogram of the packets of window `index` settled as received (live object: read, do not keep). */
  windowLatency(index: number): LatencyHistogram | undefined {
    return this.latency[index];
  }

  /** Timeline of the settled positions of window `index` (live object). */
  windowTimeline(index: number): Timeline | undefined {
    return this.timelines[index];
  }

  /** Settled counters of window `index` (a copy). */
  windowCounters(index: number): FlowWindowCounters {
    return { ...(this.counters[index] ?? emptyCounters()) };
  }

  /** Received but not yet settled positions in [fromSeq, toSeq). */
  receivedUnsettled(fromSeq: number, toSeq: number): number {
    const end = Math.min(toSeq, this.baseSeq + this.capacity, this.maxSeqSeen + 1);
    let n = 0;
    for (let seq = Math.max(fromSeq, this.baseSeq); seq < end; seq++) {
      if ((this.flags[seq & this.mask] ?? 0) & RECEIVED) n++;
    }
    return n;
  }

  /** Episodes (parts per window) in settle order; the last may still be open. */
  episodes(): readonly FlowEpisode[] {
    return this.episodeList;
  }
}
