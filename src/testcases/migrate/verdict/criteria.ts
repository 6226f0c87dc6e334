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
}[] = [
  {
    name: 'maxServiceDisruptionMs',
    what: 'service disruption (RFC 6201 frame-loss method, over the move)',
    unit: 'ms',
    figure: 'serviceDisruptionMs',
  },
  { name: 'maxSwitchOverMs', what: 'switch-over (blackout) loss', unit: 'ms', figure: 'switchOverMs' },
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
  },
  { name: 'maxLatencyP99Ms', what: 'one-way latency p99 (worst flow)', unit: 'ms', figure: 'latencyP99Ms' },
];

/**
 * Judge every criterion that is set. `trafficDuringMove`: the case keeps
 * traffic flowing through the move (002, 004), so loss outside the
 * switch-over is judged by default (limit 0).
 */
export function judgeCriteria(
  criteria: CriteriaConfig,
  figures: MeasuredFigures,
  trafficDuringMove: boolean,
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
    const outcome: CriterionOutcome = value === null ? 'NOT_MEASURED' : value <= limit ? 'PASS' : 'FAIL';
    out.push({ name: d.name, what: d.what, unit: d.unit, limit, defaulted, value, outcome });
  }
  return out;
}
