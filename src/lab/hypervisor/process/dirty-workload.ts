/**
 * The VNF's background workload: writes `pagesPerSec` random pages of its
 * region per second, spread over 1 ms ticks (with catch-up, capped so an
 * event-loop stall does not turn into one huge burst). This is what makes
 * pre-copy migration iterate: pages dirtied during a round are sent again.
 */
import { PAGE_SIZE, type GuestMemory } from './guest-memory.js';

const TICK_MS = 1;
/** At most this much backlog is caught up after a stall. */
const MAX_CATCH_UP_MS = 50;

export class DirtyWorkload {
  private timer: NodeJS.Timeout | null = null;
  private startedMs = 0;
  private done = 0;
  private writes = 0;

  constructor(
    private readonly memory: GuestMemory,
    private readonly firstPage: number,
    private readonly pageCount: number,
    private readonly pagesPerSec: number,
    /** xorshift32 state (never 0); part of the VNF state that migrates. */
    private rng: number,
  ) {
    if (this.rng === 0) this.rng = 0x9e3779b9;
  }

  get rngState(): number {
    return this.rng;
  }

  get running(): boolean {
    return this.timer !== null;
  }

  start(): void {
    if (this.timer !== null || this.pagesPerSec <= 0 || this.pageCount <= 0) return;
    this.startedMs = performance.now();
    this.done = 0;
    this.timer = setInterval(() => this.tick(), TICK_MS);
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  private tick(): void {
    const elapsedMs = performance.now() - this.startedMs;
    let due = Math.floor((elapsedMs * this.pagesPerSec) / 1000) - this.done;
    const cap = Math.ceil((MAX_CATCH_UP_MS * this.pagesPerSec) / 1000);
    if (due > cap) {
      this.done += due - cap; // forget the backlog beyond the cap
      due = cap;
    }
    for (let i = 0; i < due; i++) this.dirtyOnePage();
    this.done += due;
  }

  private dirtyOnePage(): void {
    const r = this.next();
    const page = this.firstPage + (r % this.pageCount);
    const slot = (this.next() % (PAGE_SIZE / 8)) * 8;
    this.memory.writeF64(page * PAGE_SIZE + slot, ++this.writes);
  }

  /** xorshift32 (Marsaglia 2003). */
  private next(): number {
    let x = this.rng;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.rng = x >>> 0;
    return this.rng;
  }
}
