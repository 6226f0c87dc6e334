/**
 * Pass criteria: limits the user sets on what a run measures (config
 * `criteria`, flags `--max-*`). Each is judged against the run's own figure
 * and recorded with value, limit and outcome, so a verdict says what it
 * judged, by which numbers.
 */
import type {
  CriteriaConfig,
  CriterionName,
  CriterionOutcome,
  CriterionResult,
} from '../../../record/verdict.js';

/** The run's figures the criteria judge; null: not measured. */
export interface MeasuredFigures {
  readonly serviceDisruptionMs: number | null;
  readonly switchOverMs: number | null;
  readonly migrationTimeMs: number | null;
  readonly lossOutsideSwitchOverPackets: number | null;
  readonly latencyP99Ms: number | null;
}

const DEFS: readonly {
  name: CriterionName;
  what: string;
  unit: 'ms' | 'packets';
  figure: keyof MeasuredFigures;
  /** Which error of MeasurementError bounds the figure: the frame-loss one, or the receiver's stamping. */
  error?: 'loss' | 'latency';
}[] = [
  {
    name: 'maxServiceDisruptionMs',
    what: 'service disruption (RFC 6201 frame-loss method, over the move)',
    unit: 'ms',
    figure: 'serviceDisruptionMs',
    error: 'loss',
  },
  {
    name: 'maxSwitchOverMs',
    what: 'switch-over (blackout) loss',
    unit: 'ms',
    figure: 'switchOverMs',
    error: 'loss',
  },
  {
    name: 'maxMigrationTimeMs',
    what: 'migration time (trigger to completion)',
    unit: 'ms',
    figure: 'migrationTimeMs',
  },
  {
    name: 'maxLossOutsideSwitchOverPackets',
    what: 'packets lost during the move outside the switch-over',
    unit: 'packets',
    figure: 'lossOutsideSwitchOverPackets',
    error: 'loss',
  },
  {
    name: 'maxLatencyP99Ms',
    what: 'one-way latency p99 (worst flow)',
    unit: 'ms',
    figure: 'latencyP99Ms',
    error: 'latency',
  },
];

/**
 * How far the frame-loss figures may be off (the validity self-check's
 * error bound), in both units: ms of disruption and the packets they stand
 * for. Null: not bounded here (no self-check, or nothing lost).
 */
export interface MeasurementError {
  readonly ms: number | null;
  readonly packets: number | null;
  /** How late the receiver may have stamped arrivals (its longest stall), ms: the latency figures' error. */
  readonly latencyMs: number | null;
}

/**
 * The error bound in packets as well (the disruption figure is lost / rate,
 * so the bound scales by the same ratio), and the latency figures' own
 * (`stampLatenessMs`). Null: nothing bounded.
 */
export function measurementError(
  errorBoundMs: number | null,
  disruptionMs: number | null,
  lost: number,
  stampLatenessMs: number | null = null,
): MeasurementError | null {
  const loss = errorBoundMs !== null && errorBoundMs > 0 && disruptionMs !== null && disruptionMs > 0;
  const latencyMs = stampLatenessMs !== null && stampLatenessMs > 0 ? stampLatenessMs : null;
  if (!loss && latencyMs === null) return null;
  return {
    ms: loss ? errorBoundMs : null,
    packets: loss ? (errorBoundMs * lost) / disruptionMs : null,
    latencyMs,
  };
}

/**
 * Judge every criterion that is set. `trafficDuringMove`: the case keeps
 * traffic flowing through the move (002, 004), so loss outside the
 * switch-over is judged by default (limit 0). A frame-loss figure over its
 * limit by no more than `error` is WITHIN_ERROR, not FAIL: the run cannot
 * tell (e.g. 421 packets lost outside the switch-over, all of them dropped
 * by an overloaded lab hop).
 */
export function judgeCriteria(
  criteria: CriteriaConfig,
  figures: MeasuredFigures,
  trafficDuringMove: boolean,
  error: MeasurementError | null = null,
): CriterionResult[] {
  const out: CriterionResult[] = [];
  for (const d of DEFS) {
    let limit = criteria[d.name];
    let defaulted = false;
    if (limit === undefined && d.name === 'maxLossOutsideSwitchOverPackets' && trafficDuringMove) {
      limit = 0;
      defaulted = true;
    }
    if (limit === undefined) continue;
    const value = figures[d.figure];
    const bound =
      (d.error === 'loss'
        ? d.unit === 'ms'
          ? error?.ms
          : error?.packets
        : d.error === 'latency'
          ? error?.latencyMs
          : null) ?? undefined;
    let outcome: CriterionOutcome = value === null ? 'NOT_MEASURED' : value <= limit ? 'PASS' : 'FAIL';
    if (outcome === 'FAIL' && bound !== undefined && value! - bound <= limit) outcome = 'WITHIN_ERROR';
    const b = criteria.baseline;
    const derivedFrom =
      d.name === 'maxServiceDisruptionMs' && b?.runId !== undefined && b.maxMs !== undefined
        ? `baseline '${b.tag}' (run ${b.runId}: largest ${b.maxMs.toFixed(2)} ms over ${b.trials ?? '?'} passing trial(s)) x ${b.factor}, at most ${b.capMs} ms`
        : undefined;
    out.push({
      name: d.name,
      what: d.what,
      unit: d.unit,
      limit,
      defaulted,
      ...(derivedFrom === undefined ? {} : { derivedFrom }),
      value,
      outcome,
      ...(bound === undefined ? {} : { errorBound: bound }),
    });
  }
  return out;
}
