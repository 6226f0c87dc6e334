import { describe, expect, it } from 'vitest';
import type { TrialFigures } from '../record/trials.js';
import { exportTrials, type RunTrials } from './export.js';
import type { RunRow, TrialRow } from './store.js';

const run: RunRow = {
  id: '20261208-010000-abcdef',
  startedAt: '2026-12-08T01:00:00.000Z',
  endedAt: '2026-12-08T01:02:00.000Z',
  testCase: 'TC_VNF_MIGRATE_002',
  target: 'sol003:https://vnfm.example, lab',
  configDigest: 'd'.repeat(64),
  vnflabVersion: '0.1.0',
  nodeVersion: 'v20.20.2',
  trialsPlanned: 2,
  pingPongMoves: null,
  outDir: '/tmp/set',
  status: 'FAIL',
  complete: true,
  trialsRecorded: 2,
};
const figures = (d: number | null): TrialFigures => ({
  serviceDisruptionMs: d,
  timestampMethodMs: d === null ? null : d + 0.5,
  switchOverMs: d,
  switchOverTimestampMs: null,
  degradationMs: 0,
  degradationTimestampMs: null,
  migrationTimeMs: 1200,
  targetDowntimeMs: 11.5,
});
const trials: TrialRow[] = [
  { n: 1, dir: 'trial-01', status: 'PASS', failure: null, figures: figures(12.25), criteria: [] },
  { n: 2, dir: 'trial-02', status: 'FAIL', failure: 'step 7', figures: figures(null), criteria: [] },
];
const runs: RunTrials[] = [{ run, trials }];

describe('vnflab export', () => {
  it('jsonl: one object per trial with its run, figures and nulls where not measured', () => {
    const lines = exportTrials(runs, 'jsonl')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({
      runId: run.id,
      trial: 1,
      status: 'PASS',
      serviceDisruptionMs: 12.25,
      runStatus: 'FAIL',
    });
    expect(lines[1]).toMatchObject({
      trial: 2,
      status: 'FAIL',
      failure: 'step 7',
      serviceDisruptionMs: null,
    });
  });

  it('influx: escaped tags, fields only for what was measured, the run start in ns', () => {
    const lines = exportTrials(runs, 'influx').trimEnd().split('\n');
    expect(lines[0]).toBe(
      'vnflab_trial,test_case=TC_VNF_MIGRATE_002,target=sol003:https://vnfm.example\\,\\ lab,run_id=20261208-010000-abcdef,trial=1,status=PASS ' +
        'passed=true,service_disruption_ms=12.25,timestamp_method_ms=12.75,switch_over_ms=12.25,degradation_ms=0,migration_time_ms=1200,target_downtime_ms=11.5 ' +
        '1796691600000000000',
    );
    expect(lines[1]).toMatch(
      /status=FAIL passed=false,degradation_ms=0,migration_time_ms=1200,target_downtime_ms=11.5 /,
    );
  });

  it('prometheus: one gauge per figure, its samples grouped after HELP and TYPE, none for an unmeasured figure', () => {
    const text = exportTrials(runs, 'prometheus');
    const lines = text.trimEnd().split('\n');
    const at = lines.indexOf('# TYPE vnflab_service_disruption_ms gauge');
    expect(lines[at - 1]).toMatch(/^# HELP vnflab_service_disruption_ms /);
    expect(lines[at + 1]).toBe(
      'vnflab_service_disruption_ms{test_case="TC_VNF_MIGRATE_002",target="sol003:https://vnfm.example, lab",run_id="20261208-010000-abcdef",trial="1",status="PASS"} 12.25 1796691600000',
    );
    expect(lines[at + 2]).toMatch(/^# HELP vnflab_timestamp_method_ms/);
    expect(text).not.toContain('switch_over_timestamp_ms');
    expect(lines.filter((l) => l.startsWith('vnflab_migration_time_ms{'))).toHaveLength(2);
    expect(exportTrials([], 'prometheus')).toBe('');
  });
});
