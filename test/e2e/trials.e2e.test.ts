/**
 * `vnflab run --trials N` on the embedded lab: N complete runs in one folder,
 * and summary.json's statistics are what the trials' own result.json files
 * say (recomputed here independently of src/record/statistics.ts).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exitCodeOf } from '../../src/commands/run.js';
import type { OverallStatus, TcResult } from '../../src/record/result.js';
import type { TrialsSummary } from '../../src/record/trials.js';
import { resultSchemaErrors } from '../result-schema.js';
import { root, vnflab as runCli, type CliResult } from './cli-kit.js';
import { shortLabConfig } from './short-config.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** Sorted-rank percentile with linear interpolation, written out again here on purpose. */
function pct(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  const pos = ((s.length - 1) * p) / 100;
  const below = Math.floor(pos);
  const frac = pos - below;
  return frac === 0 ? s[below]! : s[below]! * (1 - frac) + s[below + 1]! * frac;
}

const dir = mkdtempSync(join(tmpdir(), 'vnflab-trials-'));
dirs.push(dir);
/** The history of this file's runs (never the user's own): the 5 trials are the next test's baseline. */
const historyDb = join(dir, 'history.db');

/** The CLI with this file's history. */
const vnflab = (args: string[], timeoutMs = 600_000): CliResult =>
  runCli([...args, '--history-db', historyDb], timeoutMs);

/** The trials of a set that compare counts (PASS or FAIL: trusted figures) and that measured the disruption. */
const measured = (summary: TrialsSummary): number =>
  summary.trials.filter(
    (t) =>
      (t.overallStatus === 'PASS' || t.overallStatus === 'FAIL') && t.figures.serviceDisruptionMs !== null,
  ).length;

/**
 * `vnflab run --trials N` into `name`, run again (up to 3 times, each
 * reported) when fewer than 2 trials measured the disruption: a comparison
 * needs figures on both sides, and a loaded machine can withhold them.
 */
function trialSet(
  name: string,
  trials: number,
  extraYaml = '',
  flags: string[] = [],
): { runId: string; summary: TrialsSummary } {
  const config = join(dir, `${name}.yaml`);
  writeFileSync(config, shortLabConfig(root, extraYaml));
  for (let attempt = 1; ; attempt++) {
    const out = join(dir, `${name}-${attempt}`);
    const r = vnflab([
      'run',
      'TC_VNF_MIGRATE_002',
      '--config',
      config,
      '--out',
      out,
      '--trials',
      String(trials),
      ...flags,
    ]);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as TrialsSummary;
    const runId = /history: run (\S+)/.exec(r.stderr)?.[1];
    expect(runId, r.stderr).toBeDefined();
    if (measured(summary) >= 2 || attempt === 3) return { runId: runId!, summary };
    console.warn(
      `[trials e2e] set ${name} attempt ${attempt}: ${measured(summary)} of ${trials} trials measured the disruption (machine load), again`,
    );
  }
}

