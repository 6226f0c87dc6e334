/**
 * Migrator port: the spec's VNFM.Migration module.
 *
 * SOL003 has no migrate operation; in production a live migration is a VIM
 * action made on the VNFM's behalf (Nova os-migrateLive, a KubeVirt
 * VirtualMachineInstanceMigration, QEMU migrate). Drivers live in
 * `drivers/<vim>/`; the embedded lab's VIM serves the Nova subset.
 */
import type { VResourceType } from './vnfm.js';

/** VNFM.Migration.GetMigrationType result; 'NONE' is the plan's FALSE. */
export type MigrationType = 'LIVE_MIGRATION' | 'OFFLINE_MIGRATION' | 'NONE';

/** What to migrate: the VNF instance and the VIM servers behind its VNFCs. */
export interface MigrationSubject {
  readonly vnfInstanceId: string;
  /** SOL003 vnfcResourceInfo[].computeResource.resourceId values. */
  readonly computeResourceIds: readonly string[];
}

export interface MigrationHandle {
  /** Driver's id of the migration (Nova migration id, VMIM name, ...). */
  readonly id: string;
  readonly subject: MigrationSubject;
  readonly vResourceType: VResourceType;
  readonly type: Exclude<MigrationType, 'NONE'>;
}

/** VNFM.Migration.ValidateMigrationSuccess: TRUE / IN_PROGRESS / FALSE. */
export type MigrationStatus =
  | { state: 'IN_PROGRESS'; progressPercent?: number; memoryRemainingBytes?: number }
  | { state: 'COMPLETED' }
  | { state: 'FAILED'; reason: string };

/**
 * How far a running migration has got, as the target reports it (Nova's
 * `memory_*_bytes` of the migration record, a KubeVirt VMIM's phase): for
 * the console's live progress only, never a figure of the record. Fields the
 * target does not report are absent.
 */
export interface MigrationProgress {
  /** The target's state of the move, e.g. Nova's `running`, KubeVirt's `TargetReady`. */
  readonly phase?: string;
  /** Memory copied so far / to copy in total / still to copy, bytes (summed over the legs). */
  readonly memoryProcessedBytes?: number;
  readonly memoryTotalBytes?: number;
  readonly memoryRemainingBytes?: number;
  /** Copied share of the memory (0-100), where the total is known. */
  readonly percent?: number;
}

/**
 * The hypervisor's own account of one migration (QEMU's query-migrate),
 * where the VIM passes it on (the embedded lab on QEMU hosts). It sits
 * beside the VIM's figures because it measures something else: QEMU's
 * downtime is stop to start on QEMU's clock, the VIM's is pause to the
 * first packet forwarded again.
 */
export interface HypervisorMigrationFigures {
  /** Which hypervisor measured these, e.g. 'qemu'. */
  readonly name: string;
  /** Source stopped to destination running, ms (QEMU `downtime`). */
  readonly downtimeMs: number | null;
  /** `migrate` to completion, ms (QEMU `total-time`). */
  readonly totalTimeMs: number | null;
  /** Before the first byte was sent, ms (QEMU `setup-time`). */
  readonly setupTimeMs: number | null;
  readonly ramTotalBytes: number | null;
  readonly ramTransferredBytes: number | null;
  /** Pre-copy iterations (QEMU `dirty-sync-count`). */
  readonly dirtySyncCount: number | null;
  readonly mbps: number | null;
  /** Why the hypervisor failed the migration, if it did. */
  readonly errorDesc: string | null;
}

/**
 * What a VIM event tells about the move, for placing loss on it:
 * `moveStart` the move was under way by then (so was not yet over: the
 * switch-over cannot lie before it); `switchOverEnded` the guest ran on the
 * destination by then; `moveEnd` the move was over by then; `info` recorded
 * for the reader, not used to bound anything.
 */
export type VimEventMark = 'moveStart' | 'switchOverEnded' | 'moveEnd' | 'info';

/**
 * One instant the VIM (or hypervisor) recorded about the move, on its own
 * wall clock, converted to the harness's monotonic clock.
 */
