import { describe, expect, it } from 'vitest';
import type { TrialFigures } from '../record/trials.js';
import { baselineFigures, baselineLimitMs, baselineRef } from './baseline.js';
import type { TrialRow } from './store.js';

const row = (n: number, status: TrialRow['status'], d: number | null): TrialRow => ({
  n,
  dir: `trial-0${n}`,
  status,
  failure: null,
  figures: { serviceDisruptionMs: d } as unknown as TrialFigures,
  criteria: [],
});

describe('baselines', () => {
  it('count only passing trials that measured the disruption: their largest figure and how many', () => {
    expect(
      baselineFigures([
        row(1, 'PASS', 12.5),
        row(2, 'FAIL', 400),
        row(3, 'PASS', 14.25),
        row(4, 'PASS', null),
      ]),
    ).toEqual({ maxMs: 14.25, trials: 2 });
    expect(baselineFigures([row(1, 'INCONCLUSIVE', 12), row(2, 'FAIL', 9)])).toMatch(
      /none of its 2 trial\(s\) passed/,
    );
    expect(baselineFigures([])).toBe('it recorded no trial');
  });

  it('limit: min(factor x the largest disruption, cap), at least 1 ms', () => {
    expect(baselineLimitMs(14.25, 4, 5000)).toBe(57);
    expect(baselineLimitMs(2000, 4, 5000)).toBe(5000);
    expect(baselineLimitMs(0, 4, 5000)).toBe(1);
  });

  it('baseline[:TAG] names a baseline, anything else a run', () => {
    expect(baselineRef('baseline')).toBe('default');
    expect(baselineRef('baseline:nightly')).toBe('nightly');
    expect(baselineRef('baseline:')).toBeNull();
    expect(baselineRef('20261208-003448-62cafa')).toBeNull();
  });
});
