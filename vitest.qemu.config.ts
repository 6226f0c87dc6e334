import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

// The QEMU lab end-to-end stage (`npx vitest run -c vitest.qemu.config.ts`):
// needs root, /dev/net/tun and `vnflab lab setup qemu`; skips with the reason
// otherwise. One file at a time, nothing else running: TCG guests on a 2-core
// machine are slow, and the measured disruption must not be disturbed.
export default defineConfig({
  test: {
    name: 'qemu',
    include: ['test/qemu/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 300_000,
    hookTimeout: 120_000,
    // A TCG guest on two shared cores: one retry, a whole new run held to the same checks (see test/measures-real-time.ts; every retry is reported).
    retry: 1,
    // The CLI runs record into a history of their own, never the user's (~/.local/share/vnflab).
    env: { VNFLAB_QEMU_E2E: '1', VNFLAB_HISTORY_DB: join(tmpdir(), `vnflab-test-history-${process.pid}.db`) },
  },
});
