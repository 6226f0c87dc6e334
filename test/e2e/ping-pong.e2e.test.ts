/**
 * `vnflab run TC_VNF_MIGRATE_002 --ping-pong 6` on the embedded process lab:
 * one VNF moved A -> B -> A ... six times under continuous traffic, each move
 * reported with its loss on its own timeline, and the first move against the
 * repeats (recomputed here from the moves).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exitCodeOf } from '../../src/commands/run.js';
import type { TcResult } from '../../src/record/result.js';
import { resultSchemaErrors } from '../result-schema.js';
import { root, vnflab } from './cli-kit.js';
import { shortLabConfig } from './short-config.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('vnflab run --ping-pong', () => {
  it(
    '6 moves of one VNF between the two lab hosts under continuous traffic: each move on its own timeline, first versus repeats',
    { timeout: 600_000 },
    () => {
      const dir = mkdtempSync(join(tmpdir(), 'vnflab-ping-pong-'));
      dirs.push(dir);
      const config = join(dir, 'lab.yaml');
      writeFileSync(config, shortLabConfig(root));
      const out = join(dir, 'out');
      // 2 000 packets/s: six moves keep the traffic running for a minute on a shared 2-core machine.
      const r = vnflab(
        ['run', 'TC_VNF_MIGRATE_002', '--config', config, '--out', out, '--ping-pong', '6', '--rate', '2000'],
        540_000,
      );
      const result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as TcResult;
      expect(resultSchemaErrors(result)).toEqual([]);
      expect(r.code, r.stderr).toBe(exitCodeOf(result.overallStatus));
      expect(result.steps).toHaveLength(7 + 6 * 5 + 2);
      expect(['PASS', 'INCONCLUSIVE'], `${JSON.stringify(result.failure)}`).toContain(result.overallStatus);
      expect(result.steps.filter((s) => s.name === 'recordMove').every((s) => s.status === 'PASS')).toBe(
        true,
      );

      const pp = result.pingPong!;
      expect(pp.movesPlanned).toBe(6);
      expect(pp.moves.map((m) => m.n)).toEqual([1, 2, 3, 4, 5, 6]);
      // A -> B -> A ...: each move starts where the last one ended, and goes back.
      const [a, b] = [pp.moves[0]!.fromHost, pp.moves[0]!.toHost];
      expect(a).not.toBe(b);
      for (const m of pp.moves) expect([m.fromHost, m.toHost]).toEqual(m.n % 2 === 1 ? [a, b] : [b, a]);
      expect(new Set(pp.moves.map((m) => m.migrationId)).size).toBe(6);

      for (const [i, m] of pp.moves.entries()) {
        // Its own timeline: the placement's trigger is this move's trigger, and its loss lies after it.
        expect(m.disruption, `move ${m.n}`).not.toBeNull();
        expect(m.disruption!.events.triggerAtMs).toBe(m.triggeredAt!.monoMs);
        const next = pp.moves[i + 1];
        for (const e of m.episodes) {
          expect(e.firstLostSentAtMs).toBeGreaterThanOrEqual(m.triggeredAt!.monoMs - 50);
          if (next) expect(e.lastLostSentAtMs).toBeLessThan(next.triggeredAt!.monoMs);
        }
        expect(m.serviceDisruptionMs).not.toBeNull();
        expect(m.migrationTimeMs).toBeCloseTo(m.completedAt!.monoMs - m.triggeredAt!.monoMs, 6);
        expect(m.targetDowntimeMs).toBeGreaterThan(0);
      }
      // The record's top-level figures are the last move's.
      expect(result.migration.migrationId).toBe(pp.moves[5]!.migrationId);
      expect(result.traffic.serviceDisruptionMs).toBe(pp.moves[5]!.serviceDisruptionMs);

      const { first, repeats } = pp.firstVersusRepeats;
      expect(first?.serviceDisruptionMs).toBe(pp.moves[0]!.serviceDisruptionMs);
      const rest = pp.moves.slice(1).map((m) => m.migrationTimeMs!);
      expect(repeats.migrationTimeMs?.n).toBe(5);
      expect(repeats.migrationTimeMs?.mean).toBeCloseTo(rest.reduce((x, y) => x + y, 0) / 5, 9);
      expect(repeats.migrationTimeMs?.max).toBe(Math.max(...rest));
      expect(r.stderr).toContain('first move versus repeats');
      expect(r.stderr).toMatch(/move 6: \S+ -> \S+ {2}disruption/);
      expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('id="ping-pong-moves"');
    },
  );
});
