/**
 * QEMU's `query-migrate` answer (qapi/migration.json MigrationInfo) and the
 * figures vnflab records from it beside the traffic-measured disruption.
 */
import type { HypervisorMigrationFigures } from '../../ports/migrator.js';

/** qapi MigrationStatus. */
export type QemuMigrationStatus =
  | 'none'
  | 'setup'
  | 'cancelling'
  | 'cancelled'
  | 'active'
  | 'postcopy-active'
  | 'postcopy-paused'
  | 'postcopy-recover'
  | 'completed'
  | 'failed'
  | 'colo'
  | 'pre-switchover'
  | 'device'
  | 'wait-unplug';

/** qapi MigrationStats (the `ram` member), as much as vnflab reads. */
export interface QemuRamStats {
  readonly transferred: number;
  readonly remaining: number;
  readonly total: number;
  readonly duplicate: number;
  readonly normal: number;
  readonly 'normal-bytes': number;
  readonly 'dirty-pages-rate': number;
  readonly mbps: number;
  readonly 'dirty-sync-count': number;
  readonly 'page-size': number;
  readonly 'pages-per-second'?: number;
}

/** qapi MigrationInfo. Times are ms. */
export interface QemuMigrationInfo {
  readonly status?: QemuMigrationStatus;
  readonly ram?: QemuRamStats;
  readonly 'total-time'?: number;
  readonly 'expected-downtime'?: number;
  readonly downtime?: number;
  readonly 'setup-time'?: number;
  readonly 'error-desc'?: string;
  readonly 'blocked-reasons'?: readonly string[];
}

/** What QEMU itself says about one finished (or failed) migration. */
export interface QemuMigrationStats {
  readonly status: QemuMigrationStatus | 'unknown';
  /** QEMU's downtime: source stopped to destination running (its own clock), ms. */
  readonly downtimeMs: number | null;
  /** From `migrate` to completion, ms. */
  readonly totalTimeMs: number | null;
  /** Before the first byte was sent (connection, setup), ms. */
  readonly setupTimeMs: number | null;
  readonly ramTotalBytes: number | null;
  readonly ramTransferredBytes: number | null;
  /** Pages sent with content / pages found all-zero. */
  readonly ramNormalPages: number | null;
  readonly ramDuplicatePages: number | null;
  /** Pre-copy iterations (dirty bitmap syncs). */
  readonly dirtySyncCount: number | null;
  readonly dirtyPagesRate: number | null;
  readonly mbps: number | null;
  readonly errorDesc: string | null;
}

const num = (v: number | undefined): number | null =>
  typeof v === 'number' && Number.isFinite(v) ? v : null;

/** The stats vnflab records, from one query-migrate answer. */
export function migrationStats(info: QemuMigrationInfo): QemuMigrationStats {
  return {
    status: info.status ?? 'unknown',
    downtimeMs: num(info.downtime),
    totalTimeMs: num(info['total-time']),
    setupTimeMs: num(info['setup-time']),
    ramTotalBytes: num(info.ram?.total),
    ramTransferredBytes: num(info.ram?.transferred),
    ramNormalPages: num(info.ram?.normal),
    ramDuplicatePages: num(info.ram?.duplicate),
    dirtySyncCount: num(info.ram?.['dirty-sync-count']),
    dirtyPagesRate: num(info.ram?.['dirty-pages-rate']),
    mbps: num(info.ram?.mbps),
    errorDesc: info['error-desc'] ?? null,
  };
}

/** The figures a VIM passes on to the Migrator port's report (MigrationReport.hypervisor). */
export function hypervisorFigures(stats: QemuMigrationStats): HypervisorMigrationFigures {
  return {
    name: 'qemu',
    downtimeMs: stats.downtimeMs,
    totalTimeMs: stats.totalTimeMs,
    setupTimeMs: stats.setupTimeMs,
    ramTotalBytes: stats.ramTotalBytes,
    ramTransferredBytes: stats.ramTransferredBytes,
    dirtySyncCount: stats.dirtySyncCount,
    mbps: stats.mbps,
    errorDesc: stats.errorDesc,
  };
}
