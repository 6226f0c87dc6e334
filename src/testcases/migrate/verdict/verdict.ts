/**
 * The MIGRATE verdict: after the steps, the move's loss is already placed on
 * its timeline (step 11); the criteria are judged and the figures' validity
 * checked, and the run's status follows:
 *
 * - a failed step keeps its status (FAIL / ERROR / ABORTED);
 * - every step passed, but the tester or the embedded lab was disturbed, or
 *   a criterion that was set could not be measured: INCONCLUSIVE;
 * - every step passed and a criterion failed: FAIL, naming it and both numbers;
 * - else PASS.
 */
import type { OverallStatus, TcResult } from '../../../record/result.js';
import {
  describeCriterion,
  type CriteriaConfig,
  type LossPlacement,
  type MigrationEvents,
  type VerdictRecord,
} from '../../../record/verdict.js';
import type { MigrateContext } from '../context.js';
import { judgeCriteria, type MeasuredFigures } from './criteria.js';
import { chargedSwitchOver, inferSwitchOver, placeLoss } from './phases.js';
import { checkValidity, disturbing } from './validity.js';

/**
 * The events that bound the move's phases, from the best source the target
 * gives: the lab's own pause and switch instants (same monotonic clock as
 * the packets' send times); else the longest loss episode of the move.
 */
export function migrationEvents(result: TcResult, pollIntervalMs: number): MigrationEvents | null {
  const trigger = result.timeRecord.startvResourceMigration;
  if (!trigger) return null;
  const completedAtMs = result.timeRecord.completevResourceMigration?.monoMs ?? null;
  const tl = result.migration.timeline;
  const used = [
    'trigger: harness stamp before the request',
    `completion: first poll that saw it (every ${pollIntervalMs} ms)`,
  ];
  if (tl && tl.pausedAtMs !== null) {
    // The blackout ends when the path reaches the destination and the destination forwards again:
    // the later of the fabric's switch and the first forward (resume when neither is known).
    const ends = [
      { at: tl.switchedAtMs, name: 'the fabric switched to the destination' },
      { at: tl.firstForwardAtMs, name: 'the destination forwarded its first packet' },
    ].filter((e): e is { at: number; name: string } => e.at !== null);
    const last = ends.sort((a, b) => b.at - a.at)[0] ?? { at: tl.resumedAtMs, name: 'resume' };
    const end = last.at;
    const endName = last.name;
    const precisionMs = 0.1;
    return {
      triggerAtMs: trigger.monoMs,
      pausedAtMs: tl.pausedAtMs,
      switchedAtMs: end,
      completedAtMs,
      source: 'lab',
      // Stamped by the lab's processes on CLOCK_MONOTONIC, the clock of the send times.
      precisionMs,
      slackMs: switchOverSlack(result, trigger.monoMs, precisionMs),
      used: [
        ...used,
        'switch-over start: the lab paused the VM',
        `switch-over end: ${endName}`,
        'switch-over loss: packets sent up to the path p99 latency before the pause (already on their way) count in it',
      ],
    };
  }
  const inferred = inferSwitchOver(result.traffic.episodes, trigger.monoMs, completedAtMs);
  return {
    triggerAtMs: trigger.monoMs,
    pausedAtMs: inferred?.pausedAtMs ?? null,
    switchedAtMs: inferred?.switchedAtMs ?? null,
    completedAtMs,
    source: 'traffic',
    precisionMs: result.traffic.resolutionMs ?? 0,
    // The episode is the switch-over: nothing to widen.
    slackMs: { before: 0, after: 0 },
    used: [
      ...used,
      inferred
        ? 'switch-over: the longest loss episode of the move (the target reports no pause or switch instant)'
        : 'switch-over: none (no loss during the move and no pause instant from the target)',
    ],
  };
}

/** Floor of the slack before the pause, ms (a quiet path's latency is well below it). */
export const SLACK_BEFORE_FLOOR_MS = 5;

/**
 * How far beyond its events loss still belongs to the switch-over: before
 * the pause, twice the worst p99 one-way latency seen before the trigger
 * (packets on their way to the VNF when it paused are lost with it), at
 * least SLACK_BEFORE_FLOOR_MS; after the switch, twice the events' precision
 * and at least 2 ms.
 */
export function switchOverSlack(
  result: TcResult,
  triggerAtMs: number,
  precisionMs: number,
): { before: number; after: number } {
  const before = result.traffic.windows
    .filter((w) => w.closedAtMs !== null && w.closedAtMs <= triggerAtMs)
    .flatMap((w) => w.latency ?? [])
    .map((f) => f.p99Ms)
    .filter((v): v is number => v !== null);
  const p99 = before.length > 0 ? Math.max(...before) : 0;
  return {
    before: Math.max(SLACK_BEFORE_FLOOR_MS, 2 * p99),
    after: Math.max(2, 2 * precisionMs),
  };
}

/** Step 11's placement of the move's loss; null when no trigger was stamped. */
export function placeMoveLoss(result: TcResult, pollIntervalMs: number, flows: number): LossPlacement | null {
  const events = migrationEvents(result, pollIntervalMs);
  return events ? placeLoss(result.traffic.episodes, events, flows) : null;
}

