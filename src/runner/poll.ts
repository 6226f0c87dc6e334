/**
 * Polling with a deadline, replacing the spec's `while ... wait_time-- ...
 * time.sleep(1 sec)` loops: the condition is checked at once, then every
 * `intervalMs` until `timeoutMs` has passed on the monotonic clock.
 */
import { monoMs, sleep } from '../util/clock.js';
import { RunAborted, StepTimeout } from './errors.js';

export type PollVerdict<T> = { done: true; value: T } | { done: false; last?: unknown };

export async function pollUntil<T>(
  check: () => Promise<PollVerdict<T>>,
  opts: { timeoutMs: number; intervalMs: number; signal?: AbortSignal; what: string },
): Promise<T> {
  const deadline = monoMs() + opts.timeoutMs;
  let last: unknown;
  for (;;) {
    if (opts.signal?.aborted) throw new RunAborted(`interrupted while waiting for ${opts.what}`);
    const verdict = await check();
    if (verdict.done) return verdict.value;
    last = verdict.last;
    const left = deadline - monoMs();
    if (left <= 0) {
      const seen =
        last === undefined ? '' : ` (last seen: ${typeof last === 'string' ? last : JSON.stringify(last)})`;
      throw new StepTimeout(`Timeout - ${opts.what} not reached within ${opts.timeoutMs} ms${seen}`);
    }
    try {
      await sleep(Math.min(opts.intervalMs, left), opts.signal);
    } catch {
      throw new RunAborted(`interrupted while waiting for ${opts.what}`);
    }
  }
}
