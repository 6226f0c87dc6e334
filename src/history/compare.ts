/**
 * `vnflab compare A B`: two recorded runs (single runs or sets of trials),
 * figure by figure, with their spread; B regresses when a judged figure's
 * mean grew by more than the threshold and beyond the trials' spread (two
 * standard errors of the difference), for CI gates.
 */
import { sampleStats, type SampleStats } from '../record/statistics.js';
import type { TrialFigure } from '../record/trials.js';
import type { TrialRow } from './store.js';

/** The figures compared, in the order printed. */
export const COMPARED: readonly TrialFigure[] = [
  'serviceDisruptionMs',
  'timestampMethodMs',
  'switchOverMs',
  'degradationMs',
  'migrationTimeMs',
  'targetDowntimeMs',
];

export interface RegressionThreshold {
  /** B's mean may exceed A's by this fraction of A's mean (0.5: 50 %)... */
  readonly relative: number;
  /** ...or by this many ms, whichever is larger (small figures are noisy in absolute terms). */
  readonly absoluteMs: number;
  /** The figures a regression is judged on (the others are printed only). */
  readonly figures: readonly TrialFigure[];
}

export const DEFAULT_THRESHOLD: RegressionThreshold = {
  relative: 0.5,
  absoluteMs: 5,
  figures: ['serviceDisruptionMs', 'switchOverMs', 'migrationTimeMs'],
};

export interface FigureComparison {
  readonly figure: TrialFigure;
  readonly a: SampleStats | null;
  readonly b: SampleStats | null;
  /** b.mean - a.mean, ms; null when either side has no measurement. */
  readonly deltaMs: number | null;
  /** The largest increase allowed, ms; null where not judged. */
  readonly allowedMs: number | null;
  /**
   * The increase stands out of the trials' spread: delta less two standard
   * errors of the difference (Welch) is still above 0. True where a side has
   * a single trial (no spread to judge by).
   */
  readonly beyondSpread: boolean;
  /** Over the allowed increase and beyond the spread. */
  readonly regressed: boolean;
}

/** Standard error of the difference of two means (Welch); null with a single trial on a side. */
function standardError(a: SampleStats, b: SampleStats): number | null {
  if (a.n < 2 || b.n < 2) return null;
  return Math.sqrt((a.stdev * a.stdev) / a.n + (b.stdev * b.stdev) / b.n);
}

/**
 * The trials whose figures count: PASS and FAIL (a failed criterion is a
 * trusted figure). INCONCLUSIVE, ERROR and ABORTED trials are left out: their
 * figures were not trusted, or not finished.
 */
export const trusted = (t: TrialRow): boolean => t.status === 'PASS' || t.status === 'FAIL';

export interface Comparison {
  readonly figures: FigureComparison[];
  readonly regressed: boolean;
  /** Trials left out on each side (not trusted: INCONCLUSIVE, ERROR, ABORTED). */
  readonly leftOut: { readonly a: number; readonly b: number };
}

export function compareTrials(
  allA: readonly TrialRow[],
  allB: readonly TrialRow[],
  threshold: RegressionThreshold = DEFAULT_THRESHOLD,
): Comparison {
  const a = allA.filter(trusted);
  const b = allB.filter(trusted);
  const figures = COMPARED.map((figure): FigureComparison => {
    const sa = sampleStats(a.map((t) => t.figures[figure]));
    const sb = sampleStats(b.map((t) => t.figures[figure]));
    const deltaMs = sa && sb ? sb.mean - sa.mean : null;
    const judged = threshold.figures.includes(figure) && sa !== null;
    const allowedMs = judged ? Math.max(threshold.absoluteMs, threshold.relative * sa.mean) : null;
    const se = sa && sb ? standardError(sa, sb) : null;
    const beyondSpread = deltaMs !== null && (se === null || deltaMs - 2 * se > 0);
    return {
      figure,
      a: sa,
      b: sb,
      deltaMs,
      allowedMs,
      beyondSpread,
      regressed: allowedMs !== null && deltaMs !== null && deltaMs > allowedMs && beyondSpread,
    };
  });
  return {
    figures,
    regressed: figures.some((f) => f.regressed),
    leftOut: { a: allA.length - a.length, b: allB.length - b.length },
  };
}

const f = (v: number | null | undefined): string => (v === null || v === undefined ? 'n/a' : v.toFixed(2));
const side = (s: SampleStats | null): string =>
  s ? `${f(s.mean)} (sd ${f(s.stdev)}, ${f(s.min)}-${f(s.max)}, n ${s.n})` : 'n/a';

export function formatComparison(labelA: string, labelB: string, c: Comparison): string {
  const lines = [`compare A ${labelA}  with  B ${labelB} (ms: mean (sd, min-max, n))`];
  for (const [label, n] of [
    ['A', c.leftOut.a],
    ['B', c.leftOut.b],
  ] as const)
    if (n > 0)
      lines.push(`  ${label}: ${n} trial(s) left out (INCONCLUSIVE, ERROR or ABORTED: figures not trusted)`);
  for (const x of c.figures)
    lines.push(
      `  ${x.figure.padEnd(20)} A ${side(x.a).padEnd(36)} B ${side(x.b).padEnd(36)} delta ${x.deltaMs === null ? 'n/a' : `${x.deltaMs >= 0 ? '+' : ''}${f(x.deltaMs)}`}${x.allowedMs === null ? '' : ` (allowed +${f(x.allowedMs)})`}${x.regressed ? '  REGRESSION' : x.allowedMs !== null && x.deltaMs !== null && x.deltaMs > x.allowedMs ? '  (within the spread: not judged a regression)' : ''}`,
    );
  lines.push(c.regressed ? 'B regressed against A' : 'no regression beyond the threshold');
  return lines.join('\n');
}
