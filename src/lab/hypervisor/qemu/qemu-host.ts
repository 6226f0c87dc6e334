/**
 * A compute host of the QEMU lab: a network namespace with a bridge, one
 * QEMU per VM, each VM's NICs as taps on that bridge (lab-network.ts).
 * Implements the lab's ComputeHost, so LabVim and the SOL003 VNFM run on it
 * unchanged:
 *
 *   createVm          QEMU started with -S (devices exist, guest not booted):
 *                     "SHUTOFF" with its vResources held
 *   startVm           `cont`; the first time, wait for the guest's ready marker
 *   stopVm            `stop` (the guest is paused, memory kept)
 *   prepareIncoming   QEMU with the same devices and `-incoming tcp:<host>:<port>`
 *   migrateOut        QMP migrate (protocols/qmp/qmp-migration.ts)
 *   cancelMigration   migrate_cancel
 *   destroyVm         quit QEMU, delete its taps
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { runQmpMigration } from '../../../protocols/qmp/qmp-migration.js';
import { hypervisorFigures, type QemuMigrationInfo } from '../../../protocols/qmp/migration-info.js';
import type { QmpEvent } from '../../../protocols/qmp/qmp-client.js';
import type { Endpoint } from '../../../util/outcome.js';
import type {
  ComputeHost,
  HostCapacity,
  IncomingResult,
  MigrationParams,
  MigrationProgress,
  SourceMigrationResult,
  VmInfo,
  VmSpec,
  VmState,
  VResourceAllocation,
} from '../hypervisor.js';
import { SERVICE_PORT } from './address-plan.js';
import { QemuLabError } from './errors.js';
import { ForwardWatch } from './forward-watch.js';
import { GUEST_READY_MARKER } from './guest-init.js';
import type { QemuLabContext, QemuMigrationRecord } from './lab-context.js';
import { addServiceRoute, createTap, deleteTap } from './lab-network.js';
import { qemuArgs, type QemuGuestSpec, type QemuStart } from './qemu-args.js';
import { QemuProcess } from './qemu-process.js';
import { readNetDev } from './tap-counters.js';

/** Smallest guest that boots the Debian 6.1 kernel with the initramfs (80 MiB panics before the console). */
export const MIN_GUEST_MEMORY_MIB = 96;

/** A source-side result with QEMU's own figures. */
export interface QemuSourceMigrationResult extends SourceMigrationResult {
  readonly qemu: QemuMigrationRecord;
}

interface HostVm {
  readonly spec: VmSpec;
  readonly slot: number;
  readonly proc: QemuProcess;
  readonly taps: readonly string[];
  state: VmState;
  booted: boolean;
  allocations: VResourceAllocation[];
  blockedReasons: readonly string[];
  incoming: Promise<IncomingResult> | null;
  watch: ForwardWatch | null;
  migration: AbortController | null;
  /** Its memory went to another host (a completed migration): never run it here again (two copies). */
  migratedAway?: boolean;
  error?: string;
}

