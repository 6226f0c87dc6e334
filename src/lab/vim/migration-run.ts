/**
 * One migration, carried out in the background after the VIM accepted it,
 * in Nova's order (nova/compute/manager.py).
 *
 * live: the destination prepares (pre_live_migration: claim and listen,
 * QEMU -incoming), the source runs the pre-copy migration (live_migration),
 * the destination resumes and the source instance is cleaned up
 * (post_live_migration: "the older vResource is released",
 * TC_VNF_MIGRATE_002 step 9). On failure or abort the destination is rolled
 * back and the server keeps running on the source (rollback_live_migration).
 *
 * offline (Nova's cold migration, resize to the same flavor, confirmed at
 * once): prep_resize on the destination, resize_instance on the source (the
 * VNF stops, its memory is copied once), finish_resize starts it on the
 * destination if it was running, confirm_resize frees the source. A
 * failure reverts to the source (revert_resize) in the power state it had.
 */
import { isoNow, monoNs } from '../../util/clock.js';
import type {
  Fabric,
  ComputeHost,
  IncomingResult,
  MigrationParams,
  SourceMigrationResult,
  VResourceAllocation,
} from '../hypervisor/hypervisor.js';
import type { ActionRecorder } from './instance-actions.js';
import type { MigrationRecord, ServerRecord } from './records.js';
import type { VimMigrationStatus } from './vim.js';

/** Nova's event names of each phase, per kind of migration. */
const EVENTS = {
  live: {
    check: 'compute_check_can_live_migrate_destination',
    prepare: 'compute_pre_live_migration',
    transfer: 'compute_live_migration',
    finish: 'compute_post_live_migration_at_destination',
    rollback: 'compute_rollback_live_migration_at_destination',
  },
  offline: {
    check: 'compute_check_can_migrate_destination',
    prepare: 'compute_prep_resize',
    transfer: 'compute_resize_instance',
    finish: 'compute_finish_resize',
    rollback: 'compute_revert_resize',
  },
} as const;

export interface MigrationRun {
  readonly mode: 'live' | 'offline';
  /** The server ran when the migration began (offline: it runs again on the destination). */
  readonly wasRunning: boolean;
  readonly server: ServerRecord;
  readonly migration: MigrationRecord;
  readonly source: ComputeHost;
  readonly dest: ComputeHost;
  readonly params: Omit<MigrationParams, 'dest' | 'mode'>;
  readonly action: ActionRecorder;
  /** When the VIM accepted the request (monotonic ns). */
  readonly acceptedAtNs: bigint;
  /** How long to wait for the destination once the source is done, ms. */
  readonly incomingTimeoutMs: number;
  /** How long the destination may take to forward its first packet after the pause, ms. */
  readonly firstForwardTimeoutMs: number;
  /** The fabric, to read when it learnt the destination (the switch-over instant). */
  readonly fabric?: Fabric;
  /**
   * An injected fault (lab.faults `migration=fail-halfway`): the source
   * cancels the transfer once half the memory is copied, and the migration
   * fails with this reason; the VNF stays on the source.
   */
  readonly failHalfway?: string;
  /** Drop the scheduler's claim on the destination (the host now holds the allocations). */
  releaseClaim(): void;
}

const nsToMs = (ns: bigint): number => Number(ns) / 1e6;

function setStatus(m: MigrationRecord, status: VimMigrationStatus): void {
  m.status = status;
  m.updatedAt = isoNow();
}

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** Run the migration to a final status; never rejects. */
export async function runMigration(run: MigrationRun): Promise<void> {
  try {
    await migrate(run);
  } catch (e) {
    // A bug or a host that broke its contract: leave a final, explained state.
    run.releaseClaim();
    run.server.taskState = null;
    if (run.server.status === 'MIGRATING') run.server.status = 'ERROR';
    run.migration.error = `internal error: ${message(e)}`;
    setStatus(run.migration, 'error');
  }
}