export interface VimEvent {
  /** The target's name of it, e.g. 'compute_live_migration start', 'migrationState.endTimestamp'. */
  readonly name: string;
  readonly marks: VimEventMark;
  /** Where it was read, e.g. 'nova os-instance-actions', 'kubevirt VMIM status'. */
  readonly source: string;
  /** The timestamp as the target reported it (its wall clock, its format). */
  readonly at: string;
  /** The same instant on the harness's monotonic clock (the packets' send times), ms. */
  readonly atMs: number;
  /** What the timestamp itself can resolve, ms (whole seconds: 1000). */
  readonly resolutionMs: number;
  /**
   * How far `atMs` may be from the instant, ms: the resolution, the allowed
   * offset between the target's clock and the harness's (not measurable
   * from here) and the conversion's own error.
   */
  readonly precisionMs: number;
}

/** The VIM's events of one move and how they were put on the harness's clock. */
export interface VimEvents {
  readonly events: readonly VimEvent[];
  /** The harness's wall / monotonic pair the conversion used (read together, after the move). */
  readonly clock: { readonly at: string; readonly monoMs: number };
  /** Offset allowed between the target's clocks and the harness's, ms (driver config `clockOffsetAllowanceMs`). */
  readonly clockOffsetAllowanceMs: number;
  /** Sources of events the target did not offer, each with why (e.g. 'os-instance-actions: HTTP 404'). */
  readonly notOffered: readonly string[];
}

/** What the VIM (or hypervisor) reports about a finished migration. */
export interface MigrationReport {
  readonly type: 'LIVE' | 'OFFLINE';
  readonly fromHost: string;
  readonly toHost: string;
  /** True pause-to-forwarding-again time the hypervisor measured, ms; null if unknown. */
  readonly downtimeMs: number | null;
  /** Migration start to completion as the hypervisor measured it, ms. */
  readonly totalTimeMs: number | null;
  readonly setupTimeMs?: number | null;
  readonly bytesTransferred: number | null;
  /** Pre-copy rounds (iterations) before stop-and-copy. */
  readonly rounds: number | null;
  /** The destination's memory matched the source's at the switch-over (lab only). */
  readonly memoryVerified?: boolean | null;
  /**
   * Switch-over instants in monotonic ms (process.hrtime, the clock of the
   * traffic's send / arrival times), where the VIM knows them (the lab does).
   */
  readonly timeline?: {
    readonly pausedAtMs: number | null;
    readonly resumedAtMs: number | null;
    readonly switchedAtMs: number | null;
    readonly firstForwardAtMs: number | null;
  } | null;
  /** The VIM's own timestamps of the move (Nova, KubeVirt), on the harness's clock; null: none read. */
  readonly vimEvents?: VimEvents | null;
  /** The hypervisor's own figures, where the VIM passes them on (null: not known). */
  readonly hypervisor?: HypervisorMigrationFigures | null;
  /** Raw driver-specific figures (QEMU ram stats, Nova migration record...). */
  readonly details?: Record<string, unknown>;
}

export interface Migrator {
  readonly name: string;
  /** VNFM.Migration.GetMigrationType, with the rule that decided it. */
  getMigrationType(subject: MigrationSubject): Promise<{ type: MigrationType; reason: string }>;
  /** VNFM.Migration.TriggerMigration - returns once the VIM accepted the request. */
  triggerMigration(
    subject: MigrationSubject,
    vResourceType: VResourceType,
    opts?: { targetHost?: string },
  ): Promise<MigrationHandle>;
  /** VNFM.Migration.ValidateMigrationSuccess - one poll. */
  validateMigrationSuccess(handle: MigrationHandle): Promise<MigrationStatus>;
  /**
   * How far the migration has got, one cheap read (no waiting, no side
   * effect); null when the target shows nothing (yet). Optional: a driver
   * whose target reports no progress leaves it out.
   */
  readMigrationProgress?(handle: MigrationHandle): Promise<MigrationProgress | null>;
  /** Figures of a migration once it is no longer IN_PROGRESS. */
  getMigrationReport(handle: MigrationHandle): Promise<MigrationReport>;
  /**
   * A migration of the subject that someone else started (the EM, the VNF, the
   * VNFM's load policy) at or after `startedAfter` (ISO 8601); null while there
   * is none. Trigger types other than `vnfm` wait on this.
   */
  findMigration?(
    subject: MigrationSubject,
    opts: { startedAfter: string; vResourceType: VResourceType },
  ): Promise<MigrationHandle | null>;
  /** Cancel a running migration (used on timeout and on Ctrl-C). */
  abortMigration(handle: MigrationHandle): Promise<void>;
  /** Of the given VIM resource ids, those still allocated in the VIM inventory. */
  findAllocatedVResources(ids: readonly string[]): Promise<string[]>;
  close(): Promise<void>;
}
