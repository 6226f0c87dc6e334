/**
 * summary.json of `vnflab run --trials N`: one line per trial (its folder,
 * status, figures, criteria) and the statistics of each figure over the
 * trials. Every figure is read from the trial's own result.json, so the
 * summary can be checked against the per-trial records.
 */
import type { OverallStatus, TcResult } from './result.js';
import type { CriterionName, CriterionOutcome } from './verdict.js';
import { sampleStats, type SampleStats } from './statistics.js';

/** Version of summary.json's format (major: a field removed or changed meaning; minor: a field added). */
export const TRIALS_SUMMARY_VERSION = '1.0';

/** The figures of one trial that the summary aggregates, ms; null where the trial did not measure it. */
export interface TrialFigures {
  /** RFC 6201 frame-loss method over the move (result.traffic.serviceDisruptionMs), complete windows only. */
  readonly serviceDisruptionMs: number | null;
  /** RFC 6201 timestamp method over the move (result.traffic.gapDerivedMs). */
  readonly timestampMethodMs: number | null;
  /** Switch-over (blackout), frame-loss method (result.disruption.switchOver.lossDerivedMs). */
  readonly switchOverMs: number | null;
  /** Switch-over, timestamp method. */
  readonly switchOverTimestampMs: number | null;
  /** Degradation (loss during the move outside the switch-over), frame-loss method. */
  readonly degradationMs: number | null;
  /** Degradation, timestamp method. */
  readonly degradationTimestampMs: number | null;
  /** Trigger to completion (result.timeRecord.migrationTimeMs). */
  readonly migrationTimeMs: number | null;
  /** The target's own downtime (result.migration.downtimeMs: the lab's pause to first forward). */
  readonly targetDowntimeMs: number | null;
}

export const TRIAL_FIGURES = [
  'serviceDisruptionMs',
  'timestampMethodMs',
  'switchOverMs',
  'switchOverTimestampMs',
  'degradationMs',
  'degradationTimestampMs',
  'migrationTimeMs',
  'targetDowntimeMs',
] as const satisfies readonly (keyof TrialFigures)[];
export type TrialFigure = (typeof TRIAL_FIGURES)[number];

export interface TrialEntry {
  /** 1-based. */
  readonly n: number;
  /** The trial's results folder, relative to the summary's. */
  readonly dir: string;
  readonly overallStatus: OverallStatus;
  readonly failure: string | null;
  readonly figures: TrialFigures;
  readonly criteria: readonly {
    readonly name: CriterionName;
    readonly outcome: CriterionOutcome;
    readonly value: number | null;
    readonly limit: number;
  }[];
}

export interface TrialsSummary {
  readonly summaryVersion: typeof TRIALS_SUMMARY_VERSION;
  readonly testCase: string;
  readonly title: string;
  /** Trials asked for; `trials.length` may be fewer when the run was interrupted. */
  readonly trialsRequested: number;
  readonly startedAt: string;
  readonly endedAt: string;
  /** The worst trial's status (ABORTED > ERROR > FAIL > INCONCLUSIVE > PASS): the exit code follows it. */
  readonly overallStatus: OverallStatus;
  readonly counts: Readonly<Record<OverallStatus, number>>;
  readonly trials: readonly TrialEntry[];
  /** Each figure over the trials that measured it; null: none did. */
  readonly stats: Readonly<Record<TrialFigure, SampleStats | null>>;
  /** Per criterion: how many trials had each outcome. */
  readonly criteria: Readonly<Record<string, Partial<Record<CriterionOutcome, number>>>>;
}

const SEVERITY: readonly OverallStatus[] = ['PASS', 'INCONCLUSIVE', 'FAIL', 'ERROR', 'ABORTED'];

/** The worse of the statuses (ABORTED > ERROR > FAIL > INCONCLUSIVE > PASS); PASS for none. */
export function worstStatus(statuses: readonly OverallStatus[]): OverallStatus {
  return statuses.reduce<OverallStatus>(
    (worst, s) => (SEVERITY.indexOf(s) > SEVERITY.indexOf(worst) ? s : worst),
    'PASS',
  );
}

/** The figures a trial's record holds (a partial disruption window is not a disruption figure). */
export function trialFigures(r: TcResult): TrialFigures {
  const complete = r.traffic.disruptionWindow?.partial === false;
  return {
    serviceDisruptionMs: complete ? r.traffic.serviceDisruptionMs : null,
    timestampMethodMs: complete ? r.traffic.gapDerivedMs : null,
    switchOverMs: complete ? (r.disruption?.switchOver.lossDerivedMs ?? null) : null,
    switchOverTimestampMs: complete ? (r.disruption?.switchOver.gapDerivedMs ?? null) : null,
    degradationMs: complete ? (r.disruption?.degradation.lossDerivedMs ?? null) : null,
    degradationTimestampMs: complete ? (r.disruption?.degradation.gapDerivedMs ?? null) : null,
    migrationTimeMs: r.timeRecord.migrationTimeMs,
    targetDowntimeMs: r.migration.downtimeMs ?? null,
  };
}

export function trialEntry(n: number, dir: string, r: TcResult): TrialEntry {
  return {
    n,
    dir,
    overallStatus: r.overallStatus,
    failure: r.failure?.message ?? null,
    figures: trialFigures(r),
    criteria: (r.verdict?.criteria ?? []).map((c) => ({
      name: c.name,
      outcome: c.outcome,
      value: c.value,
      limit: c.limit,
    })),
  };
}

export function summarizeTrials(opts: {
  testCase: string;
  title: string;
  trialsRequested: number;
  startedAt: string;
  endedAt: string;
  trials: readonly TrialEntry[];
}): TrialsSummary {
  const { trials } = opts;
  const counts: Record<OverallStatus, number> = { PASS: 0, FAIL: 0, INCONCLUSIVE: 0, ERROR: 0, ABORTED: 0 };
  for (const t of trials) counts[t.overallStatus]++;
  const stats = Object.fromEntries(
    TRIAL_FIGURES.map((f) => [f, sampleStats(trials.map((t) => t.figures[f]))]),
  ) as Record<TrialFigure, SampleStats | null>;
  const criteria: Record<string, Partial<Record<CriterionOutcome, number>>> = {};
  for (const t of trials)
    for (const c of t.criteria) {
      const byOutcome = (criteria[c.name] ??= {});
      byOutcome[c.outcome] = (byOutcome[c.outcome] ?? 0) + 1;
    }
  // Fewer trials than asked for (Ctrl-C) cannot pass as a whole.
  const statuses = trials.map((t) => t.overallStatus);
  if (trials.length < opts.trialsRequested) statuses.push('ABORTED');
  return {
    summaryVersion: TRIALS_SUMMARY_VERSION,
    testCase: opts.testCase,
    title: opts.title,
    trialsRequested: opts.trialsRequested,
    startedAt: opts.startedAt,
    endedAt: opts.endedAt,
    overallStatus: worstStatus(statuses),
    counts,
    trials,
    stats,
    criteria,
  };
}
