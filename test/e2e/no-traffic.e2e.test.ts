/**
 * traffic.driver: none through the built CLI on the embedded process lab: the
 * traffic steps are SKIPPED with the reason (never PASS), the others run, and
 * the verdict, the console and the JUnit report say the run covered the
 * control plane only. Needs `npm run build` first (npm test does it).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TcResult } from '../../src/record/result.js';
import { shortLabConfig } from './short-config.js';

const root = resolve(import.meta.dirname, '../..');
const cli = join(root, 'dist/cli/main.js');

describe('vnflab run with traffic.driver: none', () => {
  it('skips the traffic steps with the reason and passes on the control plane only', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vnflab-no-traffic-'));
    const config = join(dir, 'run.yaml');
    // shortLabConfig's traffic block, with driver none added to it.
    writeFileSync(config, shortLabConfig(root).replace('traffic:\n', 'traffic:\n  driver: none\n'));
    const out = join(dir, 'out');
    const r = spawnSync(
      process.execPath,
      [cli, 'run', 'TC_VNF_MIGRATE_002', '--config', config, '--out', out],
      {
        cwd: root,
        encoding: 'utf8',
        timeout: 180_000,
      },
    );
    expect(r.status, r.stderr).toBe(0);
    const result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as TcResult;
    const byName = Object.fromEntries(result.steps.map((s) => [s.name, s]));
    for (const step of [
      'generateLowTrafficLoad',
      'validateTrafficBeforeMigration',
      'validateTrafficAfterMigration',
      'determineServiceDisruption',
      'stopTraffic',
    ]) {
      expect(byName[step]?.status, step).toBe('SKIPPED');
      expect(byName[step]?.message, step).toBe('no traffic generator configured (traffic.driver: none)');
    }
    for (const step of ['instantiateVnf', 'triggerMigration', 'validateVnfHasMigrated', 'terminateVnfStep'])
      expect(byName[step]?.status, step).toBe('PASS');
    expect(result.overallStatus).toBe('PASS');
    expect(result.verdict?.controlPlaneOnly).toBe(true);
    expect(result.verdict?.summary).toMatch(/^control plane only/);
    expect(result.traffic.sent).toBeNull();
    expect(r.stdout + r.stderr).toContain(
      'TC_VNF_MIGRATE_002: PASS (control plane only: traffic.driver none)',
    );
    expect(readFileSync(join(out, 'junit.xml'), 'utf8')).toContain(
      '<skipped message="no traffic generator configured (traffic.driver: none)"/>',
    );
  });

  it('refuses the load trigger with one line naming the field and the fix (exit 2)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vnflab-no-traffic-'));
    const config = join(dir, 'run.yaml');
    writeFileSync(config, shortLabConfig(root).replace('traffic:\n', 'traffic:\n  driver: none\n'));
    const r = spawnSync(
      process.execPath,
      [cli, 'run', 'TC_VNF_MIGRATE_002', '--config', config, '--trigger', 'load'],
      {
        cwd: root,
        encoding: 'utf8',
        timeout: 30_000,
      },
    );
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe(
      'vnflab: traffic.driver: none cannot go with tcInput.triggerType: load (the trigger raises the traffic): set traffic.driver: builtin or another triggerType',
    );
  });
});
