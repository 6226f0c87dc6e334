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
import { NO_TRAFFIC_REASON } from '../../../ports/traffic.js';
import { judgeCriteria, measurementError, type MeasuredFigures } from './criteria.js';
import { chargedSwitchOver, inferSwitchOver, placeLoss } from './phases.js';
import { checkValidity, disturbing } from './validity.js';
import { describeVimEvents, switchOverWithin, vimBounds } from './vim-bounds.js';

/**
 * The events that bound the move's phases, from the best source the target
 * gives: the lab's own pause and switch instants (same monotonic clock as
 * the packets' send times); else the longest loss episode of the move,
 * the move bounded and that episode checked by the VIM's own events where
 * the target reports them (vim-bounds.ts).
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
      slackMs: switchOverSlack(result, trigger.monoMs, precisionMs, tl.pausedAtMs),
      used: [
        ...used,
        'switch-over start: the lab paused the VM',
        `switch-over end: ${endName}`,
        'switch-over loss: packets sent up to the path latency before the pause (already on their way: 2x the p99 before the trigger, 1.5x the longest just before the pause) count in it',
      ],
    };
  }
  // The VIM's events bound the move where they are tighter than the harness's stamps.
  const bounds = vimBounds(result.migration.vimEvents, { triggerAtMs: trigger.monoMs, completedAtMs });
  const triggerAtMs = bounds?.tightened.trigger ? bounds.moveNotBeforeMs! : trigger.monoMs;
  const endAtMs = bounds?.tightened.completion ? bounds.moveEndedByMs! : completedAtMs;
  if (bounds?.tightened.trigger)
    used[0] =
      "trigger: the VIM's earliest event of the move less its precision (later than the harness's stamp)";
  if (bounds?.tightened.completion)
    used[1] =
      "completion: the VIM's earliest end event plus its precision (earlier than the first poll that saw it)";
  const inferred = inferSwitchOver(result.traffic.episodes, triggerAtMs, endAtMs);
  const vim = bounds === null ? null : { ...bounds, switchOverWithin: switchOverWithin(bounds, inferred) };
  return {
    triggerAtMs,
    pausedAtMs: inferred?.pausedAtMs ?? null,
    switchedAtMs: inferred?.switchedAtMs ?? null,
    completedAtMs: endAtMs,
    source: 'traffic',
    precisionMs: result.traffic.resolutionMs ?? 0,
    // The episode is the switch-over: nothing to widen.
    slackMs: { before: 0, after: 0 },
    used: [
      ...used,
      inferred
        ? `switch-over: the longest loss episode of the move (the target reports no pause or switch instant${vim ? "; the VIM's events are too coarse to bound it" : ''})`
        : 'switch-over: none (no loss during the move and no pause instant from the target)',
      ...describeVimEvents(bounds?.events ?? []),
    ],
    ...(vim === null ? {} : { vim }),
  };
}

/** Floor of the slack before the pause, ms (a quiet path's latency is well below it). */
export const SLACK_BEFORE_FLOOR_MS = 5;
/** Received timeline bins just before the pause whose latency tells how long packets were on their way. */
export const IN_FLIGHT_BINS = 20;
/** How far back from the pause to look for them, ms. */
export const IN_FLIGHT_LOOKBACK_MS = 2_000;

/**
 * How long packets sent just before the pause were on their way: the
 * longest one-way latency of a packet received among the last
 * IN_FLIGHT_BINS timeline bins (by send time) before the pause that
 * received any; null when the timelines carry no latency there.
 */
export function inFlightBeforeMs(result: TcResult, pausedAtMs: number): number | null {
  const perBin = new Map<number, number>();
  for (const w of result.traffic.windows) {
    const t = w.timeline;
    if (!t?.maxLatencyMs) continue;
    t.maxLatencyMs.forEach((m, i) => {
      const from = t.startMs + i * t.binMs;
      if (m === null || from + t.binMs > pausedAtMs || from < pausedAtMs - IN_FLIGHT_LOOKBACK_MS) return;
      perBin.set(from, Math.max(perBin.get(from) ?? 0, m));
    });
  }
  const last = [...perBin.entries()].sort((a, b) => b[0] - a[0]).slice(0, IN_FLIGHT_BINS);
  return last.length > 0 ? Math.max(...last.map(([, m]) => m)) : null;
}

