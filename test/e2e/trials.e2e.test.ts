/**
 * `vnflab run --trials N` on the embedded lab: N complete runs in one folder,
 * and summary.json's statistics are what the trials' own result.json files
 * say (recomputed here independently of src/record/statistics.ts).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exitCodeOf } from '../../src/commands/run.js';
import type { OverallStatus, TcResult } from '../../src/record/result.js';
import type { TrialsSummary } from '../../src/record/trials.js';
import { resultSchemaErrors } from '../result-schema.js';
import { shortLabConfig } from './short-config.js';

const root = resolve(import.meta.dirname, '../..');
const cli = join(root, 'dist/cli/main.js');
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

describe('vnflab run --trials', () => {
  it(
    '5 trials: a folder of 5 normal result folders, summary.json whose statistics match them, report.html and junit.xml with one entry per trial, exit code of the worst trial',
    { timeout: 900_000 },
    () => {
      const dir = mkdtempSync(join(tmpdir(), 'vnflab-trials-'));
      dirs.push(dir);
      const config = join(dir, 'lab.yaml');
      writeFileSync(config, shortLabConfig(root));
      const out = join(dir, 'set');
      const r = spawnSync(
        process.execPath,
        [cli, 'run', 'TC_VNF_MIGRATE_002', '--config', config, '--out', out, '--trials', '5'],
        { cwd: root, encoding: 'utf8', timeout: 900_000 },
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
      // Each trial had its own VNF.
      expect(new Set(records.map((x) => x.vnfInstanceId)).size).toBe(5);

      const figures: Record<string, (x: TcResult) => number | null | undefined> = {
        serviceDisruptionMs: (x) =>
          x.traffic.disruptionWindow?.partial === false ? x.traffic.serviceDisruptionMs : null,
        timestampMethodMs: (x) =>
          x.traffic.disruptionWindow?.partial === false ? x.traffic.gapDerivedMs : null,
        switchOverMs: (x) => x.disruption?.switchOver.lossDerivedMs,
        degradationMs: (x) => x.disruption?.degradation.lossDerivedMs,
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
      expect(r.status, r.stderr).toBe(exitCodeOf(summary.overallStatus));
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
});
