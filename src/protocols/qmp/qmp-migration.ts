/**
 * Live migration of one QEMU through QMP, source side (qemu docs
 * devel/migration.rst; qapi/migration.json): set the parameters, `migrate`,
 * poll `query-migrate` until a final status, with a timeout and an abort
 * signal that both end in `migrate_cancel` (DESIGN.md: a guest that dirties
 * memory fast may never converge, so there is always a timeout).
 */
import { monoNs, sleep } from '../../util/clock.js';
import { QmpError } from './errors.js';
import type { QmpClient, QmpEvent } from './qmp-client.js';
import { migrationStats, type QemuMigrationInfo, type QemuMigrationStats } from './migration-info.js';

export interface QmpMigrationRequest {
  /** e.g. tcp:10.0.0.2:4444 (the destination's `-incoming`). */
  readonly uri: string;
  /** downtime-limit, ms. */
  readonly downtimeLimitMs: number;
  /** max-bandwidth, bytes/s. */
  readonly maxBandwidthBytesPerSec: number;
  /** Throttle the guest's vCPUs when it does not converge (auto-converge capability). */
  readonly autoConverge?: boolean;
  /** query-migrate period; default 20 ms. */
  readonly pollMs?: number;
  /** Cancel (migrate_cancel) after this long; default 120 s. */
  readonly timeoutMs?: number;
  /** How long migrate_cancel may take before we give up waiting; default 10 s. */
  readonly cancelTimeoutMs?: number;
  readonly signal?: AbortSignal;
  /** Every poll while the migration runs. */
  readonly onProgress?: (info: QemuMigrationInfo) => void;
}

export interface QmpMigrationResult {
  /** True only for status `completed`. */
  readonly ok: boolean;
  /** Why not, when not ok (QEMU's error-desc, timeout, cancelled). */
  readonly reason: string | null;
  readonly stats: QemuMigrationStats;
  readonly startedAtNs: bigint;
  /** The source's STOP event (stop-and-copy began), monotonic ns (QmpEvent.occurredAtNs). */
  readonly pausedAtNs: bigint | null;
  /** When this client saw the final status. */
  readonly finishedAtNs: bigint;
}

const FINAL = new Set(['completed', 'failed', 'cancelled']);

/** Run one migration to a final status; never leaves it running (timeout and abort cancel it). */
export async function runQmpMigration(qmp: QmpClient, req: QmpMigrationRequest): Promise<QmpMigrationResult> {
  let pausedAtNs: bigint | null = null;
  const unsubscribe = qmp.onEvent((e: QmpEvent) => {
    if (e.event === 'STOP' && pausedAtNs === null) pausedAtNs = e.occurredAtNs;
  });
  try {
    await qmp.execute('migrate-set-capabilities', {
      capabilities: [
        { capability: 'events', state: true },
        { capability: 'auto-converge', state: req.autoConverge ?? false },
      ],
    });
    await qmp.execute('migrate-set-parameters', {
      'downtime-limit': Math.max(1, Math.round(req.downtimeLimitMs)),
      'max-bandwidth': Math.max(1, Math.round(req.maxBandwidthBytesPerSec)),
    });
    const startedAtNs = monoNs();
    try {
      await qmp.execute('migrate', { uri: req.uri });
    } catch (err) {
      // Refused before it started (a migration blocker, a bad URI): an outcome, not a bug.
      if (!(err instanceof QmpError) || err.code !== 'QMP_COMMAND_FAILED') throw err;
      const info = await qmp.execute<QemuMigrationInfo>('query-migrate').catch((): QemuMigrationInfo => ({}));
      return {
        ok: false,
        reason: err.message,
        stats: migrationStats({ ...info, status: 'failed', 'error-desc': err.message }),
        startedAtNs,
        pausedAtNs: null,
        finishedAtNs: monoNs(),
      };
    }
    const deadline = startedAtNs + BigInt(Math.round((req.timeoutMs ?? 120_000) * 1e6));
    let info: QemuMigrationInfo = {};
    let cancelReason: string | null = null;
    for (;;) {
      info = await qmp.execute<QemuMigrationInfo>('query-migrate');
      if (info.status !== undefined && FINAL.has(info.status)) break;
      req.onProgress?.(info);
      if (cancelReason === null && req.signal?.aborted === true) cancelReason = 'migration cancelled';
      if (cancelReason === null && monoNs() > deadline)
        cancelReason = `migration did not complete within ${req.timeoutMs ?? 120_000} ms (cancelled)`;
      if (cancelReason !== null) {
        info = await cancel(qmp, req.cancelTimeoutMs ?? 10_000);
        break;
      }
      await sleep(req.pollMs ?? 20);
    }
    const finishedAtNs = monoNs();
    if (info.status === 'completed') info = await completedFigures(qmp, info);
    const stats = migrationStats(info);
    const ok = info.status === 'completed';
    return {
      ok,
      reason: ok ? null : (cancelReason ?? info['error-desc'] ?? `migration ${info.status ?? 'ended'}`),
      stats,
      startedAtNs,
      pausedAtNs,
      finishedAtNs,
    };
  } finally {
    unsubscribe();
  }
}

/**
 * QEMU sets the status to completed in the migration thread slightly before
 * it stores total-time and downtime (migration_calculate_complete); a
 * query-migrate in between reports them as 0. Ask again until they are there.
 */
async function completedFigures(qmp: QmpClient, info: QemuMigrationInfo): Promise<QemuMigrationInfo> {
  let latest = info;
  for (let i = 0; i < 50 && (latest['total-time'] ?? 0) === 0; i++) {
    await sleep(10);
    latest = await qmp.execute<QemuMigrationInfo>('query-migrate');
  }
  return latest;
}

/** migrate_cancel, then wait for the final status (a cancel lands within a poll or two). */
async function cancel(qmp: QmpClient, timeoutMs: number): Promise<QemuMigrationInfo> {
  await qmp.execute('migrate_cancel');
  const until = Date.now() + timeoutMs;
  for (;;) {
    const info = await qmp.execute<QemuMigrationInfo>('query-migrate');
    if (info.status !== undefined && FINAL.has(info.status)) return info;
    if (Date.now() > until)
      return { ...info, 'error-desc': `migrate_cancel did not finish within ${timeoutMs} ms` };
    await sleep(20);
  }
}
