/**
 * A compute host (runs inside its host process, host-main.ts): capacity and
 * inventory, the VMs with their guest memory and VNF, and both ends of
 * migrations. Every method is one ComputeHost operation.
 */
import type { Endpoint } from '../../../util/outcome.js';
import type {
  HostCapacity,
  IncomingResult,
  MigrationParams,
  MigrationProgress,
  SourceMigrationResult,
  VmInfo,
  VmSpec,
  VResourceAllocation,
  VResourceMoveRequest,
  VResourceMoveResult,
} from '../hypervisor.js';
import { monoNs } from '../../../util/clock.js';
import { Announcer } from './announcer.js';
import { checkLicense } from './license.js';
import { HostError } from './errors.js';
import { GuestMemory } from './guest-memory.js';
import { HostInventory } from './inventory.js';
import { IncomingMigration } from './migration-dest.js';
import { OutgoingMigration } from './migration-source.js';
import { prepareMigrationThread } from './page-pump.js';
import { validateMigrationParams, validateVnfBoot } from './validate.js';
import { Vm } from './vm.js';
import { Vnf } from './vnf.js';
import { VolumeMirror } from './storage-mirror.js';
import { Volume } from './volume.js';

export class ProcessHost {
  private readonly vms = new Map<string, Vm>();
  private readonly incomingResults = new Map<string, Promise<IncomingResult>>();
  private readonly stock: HostInventory;
  private readonly announcer: Announcer;

  constructor(
    readonly name: string,
    capacity: HostCapacity,
    fabricControl: Endpoint,
  ) {
    this.stock = new HostInventory(name, capacity);
    this.announcer = new Announcer(fabricControl);
  }

  async open(): Promise<void> {
    await this.announcer.open();
    // The first live migration should not wait for its thread to load.
    prepareMigrationThread();
  }

  inventory(): Promise<Record<string, readonly VResourceAllocation[]>> {
    return attempt(() => this.stock.all());
  }

  createVm(spec: VmSpec): Promise<VmInfo> {
    return attempt(() => {
      // A real VIM boots the VNF at instantiation (Tacker creates and starts the
      // servers); the lab creates it stopped, so the VNF's boot-time license check
      // runs here, and a bad license fails instantiation with the VNF's reason.
      const license = checkLicense(spec.vnf);
      if (!license.ok) throw new HostError('LICENSE_INVALID', license.reason, { vmId: spec.vmId });
      return this.newVm(spec).info(this.name, this.stock.of(spec.vmId));
    });
  }

  async startVm(vmId: string): Promise<VmInfo> {
    const vm = this.vm(vmId);
    switch (vm.state) {
      case 'RUNNING':
        break;
      case 'PAUSED':
        if (vm.migratedAway) throw this.invalid(vm, 'start', 'its memory was migrated to another host');
        vm.vnf.resume();
        vm.state = 'RUNNING';
        break;
      case 'CREATED':
      case 'STOPPED':
      case 'ERROR': {
        if (vm.migratedAway) throw this.invalid(vm, 'start', 'its memory was migrated to another host');
        await vm.vnf.open();
        const started = vm.vnf.start();
        if (!started.ok) {
          await vm.vnf.close();
          vm.state = 'ERROR';
          vm.error = started.reason;
          throw new HostError('LICENSE_INVALID', started.reason, { vmId });
        }
        vm.state = 'RUNNING';
        vm.error = undefined;
        break;
      }
      default:
        throw this.invalid(vm, 'start');
    }
    return vm.info(this.name, this.stock.of(vmId));
  }

  async stopVm(vmId: string): Promise<VmInfo> {
    const vm = this.vm(vmId);
    if (vm.state === 'MIGRATING_OUT' || vm.state === 'INCOMING') throw this.invalid(vm, 'stop');
    await vm.vnf.close();
    vm.state = 'STOPPED';
    return vm.info(this.name, this.stock.of(vmId));
  }

  async destroyVm(vmId: string): Promise<void> {
    const vm = this.vms.get(vmId);
    if (vm === undefined) return;
    if (vm.outgoing !== null) {
      vm.outgoing.migration.cancel('VM destroyed');
      await vm.outgoing.done;
    }
    if (vm.moving !== null) {
      vm.moving.cancel('VM destroyed');
      await vm.moving.done;
    }
    vm.incoming?.abort('VM destroyed on the destination');
    this.vms.delete(vmId);
    this.stock.release(vmId);
    await vm.vnf.destroy();
  }

  getVm(vmId: string): Promise<VmInfo | null> {
    return attempt(() => this.vms.get(vmId)?.info(this.name, this.stock.of(vmId)) ?? null);
  }