let allocationSeq = 0;
const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export class QemuHost implements ComputeHost {
  private readonly vms = new Map<string, HostVm>();
  private closed = false;

  constructor(
    readonly name: string,
    /** 1-based index: the namespace is `<prefix>-h<index>`. */
    readonly index: number,
    readonly capacity: HostCapacity,
    private readonly lab: QemuLabContext,
  ) {}

  /** The host's network namespace. */
  get netns(): string {
    return this.lab.names.hostNs(this.index);
  }

  /** The host's address on the fabric (migration streams arrive here). */
  get address(): string {
    return this.lab.names.hostAddress(this.index);
  }

  /** QEMU's migration blockers of a VM (empty: live-migratable); null if the VM is not here. */
  migrationBlockers(vmId: string): readonly string[] | null {
    return this.vms.get(vmId)?.blockedReasons ?? null;
  }

  /** pid of the VM's QEMU, or null. */
  qemuPid(vmId: string): number | null {
    return this.vms.get(vmId)?.proc.pid ?? null;
  }

  /** pids of every QEMU on this host (for a synchronous last-resort cleanup). */
  qemuPids(): number[] {
    return [...this.vms.values()].map((vm) => vm.proc.pid).filter((p) => p > 0);
  }

  inventory(): Promise<Record<string, readonly VResourceAllocation[]>> {
    const out: Record<string, readonly VResourceAllocation[]> = {};
    for (const [id, vm] of this.vms) out[id] = vm.allocations;
    return Promise.resolve(out);
  }

  async createVm(spec: VmSpec): Promise<VmInfo> {
    this.checkSpec(spec);
    const sink = spec.vnf.egress;
    if (sink.host !== this.lab.names.rootAddress)
      throw new QemuLabError(
        'QEMU_EGRESS_UNREACHABLE',
        `the VNF's egress ${sink.host}:${sink.port} is not reachable from the guest: the traffic sink must bind ${this.lab.names.rootAddress} (the QEMU lab's trafficEndpoints.sinkHost)`,
        { egress: sink, sinkHost: this.lab.names.rootAddress },
      );
    const slot = this.lab.slots.slotFor(spec.vmId);
    await addServiceRoute(this.lab.names, slot, sink);
    const vm = await this.launch(spec, slot, { kind: 'paused' });
    vm.state = 'CREATED';
    return this.info(vm);
  }

  async startVm(vmId: string): Promise<VmInfo> {
    const vm = this.vm(vmId);
    if (vm.state === 'INCOMING' || vm.state === 'MIGRATING_OUT')
      throw new QemuLabError('INVALID_STATE', `VM ${vmId} is ${vm.state}: cannot start`);
    if (vm.migratedAway === true)
      throw new QemuLabError(
        'INVALID_STATE',
        `VM ${vmId}: cannot start: its memory was migrated to another host`,
      );
    await vm.proc.qmp?.execute('cont');
    if (!vm.booted) {
      try {
        await vm.proc.waitConsole(GUEST_READY_MARKER, this.lab.bootTimeoutMs);
      } catch (e) {
        vm.state = 'ERROR';
        vm.error = message(e);
        throw e;
      }
      vm.booted = true;
    }
    vm.state = 'RUNNING';
    return this.info(vm);
  }

  async stopVm(vmId: string): Promise<VmInfo> {
    const vm = this.vm(vmId);
    if (vm.state === 'INCOMING' || vm.state === 'MIGRATING_OUT')
      throw new QemuLabError('INVALID_STATE', `VM ${vmId} is ${vm.state}: cannot stop`);
    await vm.proc.qmp?.execute('stop');
    vm.state = 'STOPPED';
    return this.info(vm);
  }

  async destroyVm(vmId: string): Promise<void> {
    const vm = this.vms.get(vmId);
    if (vm === undefined) return;
    vm.migration?.abort();
    vm.watch?.stop();
    this.vms.delete(vmId);
    await vm.proc.stop();
    for (const tap of vm.taps) await deleteTap(this.lab.names, this.index, tap);
  }

  async getVm(vmId: string): Promise<VmInfo | null> {
    const vm = this.vms.get(vmId);
    if (vm === undefined) return null;
    await this.refreshState(vm);
    return this.info(vm);
  }

  async prepareIncoming(spec: VmSpec): Promise<{ migrationEndpoint: Endpoint; vm: VmInfo }> {
    this.checkSpec(spec);
    const slot = this.lab.slots.get(spec.vmId);
    if (slot === undefined)
      throw new QemuLabError('VM_NOT_FOUND', `VM ${spec.vmId} has no slot: it was never created in this lab`);
    const port = this.lab.names.incomingPort(slot);
    const vm = await this.launch(spec, slot, {
      kind: 'incoming',
      uri: `tcp:${this.address}:${port}`,
      paused: this.lab.verifyMemory,
    });
    vm.state = 'INCOMING';
    vm.booted = true; // the guest arrives booted
    vm.watch = new ForwardWatch(vm.proc.pid, this.lab.names.tap(slot, 1));
    vm.incoming = this.watchIncoming(vm);
    return { migrationEndpoint: { host: this.address, port }, vm: await this.info(vm) };
  }

  async migrateOut(
    vmId: string,
    params: MigrationParams,
    onProgress?: (p: MigrationProgress) => void,
  ): Promise<QemuSourceMigrationResult> {
    const vm = this.vm(vmId);
    const qmp = vm.proc.qmp;
    if (
      qmp === null ||
      vm.migration !== null ||
      vm.migratedAway === true ||
      vm.state === 'INCOMING' ||
      vm.state === 'CREATED'
    )
      throw new QemuLabError('INVALID_STATE', `VM ${vmId} is ${vm.state}: cannot migrate`);
    if (params.mode === 'live' && vm.state !== 'RUNNING')
      throw new QemuLabError('INVALID_STATE', `VM ${vmId} is ${vm.state}: live migration needs a running VM`);
    const wasRunning = vm.state === 'RUNNING';
    const control = new AbortController();
    vm.migration = control;
    vm.state = 'MIGRATING_OUT';
    try {
      if (params.mode === 'offline' && wasRunning) {
        await qmp.execute('stop');
        this.lab.resumeAfterIncoming.add(vmId);
      }
      // A destination started paused to check its RAM (verifyMemory) is resumed by the lab, not by QEMU.
      if (params.mode === 'live' && this.lab.verifyMemory) this.lab.resumeAfterIncoming.add(vmId);
      const uri = `tcp:${params.dest.host}:${params.dest.port}`;
      const r = await runQmpMigration(qmp, {
        uri,
        downtimeLimitMs: params.downtimeLimitMs,
        maxBandwidthBytesPerSec: params.bandwidthBytesPerSec,
        autoConverge: this.lab.autoConverge,
        timeoutMs: this.lab.migrationTimeoutMs,
        signal: control.signal,
        onProgress: (info: QemuMigrationInfo) => onProgress?.(progress(info)),
      });
      const record: QemuMigrationRecord = {
        vmId,
        sourceHost: this.name,
        destUri: uri,
        ok: r.ok,
        reason: r.reason,
        stats: r.stats,
        startedAtNs: String(r.startedAtNs),
        pausedAtNs: r.pausedAtNs === null ? null : String(r.pausedAtNs),
        completedAtNs: String(r.finishedAtNs),
      };
      this.lab.migrations.set(vmId, record);
      // The source is stopped for good (postmigrate): its RAM is what the destination must hold.
      const memoryDigest = r.ok && this.lab.verifyMemory ? await this.dumpRam(vm, 'source') : null;
      if (r.ok) {
        vm.state = 'PAUSED'; // postmigrate: released by destroyVm once the VIM is done
        vm.migratedAway = true;
      } else {
        this.lab.resumeAfterIncoming.delete(vmId);
        // QEMU restarts the source itself after a failed or cancelled live migration.
        if (params.mode === 'offline' && wasRunning) await qmp.execute('cont').catch(() => undefined);
        vm.state = wasRunning ? 'RUNNING' : 'STOPPED';
        await this.refreshState(vm);
      }
      return {
        ok: r.ok,
        ...(r.reason === null ? {} : { reason: r.reason }),
        rounds: r.stats.dirtySyncCount ?? 0,
        bytesTransferred: r.stats.ramTransferredBytes ?? 0,
        pagesTransferred: (r.stats.ramNormalPages ?? 0) + (r.stats.ramDuplicatePages ?? 0),
        startedAtNs: record.startedAtNs,
        pausedAtNs: record.pausedAtNs,
        completedAtNs: record.completedAtNs,
        memoryDigest,
        hypervisor: hypervisorFigures(r.stats),
        qemu: record,
      };
    } catch (e) {
      await this.refreshState(vm).catch(() => undefined);
      if (vm.state === 'MIGRATING_OUT') vm.state = 'ERROR';
      throw e;
    } finally {
      vm.migration = null;
    }
  }

  cancelMigration(vmId: string): Promise<void> {
    this.vms.get(vmId)?.migration?.abort();
    return Promise.resolve();
  }

  waitIncoming(vmId: string): Promise<IncomingResult> {
    const incoming = this.vms.get(vmId)?.incoming;
    if (incoming === undefined || incoming === null)
      return Promise.reject(
        new QemuLabError('VM_NOT_FOUND', `no incoming migration of ${vmId} on ${this.name}`),
      );
    return incoming;
  }

  async firstForwardAfter(vmId: string, afterNs: string, timeoutMs: number): Promise<string | null> {
    const vm = this.vms.get(vmId);
    if (vm === undefined) return null;
    vm.watch ??= new ForwardWatch(vm.proc.pid, this.lab.names.tap(vm.slot, 1));
    const at = await vm.watch.firstAfter(BigInt(afterNs), timeoutMs);
    return at === null ? null : String(at);
  }

  async shutdown(): Promise<void> {
    this.closed = true;
    for (const id of [...this.vms.keys()]) await this.destroyVm(id).catch(() => undefined);
  }

  private vm(vmId: string): HostVm {
    const vm = this.vms.get(vmId);
    if (vm === undefined) throw new QemuLabError('VM_NOT_FOUND', `VM ${vmId} is not on ${this.name}`);
    return vm;
  }

  private checkSpec(spec: VmSpec): void {
    if (this.closed) throw new QemuLabError('INVALID_STATE', `host ${this.name} is shut down`);
    if (this.vms.has(spec.vmId))
      throw new QemuLabError('VM_EXISTS', `VM ${spec.vmId} is already on ${this.name}`);
    const specialized = spec.specializedNics ?? 0;
    if (spec.nics - specialized < 2)
      throw new QemuLabError(
        'INVALID_SPEC',
        'the QEMU guest needs 2 virtio NICs (ingress, egress) besides specialized ones',
        {
          nics: spec.nics,
          specializedNics: specialized,
        },
      );
    if (spec.memoryMiB < MIN_GUEST_MEMORY_MIB)
      throw new QemuLabError('INVALID_SPEC', `the QEMU guest needs at least ${MIN_GUEST_MEMORY_MIB} MiB`, {
        memoryMiB: spec.memoryMiB,
      });
    const used = { vCPU: 0, vMemory: 0, vStorage: 0, vNIC: 0 };
    for (const vm of this.vms.values()) for (const a of vm.allocations) used[a.kind] += a.amount;
    const over: string[] = [];
    if (used.vCPU + spec.vCpu > this.capacity.vCpu) over.push('vCPU');
    if (used.vMemory + spec.memoryMiB > this.capacity.memoryMiB) over.push('memory');
    if (used.vStorage + spec.storageGiB > this.capacity.storageGiB) over.push('storage');
    if (used.vNIC + spec.nics > this.capacity.nics) over.push('NICs');
    if (over.length > 0)
      throw new QemuLabError(
        'CAPACITY_EXCEEDED',
        `${this.name} has not enough ${over.join(', ')} for ${spec.vmId}`,
      );
  }

  /** Taps + QEMU; undoes both when QEMU does not come up. */
  private async launch(spec: VmSpec, slot: number, start: QemuStart): Promise<HostVm> {
    const n = this.lab.names;
    const virtioNics = spec.nics - (spec.specializedNics ?? 0);
    const nics = Array.from({ length: virtioNics }, (_, i) => ({
      tap: n.tap(slot, i),
      mac: n.vmMac(slot, i),
    }));
    const base = join(this.lab.runDir, `${spec.vmId}.h${this.index}`);
    const guest: QemuGuestSpec = {
      name: `vnflab-${spec.vmId}`,
      vCpu: spec.vCpu,
      memoryMiB: spec.memoryMiB,
      nics,
      ingressCidr: `${n.vmIngressAddress(slot)}/24`,
      egressCidr: `${n.vmEgressAddress(slot)}/24`,
      gateway: n.egressGateway,
      migrationBlockers: spec.specializedNics ?? 0,
      qmpSocket: `${base}.qmp`,
      consoleLog: `${base}.console`,
    };
    const created: string[] = [];
    try {
      for (const nic of nics) {
        await createTap(n, this.index, nic.tap);
        created.push(nic.tap);
      }
      const proc = await QemuProcess.start({
        netns: this.netns,
        args: qemuArgs(guest, this.lab.assets, start, this.lab.accel),
        qmpSocket: guest.qmpSocket,
        consoleLog: guest.consoleLog,
      });
      const info = await proc.qmp
        ?.execute<QemuMigrationInfo>('query-migrate')
        .catch((): QemuMigrationInfo => ({}));
      const blockedReasons = info?.['blocked-reasons'] ?? [];
      const vm: HostVm = {
        spec,
        slot,
        proc,
        taps: created,
        state: 'CREATED',
        booted: false,
        allocations: allocate(spec, this.name, blockedReasons.length > 0),
        blockedReasons,
        incoming: null,
        watch: null,
        migration: null,
      };
      this.vms.set(spec.vmId, vm);
      return vm;
    } catch (e) {
      for (const tap of created) await deleteTap(n, this.index, tap);
      throw e;
    }
  }

  /** Resolves when the incoming guest runs (RESUME), or with the reason it will not. */
  private watchIncoming(vm: HostVm): Promise<IncomingResult> {
    const qmp = vm.proc.qmp;
    const vmId = vm.spec.vmId;
    const fail = (reason: string): IncomingResult => ({
      vmId,
      ok: false,
      reason,
      resumedAtNs: null,
      memoryDigest: null,
    });
    if (qmp === null) return Promise.resolve(fail('no QMP session'));
    return new Promise<IncomingResult>((resolve) => {
      let completedTimer: NodeJS.Timeout | undefined;
      let memoryDigest: string | null = null;
      const finish = (r: IncomingResult): void => {
        clearTimeout(completedTimer);
        unsubscribe();
        if (r.ok) vm.state = 'RUNNING';
        else if (vm.state === 'INCOMING') vm.state = 'ERROR';
        resolve(r);
      };
      const unsubscribe = qmp.onEvent((e: QmpEvent) => {
        if (e.event === 'RESUME') {
          this.lab.resumeAfterIncoming.delete(vmId);
          finish({ vmId, ok: true, resumedAtNs: String(e.occurredAtNs), memoryDigest });
        } else if (e.event === 'MIGRATION' && e.data['status'] === 'failed') {
          finish(fail('incoming migration failed (QEMU MIGRATION event: failed)'));
        } else if (e.event === 'MIGRATION' && e.data['status'] === 'completed' && this.lab.verifyMemory) {
          // Started with -S: the guest waits until its RAM is dumped, then runs as a live move would.
          void this.dumpRam(vm, 'destination')
            .catch(() => null)
            .then((digest) => {
              memoryDigest = digest;
              if (this.lab.resumeAfterIncoming.has(vmId)) void qmp.execute('cont').catch(() => undefined);
              else {
                vm.state = 'STOPPED';
                finish({ vmId, ok: true, resumedAtNs: null, memoryDigest });
              }
            });
        } else if (e.event === 'MIGRATION' && e.data['status'] === 'completed') {
          // A live migration resumes by itself (RESUME follows). An offline one of a
          // running guest is resumed here; one of a stopped guest stays paused.
          completedTimer = setTimeout(() => {
            if (this.lab.resumeAfterIncoming.has(vmId)) void qmp.execute('cont').catch(() => undefined);
            else {
              vm.state = 'STOPPED';
              finish({ vmId, ok: true, resumedAtNs: null, memoryDigest: null });
            }
          }, 500);
        }
      });
      void vm.proc.exited.then(() =>
        finish(fail(`destination QEMU exited: ${vm.proc.errorOutput || 'no message'}`)),
      );
      void qmp
        .execute('migrate-set-capabilities', { capabilities: [{ capability: 'events', state: true }] })
        .catch(() => undefined);
    });
  }

  /**
   * Dump the paused guest's RAM (QMP pmemsave of guest-physical 0..memory)
   * into the lab's run directory and return its SHA-256 (verifyMemory).
   */
  private async dumpRam(vm: HostVm, side: 'source' | 'destination'): Promise<string | null> {
    const qmp = vm.proc.qmp;
    if (qmp === null) return null;
    const file = join(this.lab.runDir, `${vm.spec.vmId}.${side}.ram`);
    await qmp.execute('pmemsave', { val: 0, size: vm.spec.memoryMiB * 1024 * 1024, filename: file }, 60_000);
    const hash = createHash('sha256');
    for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
    return hash.digest('hex');
  }

  /** Read the real run state from QEMU (a failed migration resumes the source by itself). */
  private async refreshState(vm: HostVm): Promise<void> {
    if (!vm.proc.alive) {
      vm.state = 'ERROR';
      vm.error ??= `QEMU exited: ${vm.proc.errorOutput || 'no message'}`;
      return;
    }
    if (vm.state === 'CREATED' || vm.state === 'INCOMING' || vm.state === 'MIGRATING_OUT') return;
    const status = await vm.proc.qmp
      ?.execute<{ running: boolean; status: string }>('query-status')
      .catch(() => null);
    if (status === null || status === undefined) return;
    if (status.running) vm.state = 'RUNNING';
    else if (status.status === 'postmigrate') vm.state = 'PAUSED';
    else if (vm.state === 'RUNNING') vm.state = 'STOPPED';
  }

  private async info(vm: HostVm): Promise<VmInfo> {
    const counters = await readNetDev(vm.proc.pid);
    const ingress = counters?.get(this.lab.names.tap(vm.slot, 0));
    const egress = counters?.get(this.lab.names.tap(vm.slot, 1));
    return {
      vmId: vm.spec.vmId,
      host: this.name,
      state: vm.state,
      allocations: vm.allocations,
      dataEndpoint: { host: this.lab.names.vmIngressAddress(vm.slot), port: SERVICE_PORT },
      counters: {
        received: ingress?.txPackets ?? 0,
        forwarded: egress?.rxPackets ?? 0,
        droppedWhilePaused: ingress?.txDropped ?? 0,
      },
      ...(vm.error === undefined ? {} : { error: vm.error }),
    };
  }
}

