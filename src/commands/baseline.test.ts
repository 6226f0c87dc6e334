import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../config/load.js';
import { openHistoryStore } from '../history/store.js';
import type { TrialEntry } from '../record/trials.js';
import { judgeCriteria } from '../testcases/migrate/verdict/criteria.js';
import { compareRuns, listBaselines, resolveBaselineCriterion, setBaseline } from './history.js';

const dir = mkdtempSync(join(tmpdir(), 'vnflab-baseline-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const trial = (n: number, status: TrialEntry['overallStatus'], d: number): TrialEntry => ({
  n,
  dir: `trial-0${n}`,
  overallStatus: status,
  failure: null,
  figures: {
    serviceDisruptionMs: d,
    timestampMethodMs: d,
    switchOverMs: d,
    switchOverTimestampMs: null,
    degradationMs: 0,
    degradationTimestampMs: null,
    migrationTimeMs: 1000,
    targetDowntimeMs: d,
  },
  criteria: [],
});

/** A recorded run of TC_VNF_MIGRATE_002 on lab:process with these trials. */
async function recorded(db: string, id: string, trials: TrialEntry[], finished = true): Promise<void> {
  const store = await openHistoryStore(db);
  store.startRun({
    id,
    startedAt: `2026-12-08T0${trials.length}:00:00.000Z`,
    testCase: 'TC_VNF_MIGRATE_002',
    target: 'lab:process',
    config: {},
    vnflabVersion: '0.1.0',
    trialsPlanned: trials.length,
    pingPongMoves: null,
    outDir: '/tmp/x',
  });
  for (const t of trials) store.addTrial(id, t);
  if (finished) store.finishRun(id, 'PASS', '2026-12-08T09:00:00.000Z');
  store.close();
}

describe('vnflab baseline', () => {
  it('a complete run with passing trials becomes the baseline; a run then gets min(4 x its largest, 5 s) as its limit', async () => {
    const db = join(dir, 'h1.db');
    await recorded(db, 'base-1', [trial(1, 'PASS', 12), trial(2, 'FAIL', 900), trial(3, 'PASS', 15)]);
    const set = await setBaseline(db, 'base', 'nightly');
    expect(set.figures).toEqual({ maxMs: 15, trials: 2 });
    expect(await listBaselines(db)).toMatchObject([
      { testCase: 'TC_VNF_MIGRATE_002', target: 'lab:process', tag: 'nightly', runId: 'base-1' },
    ]);

    const config = parseConfig({ criteria: { baseline: { tag: 'nightly' } } });
    await resolveBaselineCriterion(config, db);
    expect(config.criteria.maxServiceDisruptionMs).toBe(60);
    expect(config.criteria.baseline).toMatchObject({
      runId: 'base-1',
      maxMs: 15,
      trials: 2,
      factor: 4,
      capMs: 5000,
    });
    // The judged criterion says where its limit came from.
    const [c] = judgeCriteria(
      config.criteria,
      {
        serviceDisruptionMs: 75,
        switchOverMs: 70,
        migrationTimeMs: 900,
        lossOutsideSwitchOverPackets: 0,
        latencyP99Ms: 1,
      },
      false,
    );
    expect(c).toMatchObject({ name: 'maxServiceDisruptionMs', limit: 60, outcome: 'FAIL', defaulted: false });
    expect(c?.derivedFrom).toMatch(
      /baseline 'nightly' \(run base-1: largest 15\.00 ms over 2 passing trial\(s\)\) x 4/,
    );

    // A tighter factor and a cap from the config.
    const capped = parseConfig({ criteria: { baseline: { tag: 'nightly', factor: 10, capMs: 100 } } });
    await resolveBaselineCriterion(capped, db);
    expect(capped.criteria.maxServiceDisruptionMs).toBe(100);
  });

  it('refuses what cannot be a baseline, and a run that asks for one that does not exist, each naming the fix', async () => {
    const db = join(dir, 'h2.db');
    await recorded(db, 'killed-1', [trial(1, 'PASS', 12)], false);
    await recorded(db, 'failed-1', [trial(1, 'FAIL', 12), trial(2, 'INCONCLUSIVE', 9)]);
    await expect(setBaseline(db, 'killed-1')).rejects.toThrow(/never finished .*pick a complete run/);
    await expect(setBaseline(db, 'failed-1')).rejects.toThrow(/none of its 2 trial\(s\) passed/);
    await expect(setBaseline(db, 'nosuch')).rejects.toThrow(/not in the history/);

    const config = parseConfig({ criteria: { baseline: {} } });
    await expect(resolveBaselineCriterion(config, db)).rejects.toThrow(
      /no baseline 'default' for TC_VNF_MIGRATE_002 on lab:process .*vnflab baseline set RUN$/,
    );
    await expect(resolveBaselineCriterion(config, null)).rejects.toThrow(/drop --no-history/);
    const both = parseConfig({ criteria: { baseline: {}, maxServiceDisruptionMs: 50 } });
    await expect(resolveBaselineCriterion(both, db)).rejects.toThrow(
      /both set the disruption limit: keep one/,
    );
    // Without criteria.baseline nothing is read or changed.
    const plain = parseConfig({});
    await resolveBaselineCriterion(plain, null);
    expect(plain.criteria.maxServiceDisruptionMs).toBeUndefined();
  });

  it("vnflab compare baseline[:TAG] RUN compares RUN with its case's baseline on its target", async () => {
    const db = join(dir, 'h3.db');
    await recorded(db, 'base-3', [trial(1, 'PASS', 12), trial(2, 'PASS', 13)]);
    await recorded(db, 'slow-3', [trial(1, 'PASS', 40), trial(2, 'PASS', 44), trial(3, 'PASS', 42)]);
    await setBaseline(db, 'base-3');
    const c = await compareRuns(db, 'baseline', 'slow-3');
    expect(c.a.id).toBe('base-3');
    expect(c.regressed).toBe(true);
    await expect(compareRuns(db, 'baseline:other', 'slow-3')).rejects.toThrow(/no baseline 'other'/);
  });
});
