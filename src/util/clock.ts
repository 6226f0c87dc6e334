/**
 * Clocks shared by the harness and every lab process.
 *
 * `process.hrtime.bigint()` reads CLOCK_MONOTONIC, which on Linux is one
 * system-wide clock: values taken in different processes on this machine
 * (harness, lab, compute hosts, traffic workers) are directly comparable.
 * Every cross-process instant (packet send time, VM pause, first packet
 * forwarded after resume) is therefore stamped with it.
 */
export function monoNs(): bigint {
  return process.hrtime.bigint();
}

/** Monotonic milliseconds with sub-microsecond resolution. */
export function monoMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/** Wall-clock ISO 8601 timestamp for records meant for humans. */
export function isoNow(): string {
  return new Date().toISOString();
}

/** A wall-clock and a monotonic reading taken together: converts the one clock to the other. */
export interface ClockPair {
  /** Wall clock, epoch ms. */
  readonly wallMs: number;
  readonly monoMs: number;
}

/** Error of a conversion through a ClockPair: Date.now() has whole-millisecond resolution. */
export const CLOCK_PAIR_ERROR_MS = 1;

export function clockPair(): ClockPair {
  return { wallMs: Date.now(), monoMs: monoMs() };
}

/**
 * A wall-clock instant (epoch ms) on the monotonic clock, through a pair
 * read close to it (NTP slews the wall clock by at most 0.5 ms/s, so a pair
 * read seconds after the instant adds no more than a few ms).
 */
export function wallToMonoMs(wallMs: number, pair: ClockPair): number {
  return pair.monoMs + (wallMs - pair.wallMs);
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason as Error);
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason as Error);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Sleep until monotonic instant `atMs` (at once if it has passed). */
export async function sleepUntil(atMs: number): Promise<void> {
  const waitMs = atMs - monoMs();
  if (waitMs > 0) await sleep(waitMs);
}
