/**
 * The run history's commands: recording a run as it goes (HistoryRecorder),
 * `vnflab history` (list) and `vnflab show RUN`.
 */
import {
  compareTrials,
  DEFAULT_THRESHOLD,
  formatComparison,
  type FigureComparison,
  type RegressionThreshold,
} from '../history/compare.js';
import type { VnflabConfig } from '../config/schema.js';
import { EXPORT_FORMATS, exportTrials, type ExportFormat } from '../history/export.js';
import { baselineFigures, baselineLimitMs, baselineRef, type BaselineFigures } from '../history/baseline.js';
import {
  HistoryStore,
  HistoryUnavailable,
  newRunId,
  openHistoryStore,
  type BaselineRow,
  type RunFilter,
  type RunRow,
  type TrialRow,
} from '../history/store.js';
import type { OverallStatus } from '../record/result.js';
import type { TrialEntry } from '../record/trials.js';
import type { Reporter } from '../report/reporter.js';
import { isoNow } from '../util/clock.js';
import { ConfigError } from '../util/errors.js';
import { VNFLAB_VERSION } from '../util/version.js';

/** What a run ran against, for filtering and baselines: `lab:process`, `lab:qemu`, or the VNFM's URL. */
export function targetOf(config: VnflabConfig): string {
  if (config.vnfm.driver === 'lab') return `lab:${config.lab.hypervisor}`;
  const v = config.vnfm as { driver: string; baseUrl?: string };
  return `${v.driver}:${v.baseUrl ?? '?'}`;
}

/**
 * Records one run (single, or a set of trials) in the history: the run's
 * row at the first trial's start (every input has been checked by then, so
 * bad input leaves no row), each trial as it ends, the status at the end.
 */
export class HistoryRecorder {
  readonly runId = newRunId();
  private started = false;

  constructor(
    private readonly store: HistoryStore,
    private readonly run: {
      readonly config: VnflabConfig;
      readonly trialsPlanned: number;
      readonly pingPongMoves: number | null;
      readonly outDir?: string;
    },
  ) {}

  /** A reporter that opens the run's row when its first trial starts. */
  reporter(): Reporter {
    return {
      onRunStart: (result) => {
        if (this.started) return;
        this.started = true;
        this.store.startRun({
          id: this.runId,
          startedAt: result.startedAt,
          testCase: this.run.config.testCase,
          target: targetOf(this.run.config),
          config: this.run.config,
          vnflabVersion: VNFLAB_VERSION,
          trialsPlanned: this.run.trialsPlanned,
          pingPongMoves: this.run.pingPongMoves,
          outDir: this.run.outDir ?? '',
        });
      },
    };
  }

  trial(entry: TrialEntry, outDir: string): void {
    if (this.started) this.store.addTrial(this.runId, entry, outDir);
  }

  end(status: OverallStatus): void {
    if (this.started) this.store.finishRun(this.runId, status, isoNow());
  }
}

/**
 * Open the history for a run: null with `db` null (--no-history). The
 * caller closes `store` when the run is over.
 */
export async function openRunHistory(
  db: string | null,
  run: ConstructorParameters<typeof HistoryRecorder>[1],
  warn: (line: string) => void = (l) => process.stderr.write(`${l}\n`),
): Promise<{ store: HistoryStore; recorder: HistoryRecorder } | null> {
  if (db === null) return null;
  try {
    const store = await openHistoryStore(db);
    return { store, recorder: new HistoryRecorder(store, run) };
  } catch (err) {
    // The history is a record of runs, not part of one: a run goes on without it, saying so.
    if (!(err instanceof HistoryUnavailable)) throw err;
    warn(`vnflab: warning: this run is not recorded in the history: ${err.message}`);
    return null;
  }
}

export interface HistoryQuery extends RunFilter {
  readonly db: string;
}

export async function listHistory(q: HistoryQuery): Promise<RunRow[]> {
  const store = await openHistoryStore(q.db);
  try {
    return store.listRuns(q);
  } finally {
    store.close();
  }
}

