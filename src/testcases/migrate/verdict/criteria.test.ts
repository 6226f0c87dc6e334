import { describe, expect, it } from 'vitest';
import { describeCriterion } from '../../../record/verdict.js';
import { judgeCriteria, type MeasuredFigures } from './criteria.js';

const FIGURES: MeasuredFigures = {
  serviceDisruptionMs: 25,
  switchOverMs: 20,
  migrationTimeMs: 900,
  lossOutsideSwitchOverPackets: 50,
  latencyP99Ms: 0.4,
};

describe('judgeCriteria', () => {
  it('judges each criterion set against its own figure', () => {
    const r = judgeCriteria(
      {
        maxServiceDisruptionMs: 30,
        maxSwitchOverMs: 10,
        maxMigrationTimeMs: 1000,
        maxLossOutsideSwitchOverPackets: 100,
        maxLatencyP99Ms: 0.2,
      },
      FIGURES,
      true,
    );
    expect(Object.fromEntries(r.map((c) => [c.name, c.outcome]))).toEqual({
      maxServiceDisruptionMs: 'PASS',
      maxSwitchOverMs: 'FAIL',
      maxMigrationTimeMs: 'PASS',
      maxLossOutsideSwitchOverPackets: 'PASS',
      maxLatencyP99Ms: 'FAIL',
    });
    const sw = r.find((c) => c.name === 'maxSwitchOverMs')!;
    expect(sw).toMatchObject({ value: 20, limit: 10, unit: 'ms', defaulted: false });
    expect(describeCriterion(sw)).toBe(
      'maxSwitchOverMs: switch-over (blackout) loss 20.00 ms, limit 10.00 ms: FAIL',
    );
  });

  it('judges loss outside the switch-over with limit 0 by default when traffic flows through the move', () => {
    const r = judgeCriteria({}, FIGURES, true);
    expect(r).toEqual([
      expect.objectContaining({
        name: 'maxLossOutsideSwitchOverPackets',
        limit: 0,
        defaulted: true,
        outcome: 'FAIL',
      }),
    ]);
    expect(judgeCriteria({}, { ...FIGURES, lossOutsideSwitchOverPackets: 0 }, true)[0]?.outcome).toBe('PASS');
  });

  it('judges nothing when nothing is set and traffic stops for the move (001, 003)', () => {
    expect(judgeCriteria({}, FIGURES, false)).toEqual([]);
  });

  it('says NOT_MEASURED for a criterion whose figure the run did not produce', () => {
    const r = judgeCriteria({ maxLatencyP99Ms: 1 }, { ...FIGURES, latencyP99Ms: null }, false);
    expect(r[0]?.outcome).toBe('NOT_MEASURED');
    expect(describeCriterion(r[0]!)).toContain('not measured');
  });

  it('passes a figure equal to its limit', () => {
    expect(judgeCriteria({ maxMigrationTimeMs: 900 }, FIGURES, false)[0]?.outcome).toBe('PASS');
  });
});
