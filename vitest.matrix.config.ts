import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

// The MIGRATE matrix (`npx vitest run -c vitest.matrix.config.ts`, docs/matrix.md):
// 001-004 x trigger x vResource type on the embedded process lab, one lab per
// run, one run at a time (the disruption measured must not be disturbed by a
// parallel run). Too long for `npm test`: its own CI stage.
export default defineConfig({
  test: {
    // The CLI runs record into a history of their own, never the user's (~/.local/share/vnflab).
    env: { VNFLAB_HISTORY_DB: join(tmpdir(), `vnflab-test-history-${process.pid}.db`) },
    name: 'matrix',
    include: ['test/matrix/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 60_000,
    // Each combination measures real time on two shared cores (test/measures-real-time.ts); every retry is reported.
    // Three: a fresh-clone run with other lab runs beside it lost 4 combinations at step 7 after two retries each.
    retry: 3,
  },
});