describe('vnflab run --trials', () => {
  it(
    '5 trials: a folder of 5 normal result folders, summary.json whose statistics match them, report.html and junit.xml with one entry per trial, exit code of the worst trial',
    { timeout: 900_000 },
    () => {
      const config = join(dir, 'lab.yaml');
      writeFileSync(config, shortLabConfig(root));
      const out = join(dir, 'set');
      const r = vnflab(
        ['run', 'TC_VNF_MIGRATE_002', '--config', config, '--out', out, '--trials', '5'],
        900_000,
      );
      const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as TrialsSummary;
      expect(summary.trials.map((t) => t.dir)).toEqual([
        'trial-01',
        'trial-02',
        'trial-03',
        'trial-04',
        'trial-05',
      ]);
      const records = summary.trials.map(
        (t) => JSON.parse(readFileSync(join(out, t.dir, 'result.json'), 'utf8')) as TcResult,
      );
      for (const [i, rec] of records.entries()) {
        expect(resultSchemaErrors(rec)).toEqual([]);
        expect(rec.complete).toBe(true);
        expect(summary.trials[i]!.overallStatus).toBe(rec.overallStatus);
        for (const f of ['report.html', 'junit.xml', 'TC_VNF_MIGRATE_002.txt'])
          expect(existsSync(join(out, summary.trials[i]!.dir, f)), f).toBe(true);
      }
      // Each trial that got as far as creating one had its own VNF (a trial that failed in step 1 has none).
      const ids = records.map((x) => x.vnfInstanceId).filter((id) => id !== null);
      expect(ids.length).toBeGreaterThan(0);
      expect(new Set(ids).size).toBe(ids.length);

      const figures: Record<string, (x: TcResult) => number | null | undefined> = {
        serviceDisruptionMs: (x) =>
          x.traffic.disruptionWindow?.partial === false ? x.traffic.serviceDisruptionMs : null,
        timestampMethodMs: (x) =>
          x.traffic.disruptionWindow?.partial === false ? x.traffic.gapDerivedMs : null,
        // A partial window (a trial cut short) gives no disruption figure, nor its switch-over and degradation.
        switchOverMs: (x) =>
          x.traffic.disruptionWindow?.partial === false ? x.disruption?.switchOver.lossDerivedMs : null,
        degradationMs: (x) =>
          x.traffic.disruptionWindow?.partial === false ? x.disruption?.degradation.lossDerivedMs : null,
        migrationTimeMs: (x) => x.timeRecord.migrationTimeMs,
        targetDowntimeMs: (x) => x.migration.downtimeMs,
      };
      for (const [name, of] of Object.entries(figures)) {
        const xs = records.map(of).filter((v): v is number => typeof v === 'number');
        const st = summary.stats[name as keyof TrialsSummary['stats']];
        if (xs.length === 0) {
          expect(st, name).toBeNull();
          continue;
        }
        const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
        const sd =
          xs.length < 2 ? 0 : Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1));
        expect(st, name).not.toBeNull();
        expect(st!.n, name).toBe(xs.length);
        expect(st!.mean, name).toBeCloseTo(mean, 9);
        expect(st!.min, name).toBe(Math.min(...xs));
        expect(st!.max, name).toBe(Math.max(...xs));
        expect(st!.stdev, name).toBeCloseTo(sd, 9);
        expect(st!.p50, name).toBeCloseTo(pct(xs, 50), 9);
        expect(st!.p95, name).toBeCloseTo(pct(xs, 95), 9);
      }
      // The migration happened in every trial that got that far, so migration time is measured.
      expect(summary.stats.migrationTimeMs?.n).toBeGreaterThan(0);

      const statuses = records.map((x) => x.overallStatus);
      for (const s of ['PASS', 'FAIL', 'INCONCLUSIVE', 'ERROR', 'ABORTED'] as OverallStatus[])
        expect(summary.counts[s], s).toBe(statuses.filter((x) => x === s).length);
      const worst = Math.max(
        ...statuses.map((s) => ['PASS', 'INCONCLUSIVE', 'FAIL', 'ERROR', 'ABORTED'].indexOf(s)),
      );
      expect(summary.overallStatus).toBe(['PASS', 'INCONCLUSIVE', 'FAIL', 'ERROR', 'ABORTED'][worst]);
      expect(r.code, r.stderr).toBe(exitCodeOf(summary.overallStatus));
      // Criteria outcomes per trial, as the trial judged them.
      for (const [i, rec] of records.entries())
        expect(summary.trials[i]!.criteria.map((c) => c.outcome)).toEqual(
          (rec.verdict?.criteria ?? []).map((c) => c.outcome),
        );

      const junit = readFileSync(join(out, 'junit.xml'), 'utf8');
      expect(junit.match(/<testcase /g)).toHaveLength(5);
      expect(junit).toContain('name="trial 05"');
      const html = readFileSync(join(out, 'report.html'), 'utf8');
      for (const t of summary.trials) expect(html).toContain(`href="${t.dir}/report.html"`);
      expect(
        html.match(/<circle class="point" data-trial="\d+" data-figure="migrationTimeMs"/g) ?? [],
      ).toHaveLength(0);
      const charted = records.filter((x) => typeof x.migration.downtimeMs === 'number').length;
      expect(html.match(/data-figure="targetDowntimeMs"/g) ?? []).toHaveLength(charted);
      expect(r.stderr).toMatch(/TC_VNF_MIGRATE_002: 5 of 5 trials/);
    },
  );

  it(
    'baseline, compare and export on the recorded sets (real time: a set with under 2 measured trials is run again, reported): an unchanged rerun is no regression (exit 0), a 10x lab downtime limit is (exit 1)',
    { timeout: 900_000 },
    () => {
      const runs = JSON.parse(vnflab(['history', '--json']).stdout) as {
        id: string;
        trialsRecorded: number;
      }[];
      expect(runs, 'the 5-trial set of the test above is recorded').toHaveLength(1);
      let a = runs[0]!.id;
      let set = vnflab(['baseline', 'set', a]);
      // A baseline needs a passing trial: a loaded machine can leave none (all INCONCLUSIVE); then a new set, reported.
      if (set.code === 2 && /cannot be a baseline/.test(set.stderr)) {
        console.warn(`[trials e2e] the 5-trial set cannot be a baseline (${set.stderr.trim()}): a new set`);
        a = trialSet('base', 3).runId;
        set = vnflab(['baseline', 'set', a]);
      }
      expect(set.code, set.stderr).toBe(0);
      expect(set.stdout).toMatch(/^baseline 'default' of TC_VNF_MIGRATE_002 on lab:process: run /);

      // The same settings, judged against the baseline: every trial's limit is min(4 x A's largest, 5 s).
      const same = trialSet('same', 2, '', ['--baseline']);
      const shown = JSON.parse(vnflab(['show', a, '--json']).stdout) as {
        trials: { status: string; figures: { serviceDisruptionMs: number | null } }[];
      };
      const passing = shown.trials
        .filter((t) => t.status === 'PASS')
        .map((t) => t.figures.serviceDisruptionMs)
        .filter((v): v is number => v !== null);
      const limit = Math.min(Math.max(4 * Math.max(...passing), 1), 5000);
      const judged = same.summary.trials.filter((t) => t.criteria.length > 0);
      expect(judged.length, 'trials that reached the verdict').toBeGreaterThan(0);
      for (const t of judged)
        expect(t.criteria.find((c) => c.name === 'maxServiceDisruptionMs')?.limit, t.dir).toBeCloseTo(
          limit,
          9,
        );
      const unchanged = vnflab(['compare', a, same.runId]);
      expect(unchanged.code, unchanged.stdout + unchanged.stderr).toBe(0);
      expect(unchanged.stdout).toContain('no regression beyond the threshold');

      // Injected regression: the lab stops and copies once the rest fits in 300 ms instead of 30 ms.
      // A's spread on a loaded machine can hide it (the increase must stand out of both sets' spread):
      // a new slow set then, up to 3, each reported.
      let slow = trialSet('slow', 2, 'lab:\n  downtimeLimitMs: 300\n');
      for (let attempt = 2; attempt <= 3 && vnflab(['compare', a, slow.runId]).code !== 1; attempt++) {
        console.warn(
          `[trials e2e] the 10x downtime limit did not stand out of the spread (machine load): slow set again`,
        );
        slow = trialSet(`slow${attempt}`, 2, 'lab:\n  downtimeLimitMs: 300\n');
      }
      for (const against of [a, 'baseline']) {
        const regressed = vnflab(['compare', against, slow.runId]);
        expect(regressed.code, regressed.stdout + regressed.stderr).toBe(1);
        expect(regressed.stdout).toMatch(/serviceDisruptionMs .* {2}REGRESSION/);
      }

      // Export: one line per recorded trial, 5 + 2 + 2 (more if a set was run again).
      const recorded = (
        JSON.parse(vnflab(['history', '--json']).stdout) as { trialsRecorded: number }[]
      ).reduce((n, r) => n + r.trialsRecorded, 0);
      const jsonl = vnflab(['export', '--format', 'jsonl']);
      expect(jsonl.code, jsonl.stderr).toBe(0);
      const lines = jsonl.stdout
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l) as { runId: string; trial: number });
      expect(lines).toHaveLength(recorded);
      expect(lines[0]).toMatchObject({ runId: a, trial: 1 });
      const prom = vnflab(['export', '--format', 'prometheus', '--out', join(dir, 'metrics.prom')]);
      expect(prom.code, prom.stderr).toBe(0);
      expect(readFileSync(join(dir, 'metrics.prom'), 'utf8')).toMatch(
        new RegExp(
          `^vnflab_migration_time_ms\\{test_case="TC_VNF_MIGRATE_002",target="lab:process",run_id="${slow.runId}",trial="1",status="\\w+"\\} [\\d.]+ \\d+$`,
          'm',
        ),
      );
    },
  );
});
