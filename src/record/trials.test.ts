import { describe, expect, it } from 'vitest';
import type { OverallStatus } from './result.js';
import { summarizeTrials, worstStatus, type TrialEntry } from './trials.js';

function entry(n: number, status: OverallStatus, disruption: number | null, downtime: number): TrialEntry {
  return {
    n,
    dir: `trial-0${n}`,
    overallStatus: status,
    failure: status === 'PASS' ? null : 'why',
    figures: {
      serviceDisruptionMs: disruption,
      timestampMethodMs: disruption === null ? null : disruption + 0.5,
      switchOverMs: disruption,
      switchOverTimestampMs: null,
      degradationMs: 0,
      degradationTimestampMs: null,
      migrationTimeMs: 1000 * n,
      targetDowntimeMs: downtime,
    },
    criteria: [
      {
        name: 'maxServiceDisruptionMs',
        outcome: status === 'FAIL' ? 'FAIL' : 'PASS',
        value: disruption,
        limit: 10,
      },
    ],
  };
}

const base = {
  testCase: 'TC',
  title: 't',
  startedAt: '2026-01-01T00:00:00Z',
  endedAt: '2026-01-01T00:01:00Z',
};

describe('summarizeTrials', () => {
  it('counts statuses, takes the worst, and summarises each figure over the trials that measured it', () => {
    const s = summarizeTrials({
      ...base,
      trialsRequested: 3,
      trials: [entry(1, 'PASS', 2, 3), entry(2, 'FAIL', 12, 13), entry(3, 'INCONCLUSIVE', null, 5)],
    });
    expect(s.counts).toEqual({ PASS: 1, FAIL: 1, INCONCLUSIVE: 1, ERROR: 0, ABORTED: 0 });
    expect(s.overallStatus).toBe('FAIL');
    expect(s.stats.serviceDisruptionMs).toMatchObject({ n: 2, mean: 7, min: 2, max: 12, p50: 7 });
    expect(s.stats.timestampMethodMs?.mean).toBe(7.5);
    expect(s.stats.targetDowntimeMs).toMatchObject({ n: 3, mean: 7, p50: 5 });
    expect(s.stats.migrationTimeMs?.max).toBe(3000);
    expect(s.stats.switchOverTimestampMs).toBeNull();
    expect(s.criteria).toEqual({ maxServiceDisruptionMs: { PASS: 2, FAIL: 1 } });
  });

  it('a set cut short of the trials asked for is ABORTED even when every trial run passed', () => {
    const s = summarizeTrials({ ...base, trialsRequested: 3, trials: [entry(1, 'PASS', 2, 3)] });
    expect(s.overallStatus).toBe('ABORTED');
  });

  it('worstStatus orders ABORTED > ERROR > FAIL > INCONCLUSIVE > PASS', () => {
    expect(worstStatus(['PASS', 'INCONCLUSIVE'])).toBe('INCONCLUSIVE');
    expect(worstStatus(['FAIL', 'INCONCLUSIVE', 'PASS'])).toBe('FAIL');
    expect(worstStatus(['ERROR', 'FAIL'])).toBe('ERROR');
    expect(worstStatus(['ABORTED', 'ERROR'])).toBe('ABORTED');
    expect(worstStatus([])).toBe('PASS');
  });
});
