// A vitest reporter that records every test that needed a retry (passed on
// one, or failed all), so CI can tell a flake from a pass. Only tests that
// measure real time against a bound may retry (vitest.config.ts); the file
// it writes (VNFLAB_RETRY_REPORT, default .vitest-retries.json) is read by
// scripts/vitest-summary.mjs.
import { writeFileSync } from 'node:fs';

export default class RetryReporter {
  retried = [];

  onTestCaseResult(testCase) {
    const d = testCase.diagnostic();
    if (!d || d.retryCount === 0) return;
    this.retried.push({
      test: testCase.fullName,
      file: testCase.module.relativeModuleId ?? testCase.module.moduleId,
      retries: d.retryCount,
      state: testCase.result().state,
    });
  }

  onTestRunEnd() {
    writeFileSync(
      process.env.VNFLAB_RETRY_REPORT ?? '.vitest-retries.json',
      `${JSON.stringify(this.retried, null, 2)}\n`,
    );
  }
}
