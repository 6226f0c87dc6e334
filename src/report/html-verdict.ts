/**
 * The top of report.html, what a lab signs: the status, the verdict's one
 * line, the headline figure (or, on a run that stopped early, what was
 * measured of the window, said as such), the criteria judged and whether the
 * figures can be trusted.
 */
import type { OverallStatus, TcResult } from '../record/result.js';
import type { CriterionResult, Finding, Validity, VerdictRecord } from '../record/verdict.js';
import { esc, kv, ms, raw, table } from './html-format.js';

export function statusBadge(status: OverallStatus): string {
  return `<span class="verdict ${status.toLowerCase()}">${esc(status)}</span>`;
}

/**
 * The disruption figure with the counts of the same window
 * (traffic.disruptionWindow), never the run's totals. A partial window is
 * not a disruption figure and is not called one.
 */
export function disruptionFigure(r: TcResult): string {
  const t = r.traffic;
  const w = t.disruptionWindow;
  if (w === null || t.serviceDisruptionMs === null)
    return '<div id="figure" class="figure"><p class="muted">No disruption figure: the run stopped before the migration window was measured.</p></div>';
  const sent = t.windows.find((x) => x.name === w.name)?.sent;
  const counts = `${w.lost} lost${sent === undefined ? '' : ` of ${sent} sent`} at ${w.offeredRateHz.toFixed(1)} packets/s in window '${w.name}'`;
  const label = w.partial
    ? 'measured before the run stopped (partial window, not a disruption figure)'
    : 'RFC 6201 frame-loss method (lost / offered rate)';
  const untrusted = r.verdict !== null && !r.verdict.validity.trusted;
  return `<div id="figure" class="figure${w.partial ? ' partial' : ''}${untrusted ? ' untrusted' : ''}">
<div class="figure-label">${esc(label)}</div>
<div class="figure-value">${ms(t.serviceDisruptionMs)}</div>
${untrusted ? '<p class="untrusted-note">Not trusted: the tester or the lab was disturbed (see the validity of the figures below).</p>' : ''}
${kv([
  ['timestamp method (gap around the loss)', ms(t.gapDerivedMs)],
  ['resolution (one inter-packet interval)', ms(t.resolutionMs, 3)],
  ['counts (same window)', esc(counts)],
  ['load', esc(`${t.loadLevel ?? 'n/a'}, target ${t.targetRateHz ?? 'n/a'} packets/s`)],
])}
</div>`;
}

function value(c: CriterionResult, v: number | null): string {
  if (v === null) return 'not measured';
  return c.unit === 'ms' ? ms(v) : `${Math.round(v)} packets`;
}

export function criteriaSection(r: TcResult): string {
  const v = r.verdict;
  if (v === null) return '<p id="criteria" class="muted">not judged: the run did not conclude</p>';
  if (v.controlPlaneOnly === true && v.criteria.length === 0)
    return '<p id="criteria" class="muted">control plane only: no traffic generator configured (traffic.driver: none), no data plane measured</p>';
  if (v.criteria.length === 0)
    return '<p id="criteria" class="muted">none set: the disruption was measured, not judged</p>';
  const rows = v.criteria.map((c) => [
    c.name,
    c.what,
    value(c, c.value),
    `${value(c, c.limit)}${c.defaulted ? ' (default)' : ''}${c.derivedFrom !== undefined ? ` (from ${c.derivedFrom})` : ''}`,
    raw(`<span class="outcome ${c.outcome.toLowerCase()}">${esc(c.outcome)}</span>`),
  ]);
  const note =
    !v.disruptionJudged && r.traffic.serviceDisruptionMs !== null
      ? '<p class="muted">No limit set on the disruption itself: it was measured, not judged (criteria.maxServiceDisruptionMs, --max-disruption-ms).</p>'
      : '';
  return table(['criterion', 'what', 'value', 'limit', 'outcome'], rows, 'id="criteria"') + note;
}

export function validitySection(v: VerdictRecord | null): string {
  if (v === null)
    return '<div id="validity" class="validity"><p class="muted">not checked: the run did not conclude</p></div>';
  const { trusted, findings, checked } = v.validity;
  // A result.json written before the verdict weighed its findings has no error bound, tolerance or effects.
  const { errorBoundMs, toleranceMs } = v.validity as Partial<Validity>;
  const bound =
    toleranceMs === undefined
      ? 'error bound not recorded'
      : `error bound ${errorBoundMs == null ? 'unbounded' : `${errorBoundMs.toFixed(2)} ms`}, tolerance ${toleranceMs.toFixed(2)} ms`;
  const head = trusted
    ? findings.length === 0
      ? '<p class="trusted"><b>Trusted:</b> none of the checks below found the tester, the lab or the path disturbed.</p>'
      : `<p class="trusted"><b>Trusted:</b> what the checks saw moves the figure by no more than the tolerance (${esc(bound)}).</p>`
    : `<p class="untrusted"><b>NOT TRUSTED:</b> ${esc(bound)}; the figures are reported, not relied on.</p>`;
  const list =
    findings.length === 0
      ? ''
      : table(
          ['element', 'check', 'detail', 'effect on the figure'],
          findings.map((f) => [f.element, f.check, f.detail, effectOf(f)]),
          'class="findings"',
        );
  const checks =
    checked.length === 0
      ? '<p class="checks muted">Checks that ran: none</p>'
      : `<div class="checks">Checks that ran:<ul>${checked.map((c) => `<li>${esc(c)}</li>`).join('')}</ul></div>`;
  return `<div id="validity" class="validity ${trusted ? 'trusted' : 'untrusted'}">${head}${list}${checks}</div>`;
}

/** A finding's effect on the figure, as the findings table says it. */
function effectOf(f: Finding): string {
  const effectMs = (f as Partial<Finding>).effectMs;
  if (effectMs === undefined) return 'not recorded';
  if (effectMs === null) return 'unbounded';
  return effectMs === 0 ? 'none' : `up to ${effectMs.toFixed(2)} ms`;
}