  async prepareIncoming(spec: VmSpec): Promise<{ migrationEndpoint: Endpoint; vm: VmInfo }> {
    const vm = this.newVm(spec);
    vm.state = 'INCOMING';
    try {
      await vm.vnf.open();
      const incoming = await IncomingMigration.listen({
        vmId: vm.vmId,
        memory: vm.memory,
        vnf: vm.vnf,
        onArrived: (resumedAtNs) => {
          vm.state = resumedAtNs === null ? 'STOPPED' : 'RUNNING';
          if (resumedAtNs === null) void vm.vnf.close();
        },
      });
      vm.incoming = incoming;
      this.incomingResults.set(vm.vmId, incoming.result);
      void incoming.result
        .then(async (r) => {
          if (vm.incoming === incoming) vm.incoming = null;
          // A failed incoming migration frees what it held here.
          if (!r.ok && this.vms.get(vm.vmId) === vm) await this.destroyVm(vm.vmId);
        })
        .catch((err: unknown) =>
          console.error(`host ${this.name}: freeing failed incoming VM ${vm.vmId}:`, err),
        );
      return { migrationEndpoint: incoming.endpoint, vm: vm.info(this.name, this.stock.of(vm.vmId)) };
    } catch (err) {
      await this.destroyVm(vm.vmId);
      throw err;
    }
  }

  waitIncoming(vmId: string): Promise<IncomingResult> {
    const result = this.incomingResults.get(vmId);
    if (result !== undefined) return result;
    return Promise.reject(
      new HostError('VM_NOT_FOUND', `no incoming migration of ${vmId} on ${this.name}`, { vmId }),
    );
  }

  async migrateOut(
    vmId: string,
    params: MigrationParams,
    onProgress: (p: MigrationProgress) => void,
  ): Promise<SourceMigrationResult> {
    validateMigrationParams(params);
    const vm = this.vm(vmId);
    const movable =
      params.mode === 'live' ? vm.state === 'RUNNING' : ['RUNNING', 'STOPPED', 'CREATED'].includes(vm.state);
    if (!movable || vm.migratedAway || vm.moving !== null) throw this.invalid(vm, `migrate (${params.mode})`);
    const migration = new OutgoingMigration({
      vmId,
      memory: vm.memory,
      vnf: vm.vnf,
      params,
      specializedNics: vm.spec.specializedNics ?? 0,
      onProgress,
    });
    const before = vm.state;
    vm.state = 'MIGRATING_OUT';
    const done = migration.run();
    vm.outgoing = { migration, done };
    const result = await done;
    vm.outgoing = null;
    if (result.ok) {
      vm.migratedAway = true;
      vm.state = params.mode === 'live' ? 'PAUSED' : 'STOPPED';
    } else {
      vm.state = vm.vnf.runState === 'running' ? 'RUNNING' : before;
    }
    return result;
  }

  async cancelMigration(vmId: string): Promise<void> {
    const vm = this.vm(vmId);
    if (vm.moving !== null) {
      vm.moving.cancel('migration cancelled');
      await vm.moving.done;
    }
    const outgoing = vm.outgoing;
    if (outgoing === null) return;
    outgoing.migration.cancel();
    await outgoing.done;
  }

  /**
   * Move one vResource of a running VM within this host (see
   * VResourceMoveRequest). Refusals that leave nothing changed (no free
   * cores, no other pool with room, no movable NIC) are results with
   * ok=false, as is a cancelled or failed mirror.
   */
  async moveVResource(
    vmId: string,
    req: VResourceMoveRequest,
    onProgress?: (p: MigrationProgress) => void,
  ): Promise<VResourceMoveResult> {
    const vm = this.vm(vmId);
    if (vm.state !== 'RUNNING' || vm.moving !== null || vm.outgoing !== null)
      throw this.invalid(
        vm,
        `move its ${req.kind}`,
        vm.moving !== null ? 'another move is under way' : undefined,
      );
    const startedAtNs = monoNs();
    const base = {
      kind: req.kind,
      startedAtNs: startedAtNs.toString(),
      rounds: 0,
      bytesTransferred: 0,
      dataVerified: null,
      dataDigest: null,
      pausedAtNs: null,
      resumedAtNs: null,
    };
    const refused = (e: unknown): VResourceMoveResult => ({
      ...base,
      ok: false,
      reason: e instanceof Error ? e.message : String(e),
      released: [],
      added: [],
      before: {},
      after: {},
      completedAtNs: monoNs().toString(),
    });
    switch (req.kind) {
      case 'vCPU': {
        // Re-pinning does not stop the VNF (virsh vcpupin on a running domain).
        let moved;
        try {
          moved = this.stock.repin(vmId);
        } catch (e) {
          return refused(e);
        }
        return {
          ...base,
          ok: true,
          released: [moved.released],
          added: [moved.added],
          before: { pinnedCores: moved.released.pinnedCores ?? [] },
          after: { pinnedCores: moved.added.pinnedCores ?? [] },
          completedAtNs: monoNs().toString(),
        };
      }
      case 'vNIC': {
        let moved;
        try {
          moved = this.stock.replaceNic(vmId);
        } catch (e) {
          return refused(e);
        }
        const port = await vm.vnf.replaceDataPort();
        return {
          ...base,
          ok: true,
          released: [moved.released],
          added: [moved.added],
          before: { dataEndpoint: port.before },
          after: { dataEndpoint: port.after },
          pausedAtNs: port.unpluggedAtNs.toString(),
          resumedAtNs: port.announcedAtNs.toString(),
          completedAtNs: monoNs().toString(),
        };
      }
      case 'vStorage':
        return this.moveVolume(vm, req, base, refused, onProgress);
    }
  }

