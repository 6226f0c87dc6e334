/** JUnit XML for CI dashboards: one testsuite per run, one testcase per step. */
import type { StepRecord, TcResult } from '../record/result.js';
import { describeCriterion } from '../record/verdict.js';
import { writeFileAtomic, type FileWriter } from '../util/atomic-write.js';
import type { Reporter } from './reporter.js';

const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The run's figures as JUnit properties: CI dashboards chart them. */
function properties(r: TcResult): [string, string][] {
  const out: [string, string][] = [['overallStatus', r.overallStatus]];
  const add = (k: string, v: number | string | null | undefined): void => {
    if (v !== null && v !== undefined)
      out.push([k, typeof v === 'number' ? String(Number(v.toFixed(3))) : v]);
  };
  add(
    'serviceDisruptionMs',
    r.traffic.disruptionWindow?.partial === false ? r.traffic.serviceDisruptionMs : null,
  );
  add('timestampMethodMs', r.traffic.disruptionWindow?.partial === false ? r.traffic.gapDerivedMs : null);
  add('switchOverMs', r.disruption?.switchOver.lossDerivedMs);
  add('degradationMs', r.disruption?.degradation.lossDerivedMs);
  add('lossOutsideSwitchOverPackets', r.disruption?.degradation.lost);
  add('migrationTimeMs', r.timeRecord.migrationTimeMs);
  add('targetDowntimeMs', r.migration.downtimeMs);
  for (const c of r.verdict?.criteria ?? []) {
    add(`criterion.${c.name}.value`, c.value);
    add(`criterion.${c.name}.limit`, c.limit);
    add(`criterion.${c.name}.outcome`, c.outcome);
  }
  if (r.verdict) {
    add('trusted', String(r.verdict.validity.trusted));
    add('errorBoundMs', r.verdict.validity.errorBoundMs);
    add('toleranceMs', r.verdict.validity.toleranceMs);
  }
  for (const [i, f] of (r.verdict?.validity.findings ?? []).entries())
    add(
      `finding.${i}`,
      `${f.element} ${f.check}: ${f.detail} (effect on the figure: ${f.effectMs === null ? 'unbounded' : `${f.effectMs.toFixed(2)} ms`})`,
    );
  return out;
}

/**
 * A step's testcase name as a CI dashboard lists it: the number padded so
 * that sorting by name keeps the plan's order (01 ... 13), then the plan's
 * title without its "(--> time stamp)" notes to the implementer; the check a
 * step makes ("no dropped packets") stays.
 */
export function junitStepName(step: Pick<StepRecord, 'n' | 'title'>): string {
  const title = step.title
    .replace(/\s*\(-->\s*time stamp\)/g, '')
    .replace(/\(-->\s*/g, '(')
    .trim();
  return `${String(step.n).padStart(2, '0')}. ${title}`;
}

/** The run's verdict as one more testcase: after the steps in a dashboard's order, and saying what it judges. */
export const JUNIT_VERDICT_NAME = 'Verdict: pass criteria and validity of the figures';

export function toJUnitXml(result: TcResult): string {
  const skipped = result.steps.filter((s) => s.status === 'NOT_RUN' || s.status === 'SKIPPED').length;
  const cases = result.steps.map((s) => {
    const time = ((s.durationMs ?? 0) / 1000).toFixed(3);
    const head = `    <testcase classname="${esc(result.testCase)}" name="${esc(junitStepName(s))}" time="${time}"`;
    const msg = esc(s.message ?? s.status);
    if (s.status === 'FAIL') return `${head}>\n      <failure message="${msg}"/>\n    </testcase>`;
    if (s.status === 'ERROR' || s.status === 'ABORTED')
      return `${head}>\n      <error message="${msg}"/>\n    </testcase>`;
    if (s.status === 'INCONCLUSIVE')
      return `${head}>\n      <error type="INCONCLUSIVE" message="${msg}"/>\n    </testcase>`;
    if (s.status === 'NOT_RUN') return `${head}>\n      <skipped/>\n    </testcase>`;
    if (s.status === 'SKIPPED') return `${head}>\n      <skipped message="${msg}"/>\n    </testcase>`;
    return `${head}/>`;
  });
  const verdict = result.verdict;
  if (verdict !== null) {
    // The run's verdict as one more testcase, so a CI dashboard shows a failed criterion or an untrusted figure.
    const head = `    <testcase classname="${esc(result.testCase)}" name="${esc(JUNIT_VERDICT_NAME)}" time="0.000"`;
    const failed = verdict.criteria.filter((c) => c.outcome === 'FAIL');
    if (result.overallStatus === 'INCONCLUSIVE')
      cases.push(
        `${head}>\n      <error type="INCONCLUSIVE" message="${esc(verdict.summary)}"/>\n    </testcase>`,
      );
    else if (failed.length > 0)
      cases.push(
        `${head}>\n${failed.map((c) => `      <failure type="criterion" message="${esc(describeCriterion(c))}"/>`).join('\n')}\n    </testcase>`,
      );
    else cases.push(`${head}/>`);
  }
  const time = ((result.durationMs ?? 0) / 1000).toFixed(3);
  const props = properties(result)
    .map(([k, v]) => `      <property name="${esc(k)}" value="${esc(v)}"/>`)
    .join('\n');
  const failures = cases.filter((c) => c.includes('<failure')).length;
  const errors = cases.filter((c) => c.includes('<error')).length;
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<testsuites>\n  <testsuite name="${esc(result.testCase)}" tests="${cases.length}" failures="${failures}" errors="${errors}" skipped="${skipped}" time="${time}" timestamp="${esc(result.startedAt)}">\n` +
    `    <properties>\n${props}\n    </properties>\n` +
    `${cases.join('\n')}\n  </testsuite>\n</testsuites>\n`
  );
}

export class JUnitReporter implements Reporter {
  constructor(
    readonly file: string,
    private readonly write: FileWriter = writeFileAtomic,
  ) {}
  onRunEnd(result: TcResult): Promise<void> {
    return this.write(this.file, toJUnitXml(result));
  }
}
