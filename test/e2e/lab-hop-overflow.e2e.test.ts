/**
 * A socket overflow really injected into a lab hop (issue #15): the VNF's
 * compute host is frozen for 700 ms (SIGSTOP, SIGCONT) while step 7 sends
 * 10 000 packets/s through it, so its data-plane socket overflows. The loss
 * is the lab's, not the VNF's: step 7 must say INCONCLUSIVE naming the host
 * and its queue overflow, never FAIL the VNF, and the run exits 3.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { TcResult } from '../../src/record/result.js';
import { root, vnflab } from './cli-kit.js';
import { shortLabConfig } from './short-config.js';
import { isAlive as alive } from '../../src/util/pid.js';

const dir = mkdtempSync(join(tmpdir(), 'vnflab-hop-overflow-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a lab hop that overflows', () => {
  it(
    "the VNF host frozen 700 ms in step 7 at 10 000 packets/s: step 7 INCONCLUSIVE naming the host's queue overflow, exit 3",
    { timeout: 180_000 },
    () => {
      const config = join(dir, 'lab.yaml');
      writeFileSync(
        config,
        shortLabConfig(root)
          .replace('LOW: 5000', 'LOW: 10000')
          .replace('validationPeriodMs: 500', 'validationPeriodMs: 3000'),
      );
      const out = join(dir, 'out');
      const r = vnflab(
        [
          'run',
          'TC_VNF_MIGRATE_002',
          '--config',
          config,
          '--out',
          out,
          '--no-history',
          '--lab-fault',
          'host.source=freeze700ms@step7+200ms',
        ],
        170_000,
      );
      const result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as TcResult;
      expect(result.overallStatus, r.stderr).toBe('INCONCLUSIVE');
      expect(r.code).toBe(3);
      const step7 = result.steps.find((s) => s.n === 7);
      expect(step7?.status).toBe('INCONCLUSIVE');
      expect(result.failure?.step).toBe(7);
      // The lab's own counters name the frozen host (the one the VNF ran on, step 4) and its queue overflow;
      // on a loaded machine the fabric may overflow too. With the late arrivals they account for every lost packet.
      const host = result.resourceList.activeResource?.[0]?.host;
      expect(host).toMatch(/^compute-\d+$/);
      const m =
        /Traffic lost before the migration: (\d+) of \d+ packets .* dropped (\d+) in this window \(([^)]*): queue overflow\)(?:.*, and (\d+) of the lost arrived after the grace period)?/.exec(
          result.failure?.message ?? '',
        );
      expect(m, result.failure?.message).not.toBeNull();
      expect(m![3]).toMatch(new RegExp(`(^|, )host ${host} \\d+`));
      expect(Number(m![2]) + Number(m![4] ?? 0)).toBeGreaterThanOrEqual(Number(m![1]));
      const log = readFileSync(join(out, 'TC_VNF_MIGRATE_002.txt'), 'utf8');
      expect(log).toMatch(
        new RegExp(
          `fault host.source=freeze700ms@step7\\+200ms: SIGSTOP sent to host ${host} \\(pid \\d+\\), SIGCONT in 700 ms`,
        ),
      );
      // Nothing of the lab is left, thawed or not.
      const lab = result.environment['lab'] as { pid?: number; hostPids?: number[] } | undefined;
      for (const pid of [lab?.pid ?? -1, ...(lab?.hostPids ?? [])])
        expect(alive(pid), `pid ${pid}`).toBe(false);
    },
  );
});
