/**
 * While a step runs, read the test case's live figures every `periodMs` and
 * hand them to the reporters (the console's live view). One read at a time
 * (a slow port delays the next read, it never piles them up); a read that
 * fails is skipped: progress is shown, never judged.
 */
import type { LiveProgress, ProgressSample } from '../report/progress.js';

export const PROGRESS_PERIOD_MS = 250;

/** Starts sampling; the returned function stops it (nothing is reported after it). */
export function sampleWhileRunning(
  step: number,
  sample: () => Promise<ProgressSample>,
  report: (p: LiveProgress) => unknown,
  periodMs = PROGRESS_PERIOD_MS,
): () => void {
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  const tick = async (): Promise<void> => {
    timer = null;
    try {
      const s = await sample();
      if (!stopped) await report({ step, ...s });
    } catch {
      // a port that cannot answer now (traffic stopping, the move just ended): next time
    }
    if (stopped) return;
    timer = setTimeout(() => void tick(), periodMs);
    timer.unref();
  };
  void tick();
  return () => {
    stopped = true;
    if (timer !== null) clearTimeout(timer);
  };
}