  private async moveVolume(
    vm: Vm,
    req: VResourceMoveRequest,
    base: Omit<VResourceMoveResult, 'ok' | 'released' | 'added' | 'before' | 'after' | 'completedAtNs'>,
    refused: (e: unknown) => VResourceMoveResult,
    onProgress?: (p: MigrationProgress) => void,
  ): Promise<VResourceMoveResult> {
    const source = vm.vnf.volume;
    if (source === null)
      return refused(
        new HostError('INVALID_SPEC', `VM ${vm.vmId} has no volume (flavor storage 0 GiB)`, {
          vmId: vm.vmId,
        }),
      );
    let claim;
    try {
      claim = this.stock.claimOtherPool(vm.vmId);
    } catch (e) {
      return refused(e);
    }
    const target = new Volume(claim.added.pool ?? '', source.sizeGiB);
    const mirror = new VolumeMirror({
      source,
      target,
      bandwidthBytesPerSec: req.bandwidthBytesPerSec,
      downtimeLimitMs: req.downtimeLimitMs,
      maxRounds: req.maxRounds,
      pivot: (v) => vm.vnf.pivotVolume(v),
      ...(onProgress === undefined ? {} : { onProgress }),
    });
    const done = mirror.run();
    vm.moving = { cancel: (why) => mirror.cancel(why), done };
    const r = await done.finally(() => (vm.moving = null));
    // Keep the allocation of the copy the VNF uses; free the other.
    this.stock.drop(vm.vmId, r.ok ? claim.current.id : claim.added.id);
    const verified =
      r.sourceDigest !== null && r.targetDigest !== null ? r.sourceDigest === r.targetDigest : null;
    return {
      ...base,
      ok: r.ok,
      ...(r.reason === undefined ? {} : { reason: r.reason }),
      released: r.ok ? [claim.current] : [],
      added: r.ok ? [claim.added] : [],
      before: { pool: source.pool, allocatedBlocks: source.allocatedBlockCount },
      after: r.ok
        ? { pool: target.pool, allocatedBlocks: target.allocatedBlockCount }
        : { pool: source.pool },
      pausedAtNs: r.pausedAtNs?.toString() ?? null,
      resumedAtNs: r.resumedAtNs?.toString() ?? null,
      rounds: r.rounds,
      bytesTransferred: r.bytesTransferred,
      dataVerified: verified,
      dataDigest: r.targetDigest,
      completedAtNs: monoNs().toString(),
    };
  }

  async firstForwardAfter(vmId: string, afterNs: string, timeoutMs: number): Promise<string | null> {
    const ns = await this.vm(vmId).vnf.forwardLog.waitFirstAfter(BigInt(afterNs), timeoutMs);
    return ns === null ? null : ns.toString();
  }

  /** Destroy every VM and close the host's sockets. */
  async close(): Promise<void> {
    await Promise.all([...this.vms.keys()].map((id) => this.destroyVm(id)));
    await this.announcer.close();
  }

  private newVm(spec: VmSpec): Vm {
    validateVnfBoot(spec.vnf);
    if (this.vms.has(spec.vmId))
      throw new HostError('VM_EXISTS', `VM ${spec.vmId} already exists on ${this.name}`, { vmId: spec.vmId });
    const allocations = this.stock.allocate(spec.vmId, spec);
    let memory: GuestMemory;
    try {
      memory = new GuestMemory(spec.memoryMiB);
    } catch (err) {
      this.stock.release(spec.vmId);
      throw new HostError(
        'INTERNAL',
        `cannot allocate ${spec.memoryMiB} MiB of guest memory`,
        { vmId: spec.vmId },
        { cause: err },
      );
    }
    const pool = allocations.find((a) => a.kind === 'vStorage')?.pool;
    const volume = spec.storageGiB > 0 && pool !== undefined ? new Volume(pool, spec.storageGiB) : null;
    const vnf = new Vnf(
      spec.vmId,
      memory,
      spec.vnf,
      (vmId, endpoint, management) => this.announcer.announce(vmId, endpoint, management),
      volume,
    );
    const vm = new Vm(spec, memory, vnf);
    this.vms.set(spec.vmId, vm);
    this.incomingResults.delete(spec.vmId);
    return vm;
  }

  private vm(vmId: string): Vm {
    const vm = this.vms.get(vmId);
    if (vm === undefined)
      throw new HostError('VM_NOT_FOUND', `no VM ${vmId} on ${this.name}`, { vmId, host: this.name });
    return vm;
  }

  private invalid(vm: Vm, action: string, why?: string): HostError {
    return new HostError(
      'INVALID_STATE',
      `cannot ${action} VM ${vm.vmId} in state ${vm.state}${why === undefined ? '' : `: ${why}`}`,
      {
        vmId: vm.vmId,
        state: vm.state,
      },
    );
  }
}

/** Run `fn` and turn a throw into a rejection. */
function attempt<T>(fn: () => T): Promise<T> {
  return new Promise((resolve) => resolve(fn()));
}
