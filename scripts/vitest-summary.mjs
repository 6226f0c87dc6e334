// Print vitest's JSON reports (one or several, e.g. `npm test` and the QEMU
// stage) as one plain CI summary line "N passed, N failed[, N skipped]".
import { existsSync, readFileSync } from 'node:fs';

const files = process.argv.length > 2 ? process.argv.slice(2) : ['.vitest-report.json'];
const total = { passed: 0, failed: 0, skipped: 0 };
for (const file of files) {
  if (!existsSync(file)) {
    // A stage that did not complete (or never started its tests) is one failure.
    total.failed += 1;
    console.error(`no vitest report at ${file}: the test run did not complete`);
    continue;
  }
  const r = JSON.parse(readFileSync(file, 'utf8'));
  // A suite that failed to load counts as a failure even though no test in it ran.
  const brokenSuites = (r.testResults ?? []).filter(
    (s) => s.status === 'failed' && (s.assertionResults ?? []).length === 0,
  ).length;
  total.passed += r.numPassedTests ?? 0;
  total.failed += (r.numFailedTests ?? 0) + brokenSuites;
  total.skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
}
// Retries (scripts/retry-reporter.mjs writes <report>.retries.json beside each report):
// a test that passed only on a retry is named, so a race cannot hide behind it.
const retried = [];
for (const file of files) {
  const retries = file.replace(/\.json$/, '.retries.json');
  if (existsSync(retries)) retried.push(...JSON.parse(readFileSync(retries, 'utf8')));
}
const passedOnRetry = retried.filter((r) => r.state === 'passed');
console.log(`${passedOnRetry.length} passed only on a retry${passedOnRetry.length ? ':' : ''}`);
for (const r of passedOnRetry)
  console.log(`  ${r.file} > ${r.test} (${r.retries} retr${r.retries === 1 ? 'y' : 'ies'})`);
console.log(
  `${total.passed} passed, ${total.failed} failed${total.skipped ? `, ${total.skipped} skipped` : ''}`,
);