function progress(info: QemuMigrationInfo): MigrationProgress {
  return {
    round: info.ram?.['dirty-sync-count'] ?? 0,
    totalBytes: info.ram?.total ?? 0,
    transferredBytes: info.ram?.transferred ?? 0,
    remainingBytes: info.ram?.remaining ?? 0,
    dirtyPagesRate: info.ram?.['dirty-pages-rate'] ?? 0,
  };
}

/**
 * The VM's vResources on this host. The specialized vNICs are flagged only
 * when QEMU itself reports a migration blocker, so the VIM's migration-type
 * check reports what the hypervisor says, not what the flavor asked for.
 */
function allocate(spec: VmSpec, host: string, blocked: boolean): VResourceAllocation[] {
  const id = (kind: string): string => `${host}-${spec.vmId.slice(0, 8)}-${kind}-${++allocationSeq}`;
  const virtio = spec.nics - (spec.specializedNics ?? 0);
  return [
    { id: id('cpu'), kind: 'vCPU', amount: spec.vCpu, unit: 'count' },
    { id: id('mem'), kind: 'vMemory', amount: spec.memoryMiB, unit: 'MiB' },
    { id: id('disk'), kind: 'vStorage', amount: spec.storageGiB, unit: 'GiB' },
    ...Array.from({ length: spec.nics }, (_, i): VResourceAllocation => {
      const specialized = i >= virtio && blocked;
      return {
        id: id('nic'),
        kind: 'vNIC',
        amount: 1,
        unit: 'count',
        ...(specialized ? { specialized } : {}),
      };
    }),
  ];
}
