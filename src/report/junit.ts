/** JUnit XML for CI dashboards: one testsuite per run, one testcase per step. */
import type { TcResult } from '../record/result.js';
import { writeFileAtomic, type FileWriter } from '../util/atomic-write.js';
import type { Reporter } from './reporter.js';

const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function toJUnitXml(result: TcResult): string {
  const failures = result.steps.filter((s) => s.status === 'FAIL').length;
  const errors = result.steps.filter((s) => s.status === 'ERROR' || s.status === 'ABORTED').length;
  const skipped = result.steps.filter((s) => s.status === 'NOT_RUN').length;
  const cases = result.steps.map((s) => {
    const time = ((s.durationMs ?? 0) / 1000).toFixed(3);
    const head = `    <testcase classname="${esc(result.testCase)}" name="${esc(`${s.n}. ${s.title}`)}" time="${time}"`;
    const msg = esc(s.message ?? s.status);
    if (s.status === 'FAIL') return `${head}>\n      <failure message="${msg}"/>\n    </testcase>`;
    if (s.status === 'ERROR' || s.status === 'ABORTED')
      return `${head}>\n      <error message="${msg}"/>\n    </testcase>`;
    if (s.status === 'NOT_RUN') return `${head}>\n      <skipped/>\n    </testcase>`;
    return `${head}/>`;
  });
  const time = ((result.durationMs ?? 0) / 1000).toFixed(3);
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<testsuites>\n  <testsuite name="${esc(result.testCase)}" tests="${result.steps.length}" failures="${failures}" errors="${errors}" skipped="${skipped}" time="${time}" timestamp="${esc(result.startedAt)}">\n` +
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
