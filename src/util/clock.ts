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