/**
 * How far beyond its events loss still belongs to the switch-over. Before
 * the pause: packets on their way to the VNF when it paused are lost with
 * it, so the larger of twice the worst p99 one-way latency seen before the
 * trigger and 1.5 times the latency of the packets sent just before the
 * pause (inFlightBeforeMs: a raised load, as the load trigger's, queues
 * more than the step-6 load did), at least SLACK_BEFORE_FLOOR_MS. After the
 * switch: twice the events' precision and at least 2 ms.
 */
export function switchOverSlack(
  result: TcResult,
  triggerAtMs: number,
  precisionMs: number,
  pausedAtMs: number | null = null,
): { before: number; after: number } {
  const before = result.traffic.windows
    .filter((w) => w.closedAtMs !== null && w.closedAtMs <= triggerAtMs)
    .flatMap((w) => w.latency ?? [])
    .map((f) => f.p99Ms)
    .filter((v): v is number => v !== null);
  const p99 = before.length > 0 ? Math.max(...before) : 0;
  const inFlight = pausedAtMs === null ? null : inFlightBeforeMs(result, pausedAtMs);
  return {
    before: Math.max(SLACK_BEFORE_FLOOR_MS, 2 * p99, 1.5 * (inFlight ?? 0)),
    after: Math.max(2, 2 * precisionMs),
  };
}

/** Step 11's placement of the move's loss; null when no trigger was stamped. */
export function placeMoveLoss(result: TcResult, pollIntervalMs: number, flows: number): LossPlacement | null {
  const events = migrationEvents(result, pollIntervalMs);
  return events ? placeLoss(result.traffic.episodes, events, flows) : null;
}

/** The switch-over taken from the traffic (the longest loss episode), where it was. */
function inferredSpan(events: MigrationEvents | null): [number, number] | null {
  if (events === null || events.source !== 'traffic' || events.pausedAtMs === null) return null;
  return [events.pausedAtMs, events.switchedAtMs ?? events.pausedAtMs];
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
  // traffic.driver none: no traffic at all; the traffic steps were SKIPPED and only the control plane is judged.
  const controlPlaneOnly = ctx.config.traffic.driver === 'none';
  const trafficDuringMove =
    !controlPlaneOnly && result.steps.some((s) => s.name === 'determineServiceDisruption');
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
    vim: result.disruption?.events.vim ?? null,
    inferredSwitchOver: inferredSpan(result.disruption?.events ?? null),
  });
  const error = measurementError(
    validity.errorBoundMs,
    figures.serviceDisruptionMs,
    result.traffic.disruptionWindow?.lost ?? 0,
    // Kernel stamps (SO_TIMESTAMPNS) are taken when the datagram is queued: a stalled receiver thread delays none.
    result.traffic.selfCheck?.arrivalStamps === 'kernel'
      ? null
      : (result.traffic.selfCheck?.receiverStalls?.longestMs ?? null),
  );
  const criteria = judgeCriteria(criteriaConfig, figures, trafficDuringMove, error);
  const disruptionJudged = criteria.some((c) => !c.defaulted);
  for (const c of criteria) {
    if (c.outcome === 'FAIL' || c.outcome === 'WITHIN_ERROR')
      ctx.log.error(`Criterion ${describeCriterion(c)}`);
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
  const undecided = criteria.filter((c) => c.outcome === 'WITHIN_ERROR');
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
  } else if (undecided.length > 0) {
    status = 'INCONCLUSIVE';
    const c = undecided[0]!;
    summary = `criterion over its limit by no more than the measurement's error: ${describeCriterion(c)}`;
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
  if (controlPlaneOnly)
    summary = `control plane only (${NO_TRAFFIC_REASON}: the traffic steps were skipped, no data plane measured); ${summary}`;
  const verdict: VerdictRecord = {
    criteria,
    disruptionJudged,
    validity,
    summary,
    ...(controlPlaneOnly ? { controlPlaneOnly } : {}),
  };
  result.verdict = verdict;
  ctx.log.info(`Verdict ${status}: ${summary}`);
  return status;
}
