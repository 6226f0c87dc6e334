/**
 * When did a guest forward its first datagram? Polls its egress tap's
 * counters (tap-counters.ts) every `periodMs` and stamps the first poll that
 * saw a frame longer than QEMU's self-announce: the instant is late by at
 * most one period plus the timer's jitter (documented in docs/qemu-lab.md).
 */
import { monoNs } from '../../../util/clock.js';
import { carriedDataFrame, readNetDev, type IfaceCounters } from './tap-counters.js';

export class ForwardWatch {
  private last: IfaceCounters | null = null;
  private timer: NodeJS.Timeout | null = null;
  private firstNs: bigint | null = null;
  private readonly waiters = new Set<() => void>();
  private readonly stopAtNs: bigint;

  constructor(
    private readonly pid: number,
    private readonly tap: string,
    periodMs = 1,
    maxWatchMs = 600_000,
  ) {
    this.stopAtNs = monoNs() + BigInt(maxWatchMs) * 1_000_000n;
    let busy = false;
    this.timer = setInterval(() => {
      if (busy) return;
      busy = true;
      void this.poll().finally(() => {
        busy = false;
      });
    }, periodMs);
    this.timer.unref();
  }

  /** The first data frame's instant (monotonic ns), once seen. */
  get firstForwardAtNs(): bigint | null {
    return this.firstNs;
  }

  private async poll(): Promise<void> {
    const now = monoNs();
    const counters = (await readNetDev(this.pid))?.get(this.tap) ?? null;
    if (counters === null || now > this.stopAtNs) {
      this.stop();
      return;
    }
    if (this.last !== null && carriedDataFrame(this.last, counters)) {
      this.firstNs = now;
      this.stop();
    }
    this.last = counters;
  }

  /** First forward after `afterNs`, waiting up to `timeoutMs`; null when none. */
  async firstAfter(afterNs: bigint, timeoutMs: number): Promise<bigint | null> {
    if (this.firstNs === null && this.timer !== null) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(done, timeoutMs);
        function done(): void {
          clearTimeout(t);
          resolve();
        }
        this.waiters.add(done);
      });
    }
    return this.firstNs !== null && this.firstNs > afterNs ? this.firstNs : null;
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    for (const w of this.waiters) w();
    this.waiters.clear();
  }
}
