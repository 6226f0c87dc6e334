/**
 * The verdict's part of result.json: the loss placed on the migration's
 * timeline (phases), the pass criteria judged, and whether the figures can
 * be trusted (the tester's and the embedded lab's self-checks). Computed by
 * testcases/migrate/verdict/.
 */

import type { VimEvent } from '../ports/migrator.js';

export const PHASES = ['beforeTrigger', 'preCopy', 'switchOver', 'afterSwitch', 'afterCompletion'] as const;
export type Phase = (typeof PHASES)[number];

/** Where the phase boundaries came from, and how precise they are. */
export type EventSource =
  /** The lab's own pause / switch instants, on the traffic's monotonic clock. */
  | 'lab'
  /** The hypervisor's or VIM's own figures (QEMU downtime, Nova / KubeVirt records) placed on the move. */
  | 'vim'
  /** No switch-over event: the longest loss episode of the move stands for it. */
  | 'traffic';

/** Monotonic ms (the traffic's clock) of the events that bound the phases. */
export interface MigrationEvents {
  readonly triggerAtMs: number;
  /** Start of the switch-over; null when the target gave none. */
  readonly pausedAtMs: number | null;
  /** End of the switch-over (the path's switch, else resume); null when the target gave none. */
  readonly switchedAtMs: number | null;
  /** When the harness saw the migration complete (precision: the poll interval). */
  readonly completedAtMs: number | null;
  readonly source: EventSource;
  /** How far an event may be from the instant it names, ms. */
  readonly precisionMs: number;
  /**
   * Loss charged to the switch-over reaches this far beyond its events, ms:
   * `before` the pause (packets already on their way to the VNF when it
   * paused: the path's p99 one-way latency before the move), `after` the
   * switch (the events' precision). Loss of an episode beyond these is
   * degradation, not blackout.
   */
  readonly slackMs: { readonly before: number; readonly after: number };
  /** Which events were used, in words, for the record. */
  readonly used: readonly string[];
  /**
   * The VIM's own events (Nova, KubeVirt) that bound the move when the
   * target gives no lab timeline; absent or null: none.
   */
  readonly vim?: VimBounds | null;
}

/**
 * What the VIM's events say of the move, each widened by its precision
 * (monotonic ms, the traffic's clock). They are too coarse (whole seconds
 * plus the clocks' offset) to be the switch-over's bounds, which stay the
 * longest loss episode; they bound the move and check that episode.
 */
export interface VimBounds {
  /** Every VIM event used (those marked 'info' are only in migration.vimEvents). */
  readonly events: readonly VimEvent[];
  /** The move had not begun before this: the earliest `moveStart` event less its precision; null: none. */
  readonly moveNotBeforeMs: number | null;
  /** The switch-over lies after this: the latest `moveStart` event less its precision; null: none. */
  readonly switchOverNotBeforeMs: number | null;
  /** The switch-over was over by this: the earliest `switchOverEnded` or `moveEnd` event plus its precision. */
  readonly switchOverEndedByMs: number | null;
  /** The move was over by this: the earliest `moveEnd` event plus its precision; null: none. */
  readonly moveEndedByMs: number | null;
  /** The trigger / completion bounds were moved to the VIM's (tighter than the harness's stamps). */
  readonly tightened: { readonly trigger: boolean; readonly completion: boolean };
  /**
   * The inferred switch-over lies within [switchOverNotBeforeMs,
   * switchOverEndedByMs]; false: outside it (verdict.validity has a 'path'
   * finding); null: no switch-over inferred or no bound to compare.
   */
  readonly switchOverWithin: boolean | null;
}

/** The loss of one phase, by both RFC 6201 methods (averaged over flows, like the whole-window figure). */
export interface PhaseLoss {
  readonly phase: Phase;
  /** Phase bounds, monotonic ms; null where open-ended. */
  readonly fromMs: number | null;
  readonly toMs: number | null;
  readonly lost: number;
  readonly episodes: number;
  /** RFC 6201 §4.2.1 frame-loss method over the phase's share of the episodes, ms. */
  readonly lossDerivedMs: number;
  /** RFC 6201 §4.2.2 timestamp method over the phase's share of the episodes, ms; null: no gap known. */
  readonly gapDerivedMs: number | null;
}

export interface LossPlacement {
  readonly events: MigrationEvents;
  readonly phases: readonly PhaseLoss[];
  /** Loss in the switch-over (the blackout). */
  readonly switchOver: {
    readonly lost: number;
    readonly lossDerivedMs: number;
    readonly gapDerivedMs: number | null;
  };
  /** Loss during the move outside the switch-over (pre-copy and after the switch). */
  readonly degradation: {
    readonly lost: number;
    readonly lossDerivedMs: number;
    readonly gapDerivedMs: number | null;
  };
  /** Loss before the trigger or after completion (outside the move; steps 7 and 10 judge it). */
  readonly outsideMove: { readonly lost: number };
}

