/**
 * One single-vResource move (vCPU, vStorage, vNIC) of a running server
 * within its host, in the background after the VIM accepted it. Recorded as
 * a live migration whose source and destination are the same host (Nova has
 * no such operation: it moves whole servers; this is the lab's model of the
 * spec's per-vResource migration). Only the allocations of the moved kind
 * change ids; the server stays ACTIVE on its host throughout.
 *
 * Downtime, by kind:
 * - vCPU: 0 - re-pinning does not stop the VNF;
 * - vStorage: the mirror's switch-over (last dirty blocks copied, pivot),
 *   during which the VNF's event loop does nothing else;
 * - vNIC: old port unplugged to the fabric delivering to the new one (its
 *   switch, as it learnt the new port from the VNF's announcement). What the
 *   fabric sends in between goes to a port nobody reads: lost. What had
 *   reached the old port before the unplug is drained and forwarded late,
 *   and the first datagram through the new port can wait behind that drain
 *   for a few ms without anything being lost, so the first forward after the
 *   unplug (the end of a whole-VNF move's downtime) overstated a port move's
 *   by 1-6 ms under load. The move completes only after that first forward
 *   (the new port demonstrably works); without a switch time the first
 *   forward ends the downtime.
 */
import { isoNow } from '../../util/clock.js';
import { VnflabBugError } from '../../util/errors.js';
import type { FabricLocation } from '../fabric/fabric-api.js';
import type { ComputeHost, Fabric, MovableVResourceKind, MigrationParams } from '../hypervisor/hypervisor.js';
import type { ActionRecorder } from './instance-actions.js';
import type { MigrationRecord, ServerRecord } from './records.js';
import type { VimMigrationStatus } from './vim.js';

export interface VResourceMoveRun {
  readonly kind: MovableVResourceKind;
  readonly server: ServerRecord;
  readonly migration: MigrationRecord;
  readonly host: ComputeHost;
  readonly params: Omit<MigrationParams, 'dest' | 'mode'>;
  readonly action: ActionRecorder;
  readonly acceptedAtNs: bigint;
  readonly firstForwardTimeoutMs: number;
  readonly fabric: Fabric;
}

const nsToMs = (ns: bigint): number => Number(ns) / 1e6;
const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

function setStatus(m: MigrationRecord, status: VimMigrationStatus): void {
  m.status = status;
  m.updatedAt = isoNow();
}

/** Run the move to a final status; never rejects. */
export async function runVResourceMove(run: VResourceMoveRun): Promise<void> {
  const { server, migration, host, action, kind } = run;
  const event = action.event('compute_live_migration', host.name);
  const finishServer = (): void => {
    server.status = 'ACTIVE';
    server.taskState = null;
    server.updated = isoNow();
  };
  try {
    if (host.moveVResource === undefined)
      throw new VnflabBugError(`host ${host.name} cannot move single vResources`);
    if (migration.control.abortRequested) {
      finishServer();
      migration.error = 'migration cancelled before the move started';
      setStatus(migration, 'cancelled');
      event.fail(migration.error);
      return;
    }
    setStatus(migration, 'running');
    const r = await host.moveVResource(
      server.id,
      {
        kind,
        bandwidthBytesPerSec: run.params.bandwidthBytesPerSec,
        downtimeLimitMs: run.params.downtimeLimitMs,
        maxRounds: run.params.maxRounds,
      },
      (p) => {
        migration.diskTotalBytes = p.totalBytes;
        migration.diskProcessedBytes = p.transferredBytes;
        migration.diskRemainingBytes = p.remainingBytes;
        migration.rounds = p.round;
        migration.updatedAt = isoNow();
      },
    );
    migration.rounds = r.rounds;
    migration.bytesTransferred = r.bytesTransferred;
    if (!r.ok) {
      finishServer();
      migration.error = r.reason ?? `${kind} move failed`;
      setStatus(migration, migration.control.abortRequested ? 'cancelled' : 'failed');
      event.fail(migration.error);
      return;
    }
    const pausedAtNs = r.pausedAtNs === null ? null : BigInt(r.pausedAtNs);
    const resumedAtNs = r.resumedAtNs === null ? null : BigInt(r.resumedAtNs);
    let firstForwardAtNs: string | null = null;
    let downtimeMs = 0;
    let learnt: FabricLocation | null = null;
    if (kind === 'vNIC' && pausedAtNs !== null) {
      firstForwardAtNs = await host
        .firstForwardAfter(server.id, String(pausedAtNs), run.firstForwardTimeoutMs)
        .catch(() => null);
      learnt = await run.fabric.location(server.id).catch(() => null);
      const switchedAtNs =
        learnt !== null && BigInt(learnt.learntAtNs) > pausedAtNs ? BigInt(learnt.learntAtNs) : null;
      const end = switchedAtNs ?? (firstForwardAtNs !== null ? BigInt(firstForwardAtNs) : resumedAtNs);
      downtimeMs = end === null ? 0 : nsToMs(end - pausedAtNs);
    } else if (pausedAtNs !== null && resumedAtNs !== null) {
      downtimeMs = nsToMs(resumedAtNs - pausedAtNs);
    }
    migration.timeline = {
      pausedAtNs: r.pausedAtNs,
      resumedAtNs: r.resumedAtNs,
      switchedAtNs: learnt?.learntAtNs ?? null,
      firstForwardAtNs,
    };
    const vm = await host.getVm(server.id).catch(() => null);
    if (vm !== null) server.allocations = vm.allocations.map((a) => ({ ...a, host: host.name }));
    migration.releasedAllocationIds = r.released.map((a) => a.id);
    migration.newAllocationIds = r.added.map((a) => a.id);
    migration.vResourceChanges = {
      vResourceType: migration.vResourceType ?? kind,
      moved: kind,
      before: { host: host.name, ...r.before },
      after: { host: host.name, ...r.after },
    };
    migration.storageVerified = r.dataVerified;
    migration.downtimeMs = downtimeMs;
    migration.setupTimeMs = nsToMs(BigInt(r.startedAtNs) - run.acceptedAtNs);
    migration.totalTimeMs = nsToMs(BigInt(r.completedAtNs) - run.acceptedAtNs);
    if (kind === 'vStorage') migration.diskRemainingBytes = 0;
    finishServer();
    setStatus(migration, 'completed');
    event.ok();
  } catch (e) {
    finishServer();
    migration.error = `${kind} move failed: ${message(e)}`;
    setStatus(migration, 'error');
    event.fail(migration.error);
  }
}