function worstP99(result: TcResult): number | null {
  const p99s = (result.traffic.latency ?? []).map((f) => f.p99Ms).filter((v): v is number => v !== null);
  return p99s.length > 0 ? Math.max(...p99s) : null;
}

/** The figures the criteria judge, from the record; a partial window's figures are not a disruption. */
export function measuredFigures(result: TcResult): MeasuredFigures {
  const complete = result.traffic.disruptionWindow !== null && !result.traffic.disruptionWindow.partial;
  return {
    serviceDisruptionMs: complete ? result.traffic.serviceDisruptionMs : null,
    switchOverMs: complete ? (result.disruption?.switchOver.lossDerivedMs ?? null) : null,
    migrationTimeMs: result.timeRecord.migrationTimeMs,
    lossOutsideSwitchOverPackets: complete ? (result.disruption?.degradation.lost ?? null) : null,
    latencyP99Ms: worstP99(result),
  };
}

/** Judge the run; returns its final status and records the verdict. */
export function concludeMigrate(ctx: MigrateContext, stepsStatus: OverallStatus): OverallStatus {
  const result = ctx.result;
  const criteriaConfig: CriteriaConfig = ctx.config.criteria;
  const trafficDuringMove = result.steps.some((s) => s.name === 'determineServiceDisruption');
  const criteria = judgeCriteria(criteriaConfig, measuredFigures(result), trafficDuringMove);
  const figures = measuredFigures(result);
  const validity = checkValidity({
    windows: result.traffic.windows,
    disruptionWindow: result.traffic.disruptionWindow?.name ?? null,
    disruptionMs: figures.serviceDisruptionMs,
    degradation: result.disruption?.degradation ?? null,
    toleranceMs: criteriaConfig.maxMeasurementErrorMs,
    labDrops: result.traffic.labDrops,
    switchOverSpan: result.disruption ? chargedSwitchOver(result.disruption.events) : null,
    selfCheck: result.traffic.selfCheck,
    latencyP99Ms: worstP99(result),
    embeddedLab: result.environment.lab !== undefined,
    triggerAtMs: result.timeRecord.startvResourceMigration?.monoMs ?? null,
  });
  const disruptionJudged = criteria.some((c) => !c.defaulted);
  for (const c of criteria) {
    if (c.outcome === 'FAIL') ctx.log.error(`Criterion ${describeCriterion(c)}`);
    else ctx.log.info(`Criterion ${describeCriterion(c)}`);
  }
  for (const f of validity.findings) {
    if (f.effectMs === 0) ctx.log.info(`Seen, the figure not moved (${f.element}): ${f.detail}`);
    else
      ctx.log.error(
        `Measurement disturbed (${f.element}): ${f.detail} (${f.effectMs === null ? 'unbounded effect' : `up to ${f.effectMs.toFixed(2)} ms`} on the figure)`,
      );
  }
  ctx.log.info(
    `Error bound on the figure: ${validity.errorBoundMs === null ? 'unbounded' : `${validity.errorBoundMs.toFixed(2)} ms`} (tolerance ${validity.toleranceMs.toFixed(2)} ms)`,
  );
  if (!disruptionJudged && trafficDuringMove)
    ctx.log.info(
      'No pass criterion set for the disruption: it was measured, not judged (set criteria.* or --max-*-ms)',
    );

  let status = stepsStatus;
  let summary: string;
  const failed = criteria.filter((c) => c.outcome === 'FAIL');
  const unmeasured = criteria.filter((c) => c.outcome === 'NOT_MEASURED');
  if (stepsStatus !== 'PASS') {
    summary = `step ${result.failure?.step ?? '?'} ended ${stepsStatus}: criteria judged on what was measured`;
  } else if (!validity.trusted) {
    status = 'INCONCLUSIVE';
    const moved = disturbing(validity);
    const f = moved[0]!;
    const bound = validity.errorBoundMs === null ? 'unbounded' : `${validity.errorBoundMs.toFixed(2)} ms`;
    summary = `figures not trusted (error bound ${bound} > tolerance ${validity.toleranceMs.toFixed(2)} ms): ${f.element} ${f.check}: ${f.detail}${moved.length > 1 ? ` (+${moved.length - 1} more)` : ''}`;
    result.failure = { step: null, phase: 'verdict', message: summary };
  } else if (failed.length > 0) {
    status = 'FAIL';
    const c = failed[0]!;
    summary = `criterion failed: ${describeCriterion(c)}`;
    result.failure = { step: null, phase: 'verdict', criterion: c.name, message: summary };
  } else if (unmeasured.length > 0) {
    status = 'INCONCLUSIVE';
    summary = `criterion set but not measured: ${unmeasured.map((c) => c.name).join(', ')}`;
    result.failure = { step: null, phase: 'verdict', criterion: unmeasured[0]!.name, message: summary };
  } else {
    summary =
      criteria.length === 0
        ? 'every step passed; no criterion set: nothing was judged'
        : `every step passed; ${criteria.length} criteria met${disruptionJudged ? '' : ' (the disruption itself was not judged: no limit set)'}`;
  }
  const verdict: VerdictRecord = { criteria, disruptionJudged, validity, summary };
  result.verdict = verdict;
  ctx.log.info(`Verdict ${status}: ${summary}`);
  return status;
}
