/**
 * The run history: every run (a single run, or a set of trials) and each of
 * its trials, in an embedded SQLite database (better-sqlite3). A run is
 * written as it starts (complete 0, status RUNNING) and each trial as it
 * ends, each in its own transaction; WAL journaling means a run killed
 * mid-way (SIGKILL, power cut) leaves the database whole, with the run
 * shown as incomplete.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { VnflabError } from '../util/errors.js';
import type { OverallStatus } from '../record/result.js';
import type { TrialEntry, TrialFigures } from '../record/trials.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS runs (
  id TEXT PRIMARY KEY,
  started_at TEXT NOT NULL,
  ended_at TEXT,
  test_case TEXT NOT NULL,
  target TEXT NOT NULL,
  config_digest TEXT NOT NULL,
  vnflab_version TEXT NOT NULL,
  node_version TEXT NOT NULL,
  trials_planned INTEGER NOT NULL,
  ping_pong_moves INTEGER,
  out_dir TEXT NOT NULL,
  status TEXT NOT NULL,
  complete INTEGER NOT NULL DEFAULT 0,
  config_json TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS runs_by_case ON runs (test_case, target, started_at);
CREATE TABLE IF NOT EXISTS trials (
  run_id TEXT NOT NULL REFERENCES runs(id),
  n INTEGER NOT NULL,
  dir TEXT NOT NULL,
  status TEXT NOT NULL,
  failure TEXT,
  service_disruption_ms REAL,
  timestamp_method_ms REAL,
  switch_over_ms REAL,
  switch_over_timestamp_ms REAL,
  degradation_ms REAL,
  degradation_timestamp_ms REAL,
  migration_time_ms REAL,
  target_downtime_ms REAL,
  criteria_json TEXT NOT NULL,
  PRIMARY KEY (run_id, n)
);
CREATE TABLE IF NOT EXISTS baselines (
  test_case TEXT NOT NULL,
  target TEXT NOT NULL,
  tag TEXT NOT NULL,
  run_id TEXT NOT NULL REFERENCES runs(id),
  created_at TEXT NOT NULL,
  PRIMARY KEY (test_case, target, tag)
);
`;

export interface RunRow {
  readonly id: string;
  readonly startedAt: string;
  readonly endedAt: string | null;
  readonly testCase: string;
  readonly target: string;
  readonly configDigest: string;
  readonly vnflabVersion: string;
  readonly nodeVersion: string;
  readonly trialsPlanned: number;
  readonly pingPongMoves: number | null;
  readonly outDir: string;
  /** RUNNING until the run ends; a run that never ended keeps it (see `complete`). */
  readonly status: OverallStatus | 'RUNNING';
  /** False for a run still going or killed mid-way. */
  readonly complete: boolean;
  readonly trialsRecorded: number;
}

export interface TrialRow {
  readonly n: number;
  readonly dir: string;
  readonly status: OverallStatus;
  readonly failure: string | null;
  readonly figures: TrialFigures;
  readonly criteria: TrialEntry['criteria'];
}

/** A baseline: the run whose trials give a case's limits on a target. */
export interface BaselineRow {
  readonly testCase: string;
  readonly target: string;
  readonly tag: string;
  readonly runId: string;
  readonly createdAt: string;
}

export interface RunFilter {
  readonly testCase?: string;
  readonly target?: string;
  /** ISO date or time: runs started at or after it. */
  readonly since?: string;
  readonly until?: string;
  readonly limit?: number;
}

/** sha256 of the configuration with its keys sorted: equal for equal settings whatever their order. */
export function configDigest(config: unknown): string {
  const canonical = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(canonical)
      : v !== null && typeof v === 'object'
        ? Object.fromEntries(
            Object.keys(v)
              .sort()
              .map((k) => [k, canonical((v as Record<string, unknown>)[k])]),
          )
        : v;
  return createHash('sha256')
    .update(JSON.stringify(canonical(config)))
    .digest('hex');
}

