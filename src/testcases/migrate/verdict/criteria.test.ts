import { describe, expect, it } from 'vitest';
import { describeCriterion } from '../../../record/verdict.js';
import { judgeCriteria, measurementError, type MeasuredFigures } from './criteria.js';

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

  it('says WITHIN_ERROR, not FAIL, for a frame-loss figure over its limit by no more than the error bound', () => {
    // 50 packets outside the switch-over, limit 0: an error bound of 5 ms at 25 ms for 250 packets is 50 packets.
    const error = measurementError(5, 25, 250);
    expect(error).toEqual({ ms: 5, packets: 50, latencyMs: null });
    const r = judgeCriteria(
      { maxServiceDisruptionMs: 21, maxSwitchOverMs: 14, maxMigrationTimeMs: 899, maxLatencyP99Ms: 0.3 },
      FIGURES,
      true,
      error,
    );
    expect(Object.fromEntries(r.map((c) => [c.name, c.outcome]))).toEqual({
      maxServiceDisruptionMs: 'WITHIN_ERROR',
      maxSwitchOverMs: 'FAIL',
      // Not frame-loss figures: the bound says nothing about them.
      maxMigrationTimeMs: 'FAIL',
      maxLatencyP99Ms: 'FAIL',
      maxLossOutsideSwitchOverPackets: 'WITHIN_ERROR',
    });
    expect(describeCriterion(r.find((c) => c.name === 'maxLossOutsideSwitchOverPackets')!)).toBe(
      'maxLossOutsideSwitchOverPackets: packets lost during the move outside the switch-over 50 packets, limit 0 packets (default): WITHIN_ERROR (over by no more than the error bound 50 packets)',
    );
    expect(judgeCriteria({}, FIGURES, true, measurementError(4.9, 25, 250))[0]?.outcome).toBe('FAIL');
    expect(measurementError(null, 25, 250)).toBeNull();
    // The receiver stamped up to 0.15 ms late: a p99 of 0.4 ms against 0.3 ms cannot be told apart.
    const late = measurementError(null, 25, 250, 0.15);
    expect(late).toEqual({ ms: null, packets: null, latencyMs: 0.15 });
    expect(judgeCriteria({ maxLatencyP99Ms: 0.3 }, FIGURES, false, late)[0]?.outcome).toBe('WITHIN_ERROR');
    expect(
      judgeCriteria({ maxLatencyP99Ms: 0.3 }, FIGURES, false, measurementError(null, 25, 250, 0.05))[0]
        ?.outcome,
    ).toBe('FAIL');
    expect(measurementError(5, 0, 0)).toBeNull();
  });

  it('passes a figure equal to its limit', () => {
    expect(judgeCriteria({ maxMigrationTimeMs: 900 }, FIGURES, false)[0]?.outcome).toBe('PASS');
  });
});
