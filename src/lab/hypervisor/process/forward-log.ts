/**
 * When a VNF forwarded datagrams: the instant of the first datagram after
 * each start/resume (kept for the VM's life), plus a ring of the most recent
 * forward instants. Answers "first datagram forwarded after instant T", which
 * gives the true downtime of a migration: the destination's first forward
 * after the source's pause, minus the pause.
 */

const RING_SIZE = 1 << 16; // ~6.5 s of history at 10k packets/s

interface Waiter {
  readonly afterNs: bigint;
  readonly resolve: (ns: bigint | null) => void;
  readonly timer: NodeJS.Timeout;
}

export class ForwardLog {
  private readonly ring = new BigInt64Array(RING_SIZE);
  private recorded = 0;
  private readonly firstsAfterResume: bigint[] = [];
  private awaitingFirst = false;
  private waiters: Waiter[] = [];

  /** The VNF (re)starts forwarding: the next record is a "first after resume". */
  markResume(): void {
    this.awaitingFirst = true;
  }

  /** One datagram forwarded at `ns`. */
  record(ns: bigint): void {
    this.ring[this.recorded & (RING_SIZE - 1)] = ns;
    this.recorded++;
    if (this.awaitingFirst) {
      this.awaitingFirst = false;
      this.firstsAfterResume.push(ns);
    }
    if (this.waiters.length > 0) this.wake(ns);
  }

  /**
   * The earliest recorded forward strictly after `afterNs`, or null. Exact
   * when `afterNs` is within the ring's history or precedes a resume.
   */
  firstAfter(afterNs: bigint): bigint | null {
    let best: bigint | null = null;
    for (const ns of this.firstsAfterResume) {
      if (ns > afterNs) {
        best = ns;
        break;
      }
    }
    const fromRing = this.firstInRingAfter(afterNs);
    if (fromRing !== null && (best === null || fromRing < best)) best = fromRing;
    return best;
  }

  /** Like firstAfter, waiting up to `timeoutMs` for a forward if none happened yet. */
  waitFirstAfter(afterNs: bigint, timeoutMs: number): Promise<bigint | null> {
    const now = this.firstAfter(afterNs);
    if (now !== null || timeoutMs <= 0) return Promise.resolve(now);
    return new Promise((resolve) => {
      const waiter: Waiter = {
        afterNs,
        resolve,
        timer: setTimeout(() => {
          this.waiters = this.waiters.filter((w) => w !== waiter);
          resolve(null);
        }, timeoutMs),
      };
      this.waiters.push(waiter);
    });
  }

  /**
   * Datagrams forwarded per second over the `windowNs` before `nowNs`. When
   * the whole ring is younger than the window (above ~65k/s for 1 s), the
   * rate over the ring's own span.
   */
  rateHz(nowNs: bigint, windowNs = 1_000_000_000n): number {
    const count = Math.min(this.recorded, RING_SIZE);
    if (count === 0) return 0;
    const oldest = this.recorded - count;
    const at = (i: number): bigint => this.ring[(oldest + i) & (RING_SIZE - 1)] ?? 0n;
    const since = nowNs - windowNs;
    if (at(0) > since && count === RING_SIZE) {
      const spanNs = Number(nowNs - at(0));
      return spanNs > 0 ? (count * 1e9) / spanNs : 0;
    }
    const first = this.firstInRingAfter(since);
    if (first === null) return 0;
    let lo = 0;
    let hi = count - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (at(mid) > since) hi = mid;
      else lo = mid + 1;
    }
    return ((count - lo) * 1e9) / Number(windowNs);
  }

  /** Resolve every waiter with null (VM destroyed). */
  close(): void {
    for (const w of this.waiters) {
      clearTimeout(w.timer);
      w.resolve(null);
    }
    this.waiters = [];
  }

  private wake(ns: bigint): void {
    const still: Waiter[] = [];
    for (const w of this.waiters) {
      if (ns > w.afterNs) {
        clearTimeout(w.timer);
        w.resolve(ns);
      } else still.push(w);
    }
    this.waiters = still;
  }

  /** Binary search over the ring (its entries are ascending, oldest first). */
  private firstInRingAfter(afterNs: bigint): bigint | null {
    const count = Math.min(this.recorded, RING_SIZE);
    const oldest = this.recorded - count;
    const at = (i: number): bigint => this.ring[(oldest + i) & (RING_SIZE - 1)] ?? 0n;
    if (count === 0 || at(count - 1) <= afterNs) return null;
    let lo = 0;
    let hi = count - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (at(mid) > afterNs) hi = mid;
      else lo = mid + 1;
    }
    return at(lo);
  }
}
