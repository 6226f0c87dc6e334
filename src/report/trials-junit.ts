/** junit.xml of a set of trials: one testcase per trial, its figures as properties. */
import type { TrialEntry, TrialsSummary } from '../record/trials.js';

const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** "trial 01": zero-padded so a dashboard sorting by name keeps the order. */
export function trialName(n: number, of: number): string {
  return `trial ${String(n).padStart(String(of).length < 2 ? 2 : String(of).length, '0')}`;
}

function testcase(summary: TrialsSummary, t: TrialEntry): string {
  const head = `    <testcase classname="${esc(summary.testCase)}" name="${esc(trialName(t.n, summary.trialsRequested))}" time="0.000"`;
  const props = Object.entries(t.figures)
    .filter((e): e is [string, number] => typeof e[1] === 'number')
    .map(([k, v]) => `        <property name="${esc(k)}" value="${Number(v.toFixed(3))}"/>`);
  props.push(`        <property name="dir" value="${esc(t.dir)}"/>`);
  for (const c of t.criteria)
    props.push(`        <property name="criterion.${esc(c.name)}" value="${c.outcome}"/>`);
  const body = [`      <properties>\n${props.join('\n')}\n      </properties>`];
  const msg = esc(t.failure ?? t.overallStatus);
  if (t.overallStatus === 'FAIL') body.push(`      <failure message="${msg}"/>`);
  else if (t.overallStatus === 'INCONCLUSIVE')
    body.push(`      <error type="INCONCLUSIVE" message="${msg}"/>`);
  else if (t.overallStatus !== 'PASS') body.push(`      <error type="${t.overallStatus}" message="${msg}"/>`);
  return `${head}>\n${body.join('\n')}\n    </testcase>`;
}

export function trialsToJUnitXml(summary: TrialsSummary): string {
  const cases = summary.trials.map((t) => testcase(summary, t));
  const failures = summary.trials.filter((t) => t.overallStatus === 'FAIL').length;
  const errors = summary.trials.length - failures - summary.counts.PASS;
  const props: string[] = [];
  for (const [figure, s] of Object.entries(summary.stats)) {
    if (!s) continue;
    for (const k of ['mean', 'min', 'max', 'stdev', 'p50', 'p95'] as const)
      props.push(`      <property name="${figure}.${k}" value="${Number(s[k].toFixed(3))}"/>`);
  }
  const seconds = (Date.parse(summary.endedAt) - Date.parse(summary.startedAt)) / 1000;
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<testsuites>\n  <testsuite name="${esc(`${summary.testCase} x ${summary.trialsRequested} trials`)}" tests="${cases.length}" failures="${failures}" errors="${errors}" skipped="0" time="${seconds.toFixed(3)}" timestamp="${esc(summary.startedAt)}">\n` +
    `    <properties>\n${props.join('\n')}\n    </properties>\n` +
    `${cases.join('\n')}\n  </testsuite>\n</testsuites>\n`
  );
}
