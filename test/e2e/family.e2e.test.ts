/**
 * The MIGRATE family on the embedded lab: each case runs its own sequence and
 * its outcome is what the plan expects (001/003 move without traffic and prove
 * it before and after; 004's offline move disrupts for the length of the move).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MEASURES_REAL_TIME } from '../measures-real-time.js';
import { exitCodeOf } from '../../src/commands/run.js';
import type { TcResult } from '../../src/record/result.js';
import { expectOfflineDisruptionMatchesLab } from '../lab-truth.js';
import { resultSchemaErrors } from '../result-schema.js';

const root = resolve(import.meta.dirname, '../..');
const cli = join(root, 'dist/cli/main.js');
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function run(testCase: string, ...extra: string[]): TcResult {
  const out = mkdtempSync(join(tmpdir(), `vnflab-${testCase}-`));
  dirs.push(out);
  const r = spawnSync(
    process.execPath,
    [cli, 'run', testCase, '--config', 'examples/lab.yaml', '--out', out, ...extra],
    {
      cwd: root,
      encoding: 'utf8',
      timeout: 180_000,
    },
  );
  const result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as TcResult;
  expect(r.status, r.stderr).toBe(exitCodeOf(result.overallStatus));
  expect(resultSchemaErrors(result), 'result.json against docs/result.schema.json').toEqual([]);
  return result;
}

describe('MIGRATE family on the embedded lab', () => {
  it(
    'TC_VNF_MIGRATE_001: live move with traffic stopped; traffic clean before and after, no disruption measured [measures real time]',
    MEASURES_REAL_TIME,
    () => {
      const r = run('TC_VNF_MIGRATE_001');
      expect(r.overallStatus, JSON.stringify(r.failure)).toBe('PASS');
      expect(r.steps).toHaveLength(14);
      expect(r.migration.migrationType).toBe('LIVE_MIGRATION');
      expect(r.migration.fromHost).not.toBe(r.migration.toHost);
      expect(r.traffic.windows.map((w) => w.name)).toEqual(['beforeTrigger', 'afterMigration']);
      expect(r.traffic.lost).toBe(0);
      expect(r.traffic.serviceDisruptionMs).toBeNull();
    },
  );

  it(
    'TC_VNF_MIGRATE_003: offline move of an offline-only VNF with traffic stopped [measures real time]',
    MEASURES_REAL_TIME,
    () => {
      const r = run('TC_VNF_MIGRATE_003');
      expect(r.overallStatus, JSON.stringify(r.failure)).toBe('PASS');
      expect(r.migration.migrationType).toBe('OFFLINE_MIGRATION');
      expect(r.migration.type).toBe('OFFLINE');
      expect(r.traffic.lost).toBe(0);
      expect(r.resourceList.released!.length).toBeGreaterThan(0);
    },
  );

  it(
    'TC_VNF_MIGRATE_004: offline move under traffic; the disruption is of the order of the move [measures real time]',
    MEASURES_REAL_TIME,
    () => {
      const r = run('TC_VNF_MIGRATE_004');
      expect(r.overallStatus, JSON.stringify(r.failure)).toBe('PASS');
      expect(r.steps[11]?.title).toBe('Determine the service disruption by packet drop calculation');
      expect(r.migration.type).toBe('OFFLINE');
      expectOfflineDisruptionMatchesLab(r);
      const windows = Object.fromEntries(r.traffic.windows.map((w) => [w.name, w.lost]));
      expect(windows).toEqual({ beforeTrigger: 0, duringMigration: r.traffic.lost, afterMigration: 0 });
    },
  );

  it('step 5 decides: an SR-IOV (offline-only) VNF fails 002 there, a live-migratable one fails 004 there', () => {
    const r002 = run('TC_VNF_MIGRATE_002', '--vnfd', 'vnfd-vnflab-udp-fwd-sriov');
    expect(r002.overallStatus).toBe('FAIL');
    expect(r002.failure?.step).toBe(5);
    expect(r002.failure?.message).toMatch(/live migration support: migration type is OFFLINE_MIGRATION/);
    const r004 = run('TC_VNF_MIGRATE_004', '--vnfd', 'vnfd-vnflab-udp-fwd');
    expect(r004.overallStatus).toBe('FAIL');
    expect(r004.failure?.step).toBe(5);
    expect(r004.failure?.message).toMatch(/offline migration support: migration type is LIVE_MIGRATION/);
  });
});