/** The criteria a user can set; absent: not judged (but see lossOutsideSwitchOverPackets). */
export interface CriteriaConfig {
  /** Service disruption over the move, RFC 6201 frame-loss method (step 11), ms. */
  readonly maxServiceDisruptionMs?: number | undefined;
  /** Switch-over (blackout) loss, frame-loss method, ms. */
  readonly maxSwitchOverMs?: number | undefined;
  /** Trigger to completion (timeRecord.migrationTimeMs), ms. */
  readonly maxMigrationTimeMs?: number | undefined;
  /**
   * Packets lost during the move outside the switch-over (pre-copy, after the
   * switch). Default 0 for a move under traffic: a live migration should lose
   * nothing but its blackout.
   */
  readonly maxLossOutsideSwitchOverPackets?: number | undefined;
  /** One-way latency p99 of any flow over the run, ms. */
  readonly maxLatencyP99Ms?: number | undefined;
  /**
   * Not a limit on the system: the largest error the tester's self-checks
   * allow on the disruption figure before the verdict is withheld
   * (INCONCLUSIVE). Default: the larger of 1 ms and 5 % of the figure.
   */
  readonly maxMeasurementErrorMs?: number | undefined;
  /**
   * The disruption limit derived from recorded trials (`vnflab baseline`,
   * `--baseline TAG`): min(factor x the baseline's largest disruption, capMs).
   * vnflab fills `runId`, `maxMs` and `trials` from the history before the run.
   */
  readonly baseline?: BaselineCriterion | undefined;
}

/** criteria.baseline: which baseline, and how its limit is derived. */
export interface BaselineCriterion {
  readonly tag: string;
  readonly factor: number;
  readonly capMs: number;
  /** The baseline's run (filled from the history). */
  readonly runId?: string | undefined;
  /** The largest service disruption over its passing trials, ms (filled from the history). */
  readonly maxMs?: number | undefined;
  /** How many passing trials measured it (filled from the history). */
  readonly trials?: number | undefined;
}

/** The limits judged PASS / FAIL (maxMeasurementErrorMs governs validity instead). */
export type CriterionName = Exclude<keyof CriteriaConfig, 'maxMeasurementErrorMs' | 'baseline'>;
/**
 * WITHIN_ERROR: the figure is over the limit by no more than the
 * measurement's error bound (verdict.validity.errorBoundMs), so the run
 * cannot tell whether the system under test met it (INCONCLUSIVE).
 */
export type CriterionOutcome = 'PASS' | 'FAIL' | 'WITHIN_ERROR' | 'NOT_MEASURED';

export interface CriterionResult {
  readonly name: CriterionName;
  /** What it limits, in words. */
  readonly what: string;
  readonly unit: 'ms' | 'packets';
  readonly limit: number;
  /** True when the user did not set it and the default applies. */
  readonly defaulted: boolean;
  /** Where the limit came from when it was derived, not typed (a baseline), in words. */
  readonly derivedFrom?: string;
  readonly value: number | null;
  readonly outcome: CriterionOutcome;
  /** The error bound in the criterion's unit, where the measurement's self-check bounds this figure. */
  readonly errorBound?: number;
}

/** Who was disturbed. */
export type FindingElement = 'tester.receiver' | 'tester.generator' | 'lab' | 'path';

export interface Finding {
  readonly element: FindingElement;
  /** Stable short name of the check. */
  readonly check: string;
  /** What was seen, with numbers and where on the timeline. */
  readonly detail: string;
  /**
   * How far it may have moved the service disruption figure, ms (0: seen, but
   * the figure is not moved, e.g. a stall away from any loss); null: unbounded.
   */
  readonly effectMs: number | null;
}

export interface Validity {
  /** The error bound is within the tolerance. */
  readonly trusted: boolean;
  /** Sum of the findings' effects on the figure, ms; null: some effect is unbounded. */
  readonly errorBoundMs: number | null;
  /** The largest error bound the verdict accepts (criteria.maxMeasurementErrorMs, or its default), ms. */
  readonly toleranceMs: number;
  /** Every disturbance seen, those that do not move the figure included (effectMs 0). */
  readonly findings: readonly Finding[];
  /** The checks that ran, so a reader knows what "trusted" covered. */
  readonly checked: readonly string[];
}

/** What the verdict judged, and why the run's status is what it is. */
export interface VerdictRecord {
  /** Every criterion judged (set by the user, or defaulted); empty: none set. */
  readonly criteria: readonly CriterionResult[];
  /** True when no criterion was set by the user: the disruption was measured, not judged. */
  readonly disruptionJudged: boolean;
  readonly validity: Validity;
  /** One line: why the status is what it is. */
  readonly summary: string;
  /** Set when no traffic was sent (traffic.driver: none): the traffic steps were SKIPPED, only the control plane was judged. */
  readonly controlPlaneOnly?: true;
}

/** One line for a failed criterion: names it and both numbers. */
export function describeCriterion(c: CriterionResult): string {
  const v = c.value === null ? 'not measured' : `${fmt(c.value, c.unit)}`;
  const within =
    c.outcome === 'WITHIN_ERROR' && c.errorBound !== undefined
      ? ` (over by no more than the error bound ${fmt(c.errorBound, c.unit)})`
      : '';
  const from = c.derivedFrom !== undefined ? ` (from ${c.derivedFrom})` : '';
  return `${c.name}: ${c.what} ${v}, limit ${fmt(c.limit, c.unit)}${c.defaulted ? ' (default)' : ''}${from}: ${c.outcome}${within}`;
}

function fmt(n: number, unit: 'ms' | 'packets'): string {
  return unit === 'ms' ? `${n.toFixed(2)} ms` : `${Math.round(n)} packets`;
}