/** `vnflab export`: the trials of the runs the filter picks, oldest first, in a dashboard format. */
export async function exportHistory(q: HistoryQuery, format: ExportFormat): Promise<string> {
  const store = await openHistoryStore(q.db);
  try {
    const runs = store
      .listRuns(q)
      .reverse()
      .map((run) => ({ run, trials: store.trialsOf(run.id) }));
    return exportTrials(runs, format);
  } finally {
    store.close();
  }
}

/** `--format NAME`, checked. */
export function parseExportFormat(text: string): ExportFormat {
  if ((EXPORT_FORMATS as readonly string[]).includes(text)) return text as ExportFormat;
  throw new ConfigError(`--format '${text}': give one of ${EXPORT_FORMATS.join(', ')}`);
}

export async function showRun(db: string, id: string): Promise<{ run: RunRow; trials: TrialRow[] }> {
  const store = await openHistoryStore(db);
  try {
    const run = findRun(store, db, id);
    return { run, trials: store.trialsOf(run.id) };
  } finally {
    store.close();
  }
}

/** `vnflab compare A B`: both runs' trials from the history, compared (history/compare.ts). */
export async function compareRuns(
  db: string,
  a: string,
  b: string,
  threshold: RegressionThreshold = DEFAULT_THRESHOLD,
): Promise<{ text: string; regressed: boolean; a: RunRow; b: RunRow; figures: FigureComparison[] }> {
  const store = await openHistoryStore(db);
  try {
    const find = (id: string): RunRow => findRun(store, db, id);
    // A may be `baseline` or `baseline:TAG`: B's case's baseline on B's target.
    const rb = find(b);
    const tag = baselineRef(a);
    const ra = tag === null ? find(a) : baselineRun(store, db, rb.testCase, rb.target, tag);
    const c = compareTrials(store.trialsOf(ra.id), store.trialsOf(rb.id), threshold);
    return { ...c, a: ra, b: rb, text: formatComparison(ra.id, rb.id, c) };
  } finally {
    store.close();
  }
}

/**
 * `vnflab baseline set RUN [--tag TAG]`: the run's trials become the
 * baseline of its case on its target. A run still going or killed, or one
 * without a passing trial that measured the disruption, is refused.
 */
export async function setBaseline(
  db: string,
  id: string,
  tag = 'default',
): Promise<{ baseline: BaselineRow; figures: BaselineFigures }> {
  const store = await openHistoryStore(db);
  try {
    const run = findRun(store, db, id);
    if (!run.complete)
      throw new ConfigError(
        `run ${run.id} never finished (interrupted or killed): pick a complete run as the baseline`,
      );
    const figures = baselineFigures(store.trialsOf(run.id));
    if (typeof figures === 'string')
      throw new ConfigError(`run ${run.id} cannot be a baseline: ${figures}; pick a run that passed`);
    const createdAt = isoNow();
    store.setBaseline(run.testCase, run.target, tag, run.id, createdAt);
    return {
      baseline: { testCase: run.testCase, target: run.target, tag, runId: run.id, createdAt },
      figures,
    };
  } finally {
    store.close();
  }
}

export async function listBaselines(db: string): Promise<BaselineRow[]> {
  const store = await openHistoryStore(db);
  try {
    return store.listBaselines();
  } finally {
    store.close();
  }
}

/** A run by id or unique prefix, or a ConfigError saying where to look. */
function findRun(store: HistoryStore, db: string, id: string): RunRow {
  const run = store.getRun(id);
  if (!run)
    throw new ConfigError(
      `run '${id}' is not in the history ${db} (or the prefix names several): see vnflab history`,
    );
  return run;
}

/** The baseline run of `testCase` on `target` under `tag`, or a ConfigError saying how to make one. */
function baselineRun(store: HistoryStore, db: string, testCase: string, target: string, tag: string): RunRow {
  const runId = store.baseline(testCase, target, tag);
  const run = runId === null ? null : store.getRun(runId);
  if (!run)
    throw new ConfigError(
      `no baseline '${tag}' for ${testCase} on ${target} in the history ${db}: record one with vnflab baseline set RUN${tag === 'default' ? '' : ` --tag ${tag}`}`,
    );
  return run;
}

/**
 * criteria.baseline, resolved before the run: maxServiceDisruptionMs set to
 * min(factor x the baseline's largest disruption, capMs) and the baseline's
 * run, largest figure and trial count filled in for the record. A typed
 * maxServiceDisruptionMs beside it is a conflict, not a silent override.
 */