/** `20261207-221503-3fa9c1`: sortable by start, unique. */
export function newRunId(now = new Date()): string {
  const t = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${t}-${randomBytes(3).toString('hex')}`;
}

const FIGURE_COLUMNS: readonly [keyof TrialFigures, string][] = [
  ['serviceDisruptionMs', 'service_disruption_ms'],
  ['timestampMethodMs', 'timestamp_method_ms'],
  ['switchOverMs', 'switch_over_ms'],
  ['switchOverTimestampMs', 'switch_over_timestamp_ms'],
  ['degradationMs', 'degradation_ms'],
  ['degradationTimestampMs', 'degradation_timestamp_ms'],
  ['migrationTimeMs', 'migration_time_ms'],
  ['targetDowntimeMs', 'target_downtime_ms'],
];

type Row = Record<string, unknown>;

function runOf(r: Row): RunRow {
  return {
    id: r.id as string,
    startedAt: r.started_at as string,
    endedAt: (r.ended_at as string | null) ?? null,
    testCase: r.test_case as string,
    target: r.target as string,
    configDigest: r.config_digest as string,
    vnflabVersion: r.vnflab_version as string,
    nodeVersion: r.node_version as string,
    trialsPlanned: r.trials_planned as number,
    pingPongMoves: (r.ping_pong_moves as number | null) ?? null,
    outDir: r.out_dir as string,
    status: r.status as RunRow['status'],
    complete: r.complete === 1,
    trialsRecorded: (r.trials_recorded as number | undefined) ?? 0,
  };
}

/** The history cannot be opened: better-sqlite3's native part did not load, or the file is not a database. */
export class HistoryUnavailable extends VnflabError {
  readonly code = 'VNFLAB_HISTORY_UNAVAILABLE';
}

/**
 * Open (and create) the history database. better-sqlite3 is loaded here, on
 * demand: a run that records no history never loads its native part, and an
 * install without it (npm --ignore-scripts) still runs tests.
 */
export async function openHistoryStore(file: string): Promise<HistoryStore> {
  let Database: typeof BetterSqlite3;
  try {
    Database = (await import('better-sqlite3')).default;
    return new HistoryStore(file, Database);
  } catch (err) {
    throw new HistoryUnavailable(
      `the run history ${file} cannot be opened: ${(err as Error).message.split('\n')[0]}`,
      {
        cause: err,
      },
    );
  }
}

export class HistoryStore {
  private readonly db: BetterSqlite3.Database;

  constructor(
    readonly file: string,
    Database: typeof BetterSqlite3,
  ) {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file);
    // WAL: a writer killed mid-transaction leaves the last committed state; readers never see half a run.
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(SCHEMA);
  }

  close(): void {
    this.db.close();
  }

  startRun(run: {
    id: string;
    startedAt: string;
    testCase: string;
    target: string;
    config: unknown;
    vnflabVersion: string;
    trialsPlanned: number;
    pingPongMoves: number | null;
    outDir: string;
  }): void {
    this.db
      .prepare(
        `INSERT INTO runs (id, started_at, test_case, target, config_digest, vnflab_version, node_version,
           trials_planned, ping_pong_moves, out_dir, status, complete, config_json)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'RUNNING', 0, ?)`,
      )
      .run(
        run.id,
        run.startedAt,
        run.testCase,
        run.target,
        configDigest(run.config),
        run.vnflabVersion,
        process.version,
        run.trialsPlanned,
        run.pingPongMoves,
        run.outDir,
        JSON.stringify(run.config),
      );
  }

  /** One trial's figures; the run's out_dir is set too (a default folder is known only once the first trial made it). */
  addTrial(runId: string, t: TrialEntry, outDir?: string): void {
    const cols = FIGURE_COLUMNS.map(([, c]) => c);
    const insert = this.db.prepare(
      `INSERT INTO trials (run_id, n, dir, status, failure, ${cols.join(', ')}, criteria_json)
       VALUES (?, ?, ?, ?, ?, ${cols.map(() => '?').join(', ')}, ?)`,
    );
    this.db.transaction(() => {
      insert.run(
        runId,
        t.n,
        t.dir,
        t.overallStatus,
        t.failure,
        ...FIGURE_COLUMNS.map(([f]) => t.figures[f]),
        JSON.stringify(t.criteria),
      );
      if (outDir !== undefined)
        this.db.prepare('UPDATE runs SET out_dir = ? WHERE id = ?').run(outDir, runId);
    })();
  }

  finishRun(runId: string, status: OverallStatus, endedAt: string): void {
    this.db
      .prepare('UPDATE runs SET status = ?, ended_at = ?, complete = 1 WHERE id = ?')
      .run(status, endedAt, runId);
  }

  listRuns(filter: RunFilter = {}): RunRow[] {
    const conditions: [string, string | undefined][] = [
      ['r.test_case = ?', filter.testCase],
      ['r.target = ?', filter.target],
      ['r.started_at >= ?', filter.since],
      ['r.started_at < ?', filter.until],
    ];
    const used = conditions.filter((c): c is [string, string] => c[1] !== undefined);
    const where = used.map(([sql]) => sql);
    const args = used.map(([, value]) => value);
    const sql = `SELECT r.*, (SELECT COUNT(*) FROM trials t WHERE t.run_id = r.id) AS trials_recorded FROM runs r
      ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY r.started_at DESC, r.id DESC LIMIT ?`;
    return (this.db.prepare(sql).all(...args, filter.limit ?? 1000) as Row[]).map(runOf);
  }

  /** A run by id, or by a unique prefix of it; null when none (or several) match. */
  getRun(idOrPrefix: string): RunRow | null {
    const rows = this.db
      .prepare(
        `SELECT r.*, (SELECT COUNT(*) FROM trials t WHERE t.run_id = r.id) AS trials_recorded FROM runs r
         WHERE r.id = ? OR r.id LIKE ? ORDER BY r.id LIMIT 2`,
      )
      .all(idOrPrefix, `${idOrPrefix.replace(/[%_]/g, '')}%`) as Row[];
    const exact = rows.find((r) => r.id === idOrPrefix);
    if (exact) return runOf(exact);
    return rows.length === 1 ? runOf(rows[0] as Row) : null;
  }

  trialsOf(runId: string): TrialRow[] {
    return (this.db.prepare('SELECT * FROM trials WHERE run_id = ? ORDER BY n').all(runId) as Row[]).map(
      (r) => ({
        n: r.n as number,
        dir: r.dir as string,
        status: r.status as OverallStatus,
        failure: (r.failure as string | null) ?? null,
        figures: Object.fromEntries(
          FIGURE_COLUMNS.map(([f, c]) => [f, (r[c] as number | null) ?? null]),
        ) as unknown as TrialFigures,
        criteria: JSON.parse(r.criteria_json as string) as TrialEntry['criteria'],
      }),
    );
  }

  setBaseline(testCase: string, target: string, tag: string, runId: string, at: string): void {
    this.db
      .prepare(
        `INSERT INTO baselines (test_case, target, tag, run_id, created_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (test_case, target, tag) DO UPDATE SET run_id = excluded.run_id, created_at = excluded.created_at`,
      )
      .run(testCase, target, tag, runId, at);
  }

  baseline(testCase: string, target: string, tag: string): string | null {
    const r = this.db
      .prepare('SELECT run_id FROM baselines WHERE test_case = ? AND target = ? AND tag = ?')
      .get(testCase, target, tag) as Row | undefined;
    return (r?.run_id as string | undefined) ?? null;
  }

  /** Every baseline, by case, target and tag. */
  listBaselines(): BaselineRow[] {
    return (this.db.prepare('SELECT * FROM baselines ORDER BY test_case, target, tag').all() as Row[]).map(
      (r) => ({
        testCase: r.test_case as string,
        target: r.target as string,
        tag: r.tag as string,
        runId: r.run_id as string,
        createdAt: r.created_at as string,
      }),
    );
  }

  /** SQLite's own consistency check: 'ok' when the file is whole. */
  integrityCheck(): string {
    return this.db.pragma('integrity_check', { simple: true }) as string;
  }
}
