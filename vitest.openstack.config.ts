import { defineConfig } from 'vitest/config';

// The real-OpenStack stage (`npx vitest run -c vitest.openstack.config.ts`): needs the local cloud of
// test/openstack/setup.sh and its exports in the environment; skips with the reason otherwise. One file at a time:
// the two fake computes migrate one server at a time anyway (max_concurrent_live_migrations = 1).
export default defineConfig({
  test: {
    name: 'openstack',
    include: ['test/openstack/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 120_000,
    retry: 0,
    env: { VNFLAB_OPENSTACK_E2E: '1' },
  },
});
