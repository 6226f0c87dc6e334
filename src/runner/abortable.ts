/**
 * Stop waiting for a call that takes no abort signal (a port call in
 * flight) as soon as the run is interrupted. The call itself goes on: the
 * caller decides what to do with its late result (e.g. a cleanup entry that
 * awaits it and releases what it acquired).
 */
import { RunAborted } from './errors.js';

/** `work`'s outcome, or RunAborted(`interrupted while <what>`) as soon as `signal` aborts. */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal, what: string): Promise<T> {
  if (signal.aborted) return Promise.reject(new RunAborted(`interrupted while ${what}`));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new RunAborted(`interrupted while ${what}`));
    signal.addEventListener('abort', onAbort, { once: true });
    work.finally(() => signal.removeEventListener('abort', onAbort)).then(resolve, reject);
  });
}