async function migrate(run: MigrationRun): Promise<void> {
  const { server, migration, source, dest, action } = run;
  const vmId = server.id;
  const events = EVENTS[run.mode];
  setStatus(migration, 'preparing');
  action.done(events.check, dest.name);
  const pre = action.event(events.prepare, dest.name);
  let prepared;
  try {
    prepared = await dest.prepareIncoming(server.vmSpec);
  } catch (e) {
    pre.fail(message(e));
    run.releaseClaim();
    await rollback(run, 'error', `destination ${dest.name} could not prepare: ${message(e)}`);
    return;
  }
  run.releaseClaim();
  pre.ok();
  migration.newAllocationIds = prepared.vm.allocations.map((a) => a.id);
  // Listen for the destination's outcome from now on, so none is missed.
  const incoming = dest.waitIncoming(vmId).catch((e: unknown): IncomingResult => ({
    vmId,
    ok: false,
    reason: message(e),
    resumedAtNs: null,
    memoryDigest: null,
  }));
  if (migration.control.abortRequested) {
    await rollback(run, 'cancelled', 'migration cancelled before the transfer started');
    return;
  }

  setStatus(migration, 'running');
  const live = action.event(events.transfer, source.name);
  let sourceDone = false;
  // A destination that fails while the source still sends (its host stopped
  // answering, its listener gave up) would leave the source sending into the
  // void: cancel it (migrate_cancel), the migration then rolls back.
  void incoming.then((r) => {
    if (!r.ok && !sourceDone) void source.cancelMigration(vmId).catch(() => undefined);
  });
  let faulted = false;
  const sent: SourceMigrationResult = await source
    .migrateOut(vmId, { ...run.params, dest: prepared.migrationEndpoint, mode: run.mode }, (p) => {
      if (run.failHalfway !== undefined && !faulted && p.transferredBytes * 2 >= p.totalBytes) {
        faulted = true;
        void source.cancelMigration(vmId).catch(() => undefined);
      }
      migration.memoryTotalBytes = p.totalBytes;
      migration.memoryProcessedBytes = p.transferredBytes;
      migration.memoryRemainingBytes = p.remainingBytes;
      migration.rounds = p.round;
      migration.updatedAt = isoNow();
    })
    .catch((e: unknown) => failedSend(message(e)))
    .finally(() => (sourceDone = true));
  migration.rounds = sent.rounds;
  migration.bytesTransferred = sent.bytesTransferred;
  // Kept on failure too: QEMU's error-desc says why it gave up.
  migration.hypervisor = sent.hypervisor ?? null;
  if (faulted && run.failHalfway !== undefined) {
    // Cancelled by the fault, or completed before the cancel reached the source: either way a failed move.
    const reason = `${run.failHalfway}: the transfer was cancelled half-way`;
    live.fail(reason);
    await rollback(run, 'failed', reason);
    return;
  }
  if (!sent.ok) {
    const reason = sent.reason ?? 'source migration failed';
    live.fail(reason);
    await rollback(run, migration.control.abortRequested ? 'cancelled' : 'failed', reason);
    return;
  }
  const arrived = await withTimeout(incoming, run.incomingTimeoutMs, {
    vmId,
    ok: false,
    reason: `destination did not resume within ${run.incomingTimeoutMs} ms`,
    resumedAtNs: null,
    memoryDigest: null,
  });
  if (!arrived.ok) {
    const reason = `destination ${dest.name}: ${arrived.reason ?? 'incoming migration failed'}`;
    live.fail(reason);
    await rollback(run, 'failed', reason);
    return;
  }
  live.ok();
  await complete(run, sent, arrived);
}

