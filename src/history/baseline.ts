/**
 * Baselines: a disruption limit derived from recorded trials instead of typed
 * by hand. As OpenShift Virtualization's live-migration "stuntime" tests do,
 * the limit is min(factor x the baseline's largest disruption, cap): 4 x and
 * 5 s by default. Only trials that passed and measured the disruption count:
 * a failed or inconclusive trial says nothing about what the system can do.
 */
import type { TrialRow } from './store.js';

export interface BaselineFigures {
  /** The largest service disruption (frame-loss) over the counted trials, ms. */
  readonly maxMs: number;
  /** How many trials counted. */
  readonly trials: number;
}

/** The figures a baseline gives, or why the run cannot be one (a sentence). */
export function baselineFigures(trials: readonly TrialRow[]): BaselineFigures | string {
  const counted = trials
    .filter((t) => t.status === 'PASS')
    .map((t) => t.figures.serviceDisruptionMs)
    .filter((v): v is number => v !== null);
  if (counted.length === 0)
    return trials.length === 0
      ? 'it recorded no trial'
      : `none of its ${trials.length} trial(s) passed with a measured disruption`;
  return { maxMs: Math.max(...counted), trials: counted.length };
}

/** min(factor x maxMs, capMs), never 0 (a baseline without loss still allows 1 ms). */
export function baselineLimitMs(maxMs: number, factor: number, capMs: number): number {
  return Math.min(Math.max(factor * maxMs, 1), capMs);
}

/** `baseline` or `baseline:TAG` as a run reference (vnflab compare); null: a run id. */
export function baselineRef(ref: string): string | null {
  if (ref === 'baseline') return 'default';
  return ref.startsWith('baseline:') && ref.length > 'baseline:'.length
    ? ref.slice('baseline:'.length)
    : null;
}
