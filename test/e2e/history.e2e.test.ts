/**
 * The run history on the embedded lab: a run SIGKILLed mid-way leaves the
 * database whole (SQLite's integrity check) with the run shown INCOMPLETE and
 * the trials it finished; `vnflab history` and `vnflab show` read it.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openHistoryStore } from '../../src/history/store.js';
import type { RunRow } from '../../src/history/store.js';
import { cli, root, vnflab } from './cli-kit.js';
import { shortLabConfig } from './short-config.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('run history', () => {
  it(
    'a run SIGKILLed during its second trial: the database stays whole, the run is INCOMPLETE with its first trial',
    { timeout: 400_000 },
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'vnflab-history-e2e-'));
      dirs.push(dir);
      const config = join(dir, 'lab.yaml');
      writeFileSync(config, shortLabConfig(root));
      const db = join(dir, 'history.db');
      const child = spawn(
        process.execPath,
        [
          cli,
          'run',
          'TC_VNF_MIGRATE_002',
          '--config',
          config,
          '--out',
          join(dir, 'set'),
          '--trials',
          '3',
          '--history-db',
          db,
        ],
        { cwd: root, stdio: 'ignore' },
      );
      const exited = new Promise<NodeJS.Signals | null>((res) => child.on('exit', (_c, sig) => res(sig)));
      // Wait until the first trial is recorded, then kill the CLI while the second one runs.
      const deadline = Date.now() + 300_000;
      let recorded = 0;
      while (Date.now() < deadline && recorded < 1) {
        await new Promise((r) => setTimeout(r, 500));
        try {
          const store = await openHistoryStore(db);
          recorded = store.listRuns()[0]?.trialsRecorded ?? 0;
          store.close();
        } catch {
          // not created yet
        }
      }
      expect(recorded, 'the first trial was recorded').toBe(1);
      await new Promise((r) => setTimeout(r, 3000));
      child.kill('SIGKILL');
      expect(await exited).toBe('SIGKILL');

      const store = await openHistoryStore(db);
      expect(store.integrityCheck()).toBe('ok');
      store.close();
      const list = vnflab(['history', '--history-db', db, '--json']);
      expect(list.code, list.stderr).toBe(0);
      const runs = JSON.parse(list.stdout) as RunRow[];
      expect(runs).toHaveLength(1);
      expect(runs[0]).toMatchObject({
        complete: false,
        status: 'RUNNING',
        trialsPlanned: 3,
        trialsRecorded: 1,
        testCase: 'TC_VNF_MIGRATE_002',
        target: 'lab:process',
      });
      expect(runs[0]!.configDigest).toMatch(/^[0-9a-f]{64}$/);
      expect(vnflab(['history', '--history-db', db]).stdout).toMatch(/1\/3\s+INCOMPLETE/);
      expect(
        vnflab(['history', '--history-db', db, '--case', 'TC_VNF_MIGRATE_001', '--json']).stdout.trim(),
      ).toBe('[]');
      const show = vnflab(['show', runs[0]!.id.slice(0, 17), '--history-db', db]);
      expect(show.code, show.stderr).toBe(0);
      expect(show.stdout).toMatch(/INCOMPLETE \(never finished/);
      expect(show.stdout).toMatch(/trial 1 (PASS|FAIL|INCONCLUSIVE)/);
      expect(vnflab(['show', 'nosuchrun', '--history-db', db]).code).toBe(2);
      // A run against itself: every delta 0, no regression (regressions: src/history/compare.test.ts).
      const same = vnflab(['compare', runs[0]!.id, runs[0]!.id, '--history-db', db]);
      expect(same.code, same.stderr).toBe(0);
      // (a figure the trial did not measure, e.g. after a step-7 INCONCLUSIVE on a loaded machine, is n/a on both sides)
      const figureLines = same.stdout.split('\n').filter((l) => /^ {2}\w+Ms /.test(l));
      expect(figureLines).toHaveLength(6);
      for (const l of figureLines) expect(l).toMatch(/ delta (\+0\.00|n\/a)( \(allowed \+[\d.]+\))?$/);
      expect(same.stdout).toContain('no regression beyond the threshold');
    },
  );
});
