import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

// The fault matrix (`npx vitest run -c vitest.faults.config.ts`, docs/faults.md):
// TC_VNF_MIGRATE_002 x step x fault, and SIGINT / SIGTERM in each step, each a
// CLI run on its own process lab, one at a time. Needs `npm run build` first.
// Too long for `npm test`: its own CI stage.
export default defineConfig({
  test: {
    // The CLI runs record into a history of their own, never the user's (~/.local/share/vnflab).
    env: { VNFLAB_HISTORY_DB: join(tmpdir(), `vnflab-test-history-${process.pid}.db`) },
    name: 'faults',
    include: ['test/faults/**/*.test.ts'],
    fileParallelism: false,
    maxWorkers: 1,
    testTimeout: 180_000,
    hookTimeout: 60_000,
  },
});