async function complete(
  run: MigrationRun,
  sent: SourceMigrationResult,
  arrived: IncomingResult,
): Promise<void> {
  const { server, migration, source, dest, action } = run;
  const post = action.event(EVENTS[run.mode].finish, dest.name);
  const pausedAtNs = sent.pausedAtNs === null ? null : BigInt(sent.pausedAtNs);
  const resumedAtNs = arrived.resumedAtNs === null ? null : BigInt(arrived.resumedAtNs);
  // True downtime: pause on the source to the first packet the destination
  // forwards again; without traffic, to the destination's resume.
  let downtimeMs: number | null = null;
  let forwarded: string | null = null;
  if (pausedAtNs !== null) {
    forwarded = await dest
      .firstForwardAfter(server.id, String(pausedAtNs), run.firstForwardTimeoutMs)
      .catch(() => null);
    const end = forwarded !== null ? BigInt(forwarded) : resumedAtNs;
    if (end !== null) downtimeMs = nsToMs(end - pausedAtNs);
  }
  const learnt = run.fabric ? await run.fabric.location(server.id).catch(() => null) : null;
  migration.timeline = {
    pausedAtNs: sent.pausedAtNs,
    resumedAtNs: arrived.resumedAtNs,
    switchedAtNs: learnt?.learntAtNs ?? null,
    firstForwardAtNs: forwarded,
  };
  const sourceInventory = await source.inventory().catch(() => null);
  const sourceAllocations = sourceInventory?.[server.id] ?? server.allocations;
  const sourceHostName = server.host;
  let releaseError: string | null = null;
  await source.destroyVm(server.id).catch((e: unknown) => {
    releaseError = `source ${source.name} did not release the VM: ${message(e)}`;
  });
  const destVm = await dest.getVm(server.id).catch(() => null);
  const completedAtNs = BigInt(sent.completedAtNs);
  const endNs = resumedAtNs !== null && resumedAtNs > completedAtNs ? resumedAtNs : completedAtNs;

  server.host = dest.name;
  if (destVm !== null) server.allocations = destVm.allocations.map((a) => ({ ...a, host: dest.name }));
  server.status = run.wasRunning ? 'ACTIVE' : 'SHUTOFF';
  server.taskState = null;
  server.updated = isoNow();
  migration.releasedAllocationIds = sourceAllocations.map((a) => a.id);
  if (destVm !== null) migration.newAllocationIds = destVm.allocations.map((a) => a.id);
  migration.downtimeMs = downtimeMs;
  migration.setupTimeMs = nsToMs(BigInt(sent.startedAtNs) - run.acceptedAtNs);
  migration.totalTimeMs = nsToMs(endNs - run.acceptedAtNs);
  migration.memoryVerified =
    sent.memoryDigest !== null && arrived.memoryDigest !== null
      ? sent.memoryDigest === arrived.memoryDigest
      : null;
  migration.memoryRemainingBytes = 0;
  migration.storageVerified =
    sent.volumeDigest != null && arrived.volumeDigest != null
      ? sent.volumeDigest === arrived.volumeDigest
      : null;
  migration.vResourceChanges = {
    vResourceType: migration.vResourceType ?? 'any',
    moved: 'server',
    before: placementOf(sourceHostName, sourceAllocations),
    after: placementOf(dest.name, destVm?.allocations ?? []),
  };
  migration.error = releaseError;
  setStatus(migration, 'completed');
  if (releaseError === null) post.ok();
  else post.fail(releaseError);
  if (run.mode === 'offline') action.done('compute_confirm_resize', source.name);
}

/** Where a server's vResources are: host, pinned cores, storage pool(s). */
function placementOf(host: string, allocations: readonly VResourceAllocation[]): Record<string, unknown> {
  return {
    host,
    pinnedCores: allocations.flatMap((a) => a.pinnedCores ?? []),
    pools: allocations.flatMap((a) => (a.pool === undefined ? [] : [a.pool])),
  };
}

/** Undo the destination; the server stays on the source, running if it ran before. */
async function rollback(run: MigrationRun, status: VimMigrationStatus, reason: string): Promise<void> {
  const { server, migration, source, dest, action } = run;
  const undo = action.event(EVENTS[run.mode].rollback, dest.name);
  await dest.destroyVm(server.id).catch(() => undefined);
  undo.ok();
  let sourceState = (await source.getVm(server.id).catch(() => null))?.state;
  if (run.wasRunning && sourceState !== 'RUNNING') {
    // The source was paused (stop-and-copy) or stopped (offline) when the move failed: resume it.
    sourceState = (await source.startVm(server.id).catch(() => null))?.state;
  }
  server.taskState = null;
  server.updated = isoNow();
  if (!run.wasRunning && sourceState !== undefined && sourceState !== 'ERROR') {
    server.status = 'SHUTOFF';
  } else if (sourceState === 'RUNNING') {
    server.status = 'ACTIVE';
  } else {
    server.status = 'ERROR';
    server.fault = {
      code: 500,
      message: `live migration failed and the source did not resume: ${reason}`,
      created: isoNow(),
    };
  }
  migration.error = reason;
  migration.newAllocationIds = [];
  setStatus(migration, status);
}

function failedSend(reason: string): SourceMigrationResult {
  const now = String(monoNs());
  return {
    ok: false,
    reason,
    rounds: 0,
    bytesTransferred: 0,
    pagesTransferred: 0,
    startedAtNs: now,
    pausedAtNs: null,
    completedAtNs: now,
    memoryDigest: null,
  };
}

async function withTimeout<T>(promise: Promise<T>, timeoutMs: number, onTimeout: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(onTimeout), timeoutMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