export async function resolveBaselineCriterion(config: VnflabConfig, db: string | null): Promise<void> {
  const b = config.criteria.baseline;
  if (b === undefined) return;
  if (config.criteria.maxServiceDisruptionMs !== undefined)
    throw new ConfigError(
      'criteria.baseline and criteria.maxServiceDisruptionMs (--max-disruption-ms) both set the disruption limit: keep one',
    );
  if (db === null)
    throw new ConfigError('--baseline reads the run history: drop --no-history (or give --history-db FILE)');
  const store = await openHistoryStore(db);
  try {
    const run = baselineRun(store, db, config.testCase, targetOf(config), b.tag);
    const figures = baselineFigures(store.trialsOf(run.id));
    if (typeof figures === 'string')
      throw new ConfigError(`baseline '${b.tag}' (run ${run.id}) gives no limit: ${figures}`);
    config.criteria.maxServiceDisruptionMs = baselineLimitMs(figures.maxMs, b.factor, b.capMs);
    config.criteria.baseline = { ...b, runId: run.id, maxMs: figures.maxMs, trials: figures.trials };
  } finally {
    store.close();
  }
}

/** `--max-increase-pct 50` and `--max-increase-ms 5`, checked. */
export function parseThreshold(pct: string | undefined, absMs: string | undefined): RegressionThreshold {
  const num = (flag: string, text: string | undefined, dflt: number): number => {
    if (text === undefined) return dflt;
    const v = Number(text);
    if (!Number.isFinite(v) || v < 0)
      throw new ConfigError(`${flag} '${text}': give a number 0 or more, e.g. ${flag} 20`);
    return v;
  };
  return {
    ...DEFAULT_THRESHOLD,
    relative: num('--max-increase-pct', pct, DEFAULT_THRESHOLD.relative * 100) / 100,
    absoluteMs: num('--max-increase-ms', absMs, DEFAULT_THRESHOLD.absoluteMs),
  };
}

const f = (v: number | null): string => (v === null ? 'n/a' : v.toFixed(2));

function statusOf(r: RunRow): string {
  return r.complete ? r.status : 'INCOMPLETE';
}

export function formatHistory(rows: readonly RunRow[]): string {
  if (rows.length === 0) return 'no runs recorded';
  const head = `${'RUN'.padEnd(23)} ${'STARTED'.padEnd(24)} ${'CASE'.padEnd(19)} ${'TARGET'.padEnd(14)} ${'TRIALS'.padEnd(7)} STATUS`;
  return [
    head,
    ...rows.map(
      (r) =>
        `${r.id.padEnd(23)} ${r.startedAt.padEnd(24)} ${r.testCase.padEnd(19)} ${r.target.padEnd(14)} ${`${r.trialsRecorded}/${r.trialsPlanned}`.padEnd(7)} ${statusOf(r)}`,
    ),
  ].join('\n');
}

export function formatRun({ run, trials }: { run: RunRow; trials: readonly TrialRow[] }): string {
  const lines = [
    `run ${run.id}: ${run.testCase} on ${run.target}: ${statusOf(run)}${run.complete ? '' : ' (never finished: interrupted or killed)'}`,
    `  started ${run.startedAt}${run.endedAt ? `, ended ${run.endedAt}` : ''}; vnflab ${run.vnflabVersion}, node ${run.nodeVersion}`,
    `  config sha256 ${run.configDigest}; results ${run.outDir}`,
    `  ${run.trialsPlanned} trial(s) planned${run.pingPongMoves === null ? '' : `, ping-pong ${run.pingPongMoves} moves`}, ${trials.length} recorded`,
  ];
  for (const t of trials)
    lines.push(
      `  trial ${t.n} ${t.status}: disruption ${f(t.figures.serviceDisruptionMs)} ms (timestamps ${f(t.figures.timestampMethodMs)}), switch-over ${f(t.figures.switchOverMs)} ms, degradation ${f(t.figures.degradationMs)} ms, migration ${f(t.figures.migrationTimeMs)} ms, target's downtime ${f(t.figures.targetDowntimeMs)} ms${t.failure ? ` - ${t.failure}` : ''}`,
    );
  return lines.join('\n');
}
