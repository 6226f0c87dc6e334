/**
 * State shared by the harness thread, the generator worker and the receiver
 * worker through one SharedArrayBuffer, so that a window boundary is cut
 * instantly (no message round trip) and the receiver knows exactly what was
 * sent and when.
 *
 * Writers: the generator owns `nextSeq`, the send-time rings and its
 * counters; the harness owns the window boundaries. Plain (non-atomic)
 * writes are published by a later `Atomics.store` and read after an
 * `Atomics.load` of the same cell (ECMAScript memory model:
 * synchronizes-with), e.g. a send time is written before `nextSeq` moves past
 * its sequence number.
 */
import { InvalidArgumentError } from '../util/errors.js';

/** Sizes the buffer is laid out for. */
export interface SharedLayout {
  readonly flows: number;
  /** Send times kept per flow; a power of two. */
  readonly ringSize: number;
  /** Windows (ClearCounters calls + 1) a run may open. */
  readonly maxWindows: number;
}

const CTL_CUT_PENDING = 0;
const CTL_WINDOW_COUNT = 1;
const CTL_STOP = 2;
const CTL_GEN_STATE = 3;
const CTL_INTS = 8;

/** Generator states. */
export const GEN_IDLE = 0;
export const GEN_RUNNING = 1;
export const GEN_STOPPED = 2;

const C_SKIPPED = 0;
const C_SEND_ERRORS = 1;
const C_MAX_BURST = 2;
const COUNTERS = 3;

const T_STARTED = 0;
const T_STOPPED = 1;
const TIMES = 2;

/** Typed views over the shared buffer, with the operations of each writer and reader. */
export class SharedTrafficState {
  readonly buffer: SharedArrayBuffer;
  readonly layout: SharedLayout;
  private readonly ctl: Int32Array;
  /** Per flow: next sequence number the generator will send (= first unsent). */
  private readonly next: BigInt64Array;
  private readonly counters: BigInt64Array;
  private readonly times: Float64Array;
  /** [window * flows + flow]: first sequence number of the window. */
  private readonly boundaries: Float64Array;
  /** [flow * ringSize + (seq & mask)]: send time, monotonic ms. */
  private readonly ring: Float64Array;
  private readonly ringMask: number;

  private constructor(buffer: SharedArrayBuffer, layout: SharedLayout) {
    const { flows, ringSize, maxWindows } = layout;
    this.buffer = buffer;
    this.layout = layout;
    let off = 0;
    const take = (bytes: number): number => {
      const at = off;
      off += Math.ceil(bytes / 8) * 8;
      return at;
    };
    this.ctl = new Int32Array(buffer, take(CTL_INTS * 4), CTL_INTS);
    this.next = new BigInt64Array(buffer, take(flows * 8), flows);
    this.counters = new BigInt64Array(buffer, take(COUNTERS * 8), COUNTERS);
    this.times = new Float64Array(buffer, take(TIMES * 8), TIMES);
    this.boundaries = new Float64Array(buffer, take(maxWindows * flows * 8), maxWindows * flows);
    this.ring = new Float64Array(buffer, take(flows * ringSize * 8), flows * ringSize);
    this.ringMask = ringSize - 1;
  }

  static bytesFor(layout: SharedLayout): number {
    const r8 = (n: number): number => Math.ceil(n / 8) * 8;
    const { flows, ringSize, maxWindows } = layout;
    return (
      r8(CTL_INTS * 4) +
      r8(flows * 8) +
      COUNTERS * 8 +
      TIMES * 8 +
      maxWindows * flows * 8 +
      flows * ringSize * 8
    );
  }

  /** A fresh buffer; every flow's next sequence number starts at `firstSeq`. */
  static create(layout: SharedLayout, firstSeq: number): SharedTrafficState {
    if (!Number.isInteger(Math.log2(layout.ringSize)))
      throw new InvalidArgumentError('ringSize must be a power of two');
    const state = new SharedTrafficState(new SharedArrayBuffer(SharedTrafficState.bytesFor(layout)), layout);
    for (let f = 0; f < layout.flows; f++) Atomics.store(state.next, f, BigInt(firstSeq));
    state.times.fill(Number.NaN);
    return state;
  }

  /** The view of a buffer received from another thread. */
  static attach(buffer: SharedArrayBuffer, layout: SharedLayout): SharedTrafficState {
    return new SharedTrafficState(buffer, layout);
  }

  // --- generator side ---------------------------------------------------

  /** Record the send time of `seq` and publish that every number up to it is sent (before the datagram leaves). */
  publishSend(flow: number, seq: number, sentAtMs: number): void {
    this.ring[flow * this.layout.ringSize + (seq & this.ringMask)] = sentAtMs;
    Atomics.store(this.next, flow, BigInt(seq + 1));
  }

