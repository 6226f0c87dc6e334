/**
 * Polling with a deadline, replacing the spec's `while ... wait_time-- ...
 * time.sleep(1 sec)` loops: the condition is checked at once, then every
 * `intervalMs` until `timeoutMs` has passed on the monotonic clock. A check
 * still waiting for its answer at the deadline does not extend it: the
 * driver's own request timeout (30 s by default, retried) is no bound on
 * the step.
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
  const timeout = (why: string): StepTimeout =>
    new StepTimeout(`Timeout - ${opts.what} not reached within ${opts.timeoutMs} ms${why}`);
  for (;;) {
    if (opts.signal?.aborted) throw new RunAborted(`interrupted while waiting for ${opts.what}`);
    const verdict = await beforeDeadline(check(), deadline, opts.signal, {
      onTimeout: () => timeout(' (the last check got no answer before the deadline)'),
      onAbort: () => new RunAborted(`interrupted while waiting for ${opts.what}`),
    });
    if (verdict.done) return verdict.value;
    last = verdict.last;
    const left = deadline - monoMs();
    if (left <= 0) {
      const seen =
        last === undefined ? '' : ` (last seen: ${typeof last === 'string' ? last : JSON.stringify(last)})`;
      throw timeout(seen);
    }
    try {
      await sleep(Math.min(opts.intervalMs, left), opts.signal);
    } catch {
      throw new RunAborted(`interrupted while waiting for ${opts.what}`);
    }
  }
}

/**
 * `work`'s outcome if it settles before `deadlineMs` (monotonic) and before
 * `signal` aborts; else the error `onTimeout` / `onAbort` makes. The work is
 * not cancelled (a port call takes no signal): its late outcome is dropped.
 */
export async function beforeDeadline<T>(
  work: Promise<T>,
  deadlineMs: number,
  signal: AbortSignal | undefined,
  errors: { onTimeout: () => Error; onAbort?: () => Error },
): Promise<T> {
  work.catch(() => undefined); // a late rejection is not unhandled
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const cut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(errors.onTimeout()), Math.max(0, deadlineMs - monoMs()));
    if (signal !== undefined) {
      onAbort = () => reject((errors.onAbort ?? errors.onTimeout)());
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
    }
  });
  cut.catch(() => undefined);
  try {
    return await Promise.race([work, cut]);
  } finally {
    clearTimeout(timer);
    if (onAbort !== undefined) signal?.removeEventListener('abort', onAbort);
  }
}
