import { describe, expect, it } from 'vitest';
import type { TrialRow } from './store.js';
import { compareTrials, formatComparison } from './compare.js';

const row = (n: number, disruption: number, migration = 1000): TrialRow => ({
  n,
  dir: `trial-${n}`,
  status: 'PASS',
  failure: null,
  figures: {
    serviceDisruptionMs: disruption,
    timestampMethodMs: disruption,
    switchOverMs: disruption,
    switchOverTimestampMs: null,
    degradationMs: 0,
    degradationTimestampMs: null,
    migrationTimeMs: migration,
    targetDowntimeMs: null,
  },
  criteria: [],
});

describe('compareTrials', () => {
  const a = [row(1, 10), row(2, 12), row(3, 14)];

  it('an unchanged rerun within the spread is no regression', () => {
    const c = compareTrials(a, [row(1, 11), row(2, 13), row(3, 15)]);
    expect(c.regressed).toBe(false);
    const d = c.figures.find((x) => x.figure === 'serviceDisruptionMs')!;
    expect(d.deltaMs).toBeCloseTo(1, 9);
    expect(d.allowedMs).toBe(6); // max(5 ms, 50 % of 12 ms)
  });

  it('a mean grown beyond max(5 ms, 50 %) regresses, naming the figure', () => {
    const c = compareTrials(a, [row(1, 30), row(2, 31), row(3, 32)]);
    expect(c.regressed).toBe(true);
    expect(c.figures.filter((x) => x.regressed).map((x) => x.figure)).toEqual([
      'serviceDisruptionMs',
      'switchOverMs',
    ]);
    expect(formatComparison('r1', 'r2', c)).toMatch(
      /serviceDisruptionMs .*delta \+19\.00 \(allowed \+6\.00\) {2}REGRESSION/,
    );
  });

  it('an increase over the threshold but inside the spread of noisy trials is not a regression', () => {
    // A: 10, 12, 14; B: 5, 45, 8: mean +7.33 ms over A, above the allowed 6 ms, but B's sd is 22 ms.
    const c = compareTrials(a, [row(1, 5), row(2, 45), row(3, 8)]);
    const d = c.figures.find((x) => x.figure === 'serviceDisruptionMs')!;
    expect(d.deltaMs! > d.allowedMs!).toBe(true);
    expect(d.beyondSpread).toBe(false);
    expect(c.regressed).toBe(false);
    expect(formatComparison('r1', 'r2', c)).toMatch(/within the spread: not judged a regression/);
    // One trial a side: no spread to judge by, the threshold alone decides.
    expect(compareTrials([row(1, 12)], [row(1, 30)]).regressed).toBe(true);
  });

  it("only PASS and FAIL trials count: an INCONCLUSIVE trial's figures are left out, and said so", () => {
    const untrusted = { ...row(4, 900), status: 'INCONCLUSIVE' as const };
    const c = compareTrials(a, [row(1, 11), row(2, 13), untrusted]);
    expect(c.regressed).toBe(false);
    expect(c.leftOut).toEqual({ a: 0, b: 1 });
    expect(c.figures.find((x) => x.figure === 'serviceDisruptionMs')!.b?.n).toBe(2);
    expect(formatComparison('r1', 'r2', c)).toContain(
      'B: 1 trial(s) left out (INCONCLUSIVE, ERROR or ABORTED',
    );
  });

  it('figures not judged, or not measured on a side, never regress; a tighter threshold does', () => {
    const slower = [row(1, 12, 5000)];
    expect(
      compareTrials(a, slower, { relative: 0, absoluteMs: 0, figures: ['timestampMethodMs'] }).regressed,
    ).toBe(false);
    expect(
      compareTrials(a, slower, { relative: 0.1, absoluteMs: 1, figures: ['migrationTimeMs'] }).regressed,
    ).toBe(true);
    expect(compareTrials([], slower).regressed).toBe(false);
  });
});
