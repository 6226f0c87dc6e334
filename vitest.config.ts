import { defineConfig } from 'vitest/config';

// Two groups, run one after the other: unit and contract tests in parallel
// (two workers on the 2-core CI machine), then the end-to-end CLI runs one at
// a time, so a measured disruption is not disturbed by other suites' load.
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Tests that measure packet loss against the lab's true downtime run a
    // real pre-copy migration under 10k packets/s on two shared cores: a
    // scheduling hiccup of the machine (not of the code) can delay packets
    // past the loss threshold in one run. Each retry is a whole new
    // measurement that must meet the same bound; a real regression fails
    // every attempt. Deterministic tests never reach a retry.
    retry: 2,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts'],
          maxWorkers: 2,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/**/*.test.ts'],
          // The MIGRATE matrix takes minutes: its own config and CI stage (vitest.matrix.config.ts).
          exclude: ['test/matrix/**'],
          fileParallelism: false,
          testTimeout: 240_000,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