  /** `count` consecutive numbers of `flow` from `firstSeq`, all sent at `sentAtMs` (one batch), with one store. */
  publishSends(flow: number, firstSeq: number, count: number, sentAtMs: number): void {
    const base = flow * this.layout.ringSize;
    for (let i = 0; i < count; i++) this.ring[base + ((firstSeq + i) & this.ringMask)] = sentAtMs;
    Atomics.store(this.next, flow, BigInt(firstSeq + count));
  }

  addSkipped(n: number): void {
    Atomics.add(this.counters, C_SKIPPED, BigInt(n));
  }

  /** Record a burst of `n` datagrams sent back to back (the largest is kept). */
  noteBurst(n: number): void {
    if (n > Number(this.counters[C_MAX_BURST] ?? 0n)) Atomics.store(this.counters, C_MAX_BURST, BigInt(n));
  }

  addSendError(): void {
    Atomics.add(this.counters, C_SEND_ERRORS, 1n);
  }

  markStarted(atMs: number): void {
    this.times[T_STARTED] = atMs;
    Atomics.store(this.ctl, CTL_GEN_STATE, GEN_RUNNING);
  }

  markStopped(atMs: number): void {
    this.times[T_STOPPED] = atMs;
    Atomics.store(this.ctl, CTL_GEN_STATE, GEN_STOPPED);
  }

  get stopRequested(): boolean {
    return Atomics.load(this.ctl, CTL_STOP) !== 0;
  }

  // --- harness side -----------------------------------------------------

  requestStop(): void {
    Atomics.store(this.ctl, CTL_STOP, 1);
  }

  /**
   * Cut a window boundary now: window `windowCount` starts at every flow's
   * next sequence number. The pending flag tells the receiver not to settle
   * while the boundary is half written (see analyzer.ts).
   */
  cutWindow(): number {
    const index = Atomics.load(this.ctl, CTL_WINDOW_COUNT);
    const { flows, maxWindows } = this.layout;
    if (index >= maxWindows) throw new InvalidArgumentError(`at most ${maxWindows} windows`);
    Atomics.store(this.ctl, CTL_CUT_PENDING, 1);
    for (let f = 0; f < flows; f++) this.boundaries[index * flows + f] = this.nextSeq(f);
    Atomics.store(this.ctl, CTL_WINDOW_COUNT, index + 1);
    Atomics.store(this.ctl, CTL_CUT_PENDING, 0);
    return index;
  }

  // --- readers ----------------------------------------------------------

  get generatorState(): number {
    return Atomics.load(this.ctl, CTL_GEN_STATE);
  }

  get startedAtMs(): number {
    return this.generatorState === GEN_IDLE ? Number.NaN : (this.times[T_STARTED] ?? Number.NaN);
  }

  get stoppedAtMs(): number {
    return this.generatorState === GEN_STOPPED ? (this.times[T_STOPPED] ?? Number.NaN) : Number.NaN;
  }

  nextSeq(flow: number): number {
    return Number(Atomics.load(this.next, flow));
  }

  get skipped(): number {
    return Number(Atomics.load(this.counters, C_SKIPPED));
  }

  /** Most datagrams the generator sent back to back. */
  get maxBurst(): number {
    return Number(Atomics.load(this.counters, C_MAX_BURST));
  }

  get sendErrors(): number {
    return Number(Atomics.load(this.counters, C_SEND_ERRORS));
  }

  get cutPending(): boolean {
    return Atomics.load(this.ctl, CTL_CUT_PENDING) !== 0;
  }

  get windowCount(): number {
    return Atomics.load(this.ctl, CTL_WINDOW_COUNT);
  }

  /** First sequence number of `window` on `flow` (valid for window < windowCount). */
  windowStart(window: number, flow: number): number {
    return this.boundaries[window * this.layout.flows + flow] ?? Number.NaN;
  }

  /** Send time of `seq` on `flow` if it was sent and is still in the ring, else NaN. */
  sentAtMs(flow: number, seq: number): number {
    const next = this.nextSeq(flow);
    const size = this.layout.ringSize;
    if (seq >= next || seq < next - size) return Number.NaN;
    const t = this.ring[flow * size + (seq & this.ringMask)] ?? Number.NaN;
    // The generator may have lapped the slot while we read it.
    return seq < this.nextSeq(flow) - size ? Number.NaN : t;
  }

  /**
   * The first sequence number in [fromSeq, next) of `flow` sent after
   * `timeMs`, i.e. every number below the result was sent at or before
   * `timeMs`. Binary search over the ring (send times grow with the sequence
   * number); numbers older than the ring count as sent before.
   */
  firstSentAfter(flow: number, fromSeq: number, timeMs: number): number {
    const next = this.nextSeq(flow);
    const size = this.layout.ringSize;
    let lo = Math.max(fromSeq, next - size + 1);
    let hi = next;
    if (lo >= hi) return Math.max(fromSeq, next);
    const base = flow * size;
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      const t = this.ring[base + (mid & this.ringMask)] ?? Number.NaN;
      if (t <= timeMs) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
