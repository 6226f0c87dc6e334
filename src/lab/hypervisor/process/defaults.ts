/**
 * Lab defaults, QEMU-like: max-bandwidth 256 MiB/s (QEMU's own default is
 * 128 MiB/s since 2023), downtime-limit 30 ms (QEMU: 300 ms; the lab's VNF is
 * small), at most 30 pre-copy rounds, and a VNF workload dirtying 2000 pages/s.
 */
import type { MigrationParams } from '../hypervisor.js';

export const DEFAULT_MIGRATION_PARAMS: Omit<MigrationParams, 'dest'> = {
  mode: 'live',
  bandwidthBytesPerSec: 256 * 1024 * 1024,
  downtimeLimitMs: 30,
  maxRounds: 30,
};

export const DEFAULT_DIRTY_PAGES_PER_SEC = 2000;
