import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { TrialEntry } from '../record/trials.js';
import { configDigest, HistoryStore, newRunId, openHistoryStore } from './store.js';
import { historyDbPath } from './location.js';

const dir = mkdtempSync(join(tmpdir(), 'vnflab-history-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const trial = (n: number, d: number): TrialEntry => ({
  n,
  dir: `trial-0${n}`,
  overallStatus: 'PASS',
  failure: null,
  figures: {
    serviceDisruptionMs: d,
    timestampMethodMs: d + 1,
    switchOverMs: d,
    switchOverTimestampMs: null,
    degradationMs: 0,
    degradationTimestampMs: null,
    migrationTimeMs: 1000,
    targetDowntimeMs: d - 0.5,
  },
  criteria: [{ name: 'maxServiceDisruptionMs', outcome: 'PASS', value: d, limit: 50 }],
});

function start(store: HistoryStore, id: string, testCase: string, startedAt: string): void {
  store.startRun({
    id,
    startedAt,
    testCase,
    target: 'lab:process',
    config: { b: 1, a: [1, 2] },
    vnflabVersion: '0.1.0',
    trialsPlanned: 2,
    pingPongMoves: null,
    outDir: '/tmp/x',
  });
}

describe('HistoryStore', () => {
  it('records a run as it goes: RUNNING and incomplete until finished; trials with their figures and criteria', async () => {
    const file = join(dir, 'a', 'history.db');
    const store = await openHistoryStore(file);
    start(store, 'r1', 'TC_VNF_MIGRATE_002', '2026-12-01T10:00:00.000Z');
    store.addTrial('r1', trial(1, 5), '/tmp/set');
    expect(store.getRun('r1')).toMatchObject({
      status: 'RUNNING',
      complete: false,
      trialsRecorded: 1,
      outDir: '/tmp/set',
    });
    store.addTrial('r1', trial(2, 7));
    store.finishRun('r1', 'PASS', '2026-12-01T10:05:00.000Z');
    store.close();

    const again = await openHistoryStore(file);
    expect(again.getRun('r1')).toMatchObject({ status: 'PASS', complete: true, trialsRecorded: 2 });
    const trials = again.trialsOf('r1');
    expect(trials.map((t) => t.figures.serviceDisruptionMs)).toEqual([5, 7]);
    expect(trials[0]?.figures.switchOverTimestampMs).toBeNull();
    expect(trials[1]?.criteria).toEqual(trial(2, 7).criteria);
    expect(again.integrityCheck()).toBe('ok');
    again.close();
  });

  it('filters by case, target and date, newest first; finds a run by a unique id prefix', async () => {
    const store = await openHistoryStore(':memory:');
    start(store, '20261201-a', 'TC_VNF_MIGRATE_002', '2026-12-01T10:00:00.000Z');
    start(store, '20261202-b', 'TC_VNF_MIGRATE_001', '2026-12-02T10:00:00.000Z');
    start(store, '20261203-c', 'TC_VNF_MIGRATE_002', '2026-12-03T10:00:00.000Z');
    expect(store.listRuns().map((r) => r.id)).toEqual(['20261203-c', '20261202-b', '20261201-a']);
    expect(store.listRuns({ testCase: 'TC_VNF_MIGRATE_002' }).map((r) => r.id)).toEqual([
      '20261203-c',
      '20261201-a',
    ]);
    expect(store.listRuns({ since: '2026-12-02' }).map((r) => r.id)).toEqual(['20261203-c', '20261202-b']);
    expect(store.listRuns({ target: 'elsewhere' })).toEqual([]);
    expect(store.getRun('20261202')?.id).toBe('20261202-b');
    expect(store.getRun('2026120')).toBeNull(); // ambiguous
    store.setBaseline('TC_VNF_MIGRATE_002', 'lab:process', 'main', '20261201-a', '2026-12-04T00:00:00Z');
    store.setBaseline('TC_VNF_MIGRATE_002', 'lab:process', 'main', '20261203-c', '2026-12-05T00:00:00Z');
    expect(store.baseline('TC_VNF_MIGRATE_002', 'lab:process', 'main')).toBe('20261203-c');
    store.close();
  });

  it('configDigest ignores key order; run ids sort by start', () => {
    expect(configDigest({ a: 1, b: { c: 2, d: 3 } })).toBe(configDigest({ b: { d: 3, c: 2 }, a: 1 }));
    expect(configDigest({ a: 1 })).not.toBe(configDigest({ a: 2 }));
    expect(newRunId(new Date('2026-12-07T22:15:03.123Z'))).toMatch(/^20261207-221503-[0-9a-f]{6}$/);
  });

  it('the database file: flag, then VNFLAB_HISTORY_DB, then XDG_DATA_HOME, then ~/.local/share', () => {
    expect(historyDbPath('/x/h.db', {})).toBe('/x/h.db');
    expect(historyDbPath(undefined, { VNFLAB_HISTORY_DB: '/y/h.db' })).toBe('/y/h.db');
    expect(historyDbPath(undefined, { XDG_DATA_HOME: '/d' })).toBe('/d/vnflab/history.db');
    expect(historyDbPath(undefined, {})).toMatch(/\.local\/share\/vnflab\/history\.db$/);
  });
});
