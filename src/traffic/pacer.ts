/**
 * The generator's send schedule, as a pure function of the monotonic clock
 * (the worker calls `take(now)` and sends that many datagrams).
 *
 * Packet k is due at `start + k / rate`. The generator thread can be late
 * (GC, a busy CPU); what it then does decides whether the offered rate
 * stays true, which matters because RFC 6201 §4.2.1's frame-loss method
 * divides the lost count by that rate:
 *
 *  - A lag is **repaid**, not dropped: over a span that contains a stall and
 *    its recovery exactly as many packets leave as the rate asks for, so any
 *    1 s window that is not cut inside a stall holds the rate to one packet.
 *  - Bursts are bounded: right after a stall at most `burstCapPackets` leave
 *    back to back (a token bucket of that depth), then the lag is repaid at
 *    `catchUpFactor` x the rate, so a stall of L ms is made good within
 *    L / (catchUpFactor - 1) ms and the device under test never sees more
 *    than that factor of the load.
 *  - A lag beyond `maxLagPackets` (the process was suspended, say) is
 *    skipped and counted: repaying seconds of traffic would be a flood, not
 *    the offered load. Skipped packets take no sequence number.
 */
import { InvalidArgumentError } from '../util/errors.js';
export interface PacerOptions {
  /** Aggregate rate, packets/s. */
  readonly rateHz: number;
  /** Most packets sent back to back after a stall (the token bucket's depth), >= 1. */
  readonly burstCapPackets: number;
  /** Rate while repaying a lag, as a multiple of `rateHz` (> 1). */
  readonly catchUpFactor: number;
  /** Longest lag repaid, packets; a longer one is cut down to it and the rest skipped. */
  readonly maxLagPackets: number;
  /** Stop scheduling after this many packets (a run of fixed duration); null: until stopped. */
  readonly limitPackets: number | null;
}

/** Send schedule of one run (see the module comment). */
export class Pacer {
  private readonly intervalMs: number;
  private readonly tokenIntervalMs: number;
  private startMs = Number.NaN;
  /** Packets due by now according to the schedule, skipped ones included. */
  private scheduled = 0;
  private sentCount = 0;
  private skippedCount = 0;
  private tokens: number;
  private tokensAtMs = Number.NaN;
  private largestBurst = 0;

  constructor(private readonly opts: PacerOptions) {
    if (!(opts.rateHz > 0)) throw new InvalidArgumentError('rateHz must be > 0');
    if (!(opts.burstCapPackets >= 1)) throw new InvalidArgumentError('burstCapPackets must be >= 1');
    if (!(opts.catchUpFactor > 1)) throw new InvalidArgumentError('catchUpFactor must be > 1');
    this.intervalMs = 1000 / opts.rateHz;
    this.tokenIntervalMs = this.intervalMs / opts.catchUpFactor;
    this.tokens = opts.burstCapPackets;
  }

  /** Start the schedule at `nowMs` (packet 0 is due then). */
  start(nowMs: number): void {
    this.startMs = nowMs;
    this.tokensAtMs = nowMs;
  }

  /** How many packets to send now, at `nowMs` (never decreasing between calls). */
  take(nowMs: number): number {
    if (Number.isNaN(this.startMs)) return 0;
    // 1e-9 packet: a send time computed as a float lands on its due instant, not one call later.
    let due = Math.floor(((nowMs - this.startMs) * this.opts.rateHz) / 1000 + 1e-9) + 1;
    if (this.opts.limitPackets !== null) due = Math.min(due, this.opts.limitPackets);
    if (due > this.scheduled) this.scheduled = due;
    let lag = this.scheduled - this.sentCount - this.skippedCount;
    if (lag > this.opts.maxLagPackets) {
      this.skippedCount += lag - this.opts.maxLagPackets;
      lag = this.opts.maxLagPackets;
    }
    // Tokens accrue at catchUpFactor x the rate up to the bucket's depth.
    const accrued = Math.floor((nowMs - this.tokensAtMs) / this.tokenIntervalMs);
    if (accrued > 0) {
      this.tokens = Math.min(this.opts.burstCapPackets, this.tokens + accrued);
      this.tokensAtMs =
        this.tokens === this.opts.burstCapPackets ? nowMs : this.tokensAtMs + accrued * this.tokenIntervalMs;
    }
    const send = Math.max(0, Math.min(lag, this.tokens));
    this.tokens -= send;
    this.sentCount += send;
    if (send > this.largestBurst) this.largestBurst = send;
    return send;
  }

  /** When the next packet is due (monotonic ms), for the sleep until then; Infinity once the limit is reached. */
  nextDueMs(): number {
    const next = this.sentCount + this.skippedCount;
    if (this.opts.limitPackets !== null && next >= this.opts.limitPackets) return Infinity;
    return this.startMs + next * this.intervalMs;
  }

  /** Every packet of a fixed-duration run was sent or skipped. */
  get done(): boolean {
    return this.opts.limitPackets !== null && this.sentCount + this.skippedCount >= this.opts.limitPackets;
  }

  get sent(): number {
    return this.sentCount;
  }

  get skipped(): number {
    return this.skippedCount;
  }

  /** Most packets one `take` returned (the largest back-to-back burst). */
  get maxBurst(): number {
    return this.largestBurst;
  }
}
