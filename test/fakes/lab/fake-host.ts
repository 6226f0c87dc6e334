/**
 * In-memory ComputeHost and Fabric for unit tests of the VIM: no processes,
 * no sockets, no guest memory. A migration is simulated as timed pre-copy
 * rounds with progress, a short pause and a switch-over, and can be made to
 * fail (at prepare, during transfer, at the destination) or to deliver a
 * different memory digest. Endpoint ports are labels, not bound sockets.
 * Refusals are HostErrors with the codes every ComputeHost uses (the
 * ComputeHost contract, test/contracts/compute-host.contract.ts).
 */
import { createHash, randomUUID } from 'node:crypto';
import { HostError } from '../../../src/lab/hypervisor/process/errors.js';
import { monoNs, sleep } from '../../../src/util/clock.js';
import type { Endpoint } from '../../../src/util/outcome.js';
import { FakeFabric } from './fake-fabric.js';
import type {
  ComputeHost,
  HostCapacity,
  IncomingResult,
  MigrationParams,
  MigrationProgress,
  SourceMigrationResult,
  VResourceAllocation,
  VResourceMoveRequest,
  VResourceMoveResult,
  VmInfo,
  VmSpec,
  VmState,
} from '../../../src/lab/hypervisor/hypervisor.js';

const MIB = 1024 * 1024;

/** How simulated migrations behave. */
export interface FakeMigrationBehaviour {
  /** Pre-copy rounds before stop-and-copy. */
  readonly rounds: number;
  /** Time per round, ms (progress is reported once per round). */
  readonly roundDelayMs: number;
  /** Stop-and-copy pause, ms. */
  readonly pauseMs: number;
  /** When set, the destination "forwards" this long after resuming; else no traffic (null). */
  readonly forwardDelayMs: number | null;
}

/** A one-shot fault for the next migration. */
export interface FakeMigrationFault {
  /**
   * prepare: prepareIncoming throws; transfer: the source gives up half-way;
   * incoming: the destination fails to resume, which fails the source side
   * (it runs again, as on a process host); corrupt-memory: the digests differ.
   */
  readonly at: 'prepare' | 'transfer' | 'incoming' | 'corrupt-memory';
  readonly reason: string;
}

interface FakeVm {
  spec: VmSpec;
  state: VmState;
  allocations: VResourceAllocation[];
  dataEndpoint: Endpoint;
  resumedAtNs: bigint | null;
  /** Its memory went to another host: it may not run here again. */
  migratedAway: boolean;
  cancelRequested: boolean;
  incoming: Deferred<IncomingResult> | null;
}

interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
}

/** Run `fn` so that a throw becomes a rejected promise, as an async host would behave. */
function settle<T>(fn: () => T): Promise<T> {
  return new Promise<T>((resolve) => resolve(fn()));
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** The shared state of one fake lab: its hosts find each other by migration endpoint. */
export class FakeLab {
  readonly hosts: FakeComputeHost[] = [];
  readonly fabric = new FakeFabric();
  behaviour: FakeMigrationBehaviour = { rounds: 3, roundDelayMs: 5, pauseMs: 2, forwardDelayMs: null };
  /** Overrides for the next migration only (taken when the destination prepares). */
  next: { behaviour?: Partial<FakeMigrationBehaviour>; fault?: FakeMigrationFault } = {};
  private nextPort = 49_152;
  /** Migration endpoint port -> (destination host, vm id, behaviour and fault of that migration). */
  readonly listeners = new Map<
    number,
    { host: FakeComputeHost; vmId: string; behaviour: FakeMigrationBehaviour; fault?: FakeMigrationFault }
  >();

  addHost(name: string, capacity: HostCapacity): FakeComputeHost {
    const host = new FakeComputeHost(name, capacity, this);
    this.hosts.push(host);
    return host;
  }

  allocatePort(): number {
    return this.nextPort++;
  }
}

export { FakeFabric } from './fake-fabric.js';

/** Build a fake lab with the given hosts. */
export function createFakeLab(hosts: readonly { name: string; capacity: HostCapacity }[]): FakeLab {
  const lab = new FakeLab();
  for (const h of hosts) lab.addHost(h.name, h.capacity);
  return lab;
}

/** Allocations of one VM: one per vCPU set, memory, storage, and one per NIC. */
function allocate(spec: VmSpec): VResourceAllocation[] {
  const id = (): string => `alloc-${randomUUID()}`;
  const nics = Array.from({ length: spec.nics }, (_, i): VResourceAllocation => {
    const specialized = i < (spec.specializedNics ?? 0);
    return { id: id(), kind: 'vNIC', amount: 1, unit: 'count', ...(specialized ? { specialized } : {}) };
  });
  return [
    { id: id(), kind: 'vCPU', amount: spec.vCpu, unit: 'count' },
    { id: id(), kind: 'vMemory', amount: spec.memoryMiB, unit: 'MiB' },
    { id: id(), kind: 'vStorage', amount: spec.storageGiB, unit: 'GiB' },
    ...nics,
  ];
}

function digestOf(vmId: string, salt = ''): string {
  return createHash('sha256').update(`${vmId}:guest-memory${salt}`).digest('hex');
}

export class FakeComputeHost implements ComputeHost {
  private readonly vms = new Map<string, FakeVm>();
  private down = false;

  constructor(
    readonly name: string,
    readonly capacity: HostCapacity,
    private readonly lab: FakeLab,
  ) {}

  inventory(): Promise<Record<string, readonly VResourceAllocation[]>> {
    return settle(() => {
      this.assertUp();
      return Object.fromEntries([...this.vms].map(([id, vm]) => [id, [...vm.allocations]]));
    });
  }

  createVm(spec: VmSpec): Promise<VmInfo> {
    return settle(() => this.info(this.add(spec, 'CREATED')));
  }

  startVm(vmId: string): Promise<VmInfo> {
    return settle(() => {
      const vm = this.vm(vmId);
      if (vm.state === 'INCOMING' || vm.state === 'MIGRATING_OUT' || vm.state === 'ERROR')
        throw this.invalid(vm, 'start');
      if (vm.migratedAway) throw this.invalid(vm, 'start', 'its memory was migrated to another host');
      vm.state = 'RUNNING';
      this.lab.fabric.learn(vmId, vm.dataEndpoint);
      return this.info(vm);
    });
  }

  stopVm(vmId: string): Promise<VmInfo> {
    return settle(() => {
      const vm = this.vm(vmId);
      if (vm.state === 'MIGRATING_OUT' || vm.state === 'INCOMING') throw this.invalid(vm, 'stop');
      vm.state = 'STOPPED';
      return this.info(vm);
    });
  }

  destroyVm(vmId: string): Promise<void> {
    this.vms.delete(vmId);
    return Promise.resolve();
  }

  getVm(vmId: string): Promise<VmInfo | null> {
    const vm = this.vms.get(vmId);
    return Promise.resolve(vm === undefined ? null : this.info(vm));
  }

  async prepareIncoming(spec: VmSpec): Promise<{ migrationEndpoint: Endpoint; vm: VmInfo }> {
    const { behaviour, fault } = this.lab.next;
    this.lab.next = {};
    if (fault?.at === 'prepare') throw new Error(fault.reason);
    const vm = this.add(spec, 'INCOMING');
    vm.incoming = deferred();
    const port = this.lab.allocatePort();
    this.lab.listeners.set(port, {
      host: this,
      vmId: spec.vmId,
      behaviour: { ...this.lab.behaviour, ...behaviour },
      ...(fault === undefined ? {} : { fault }),
    });
    await sleep(1);
    return { migrationEndpoint: { host: '127.0.0.1', port }, vm: this.info(vm) };
  }

  async migrateOut(
    vmId: string,
    params: MigrationParams,
    onProgress?: (p: MigrationProgress) => void,
  ): Promise<SourceMigrationResult> {
    await Promise.resolve();
    const vm = this.vm(vmId);
    const target = this.lab.listeners.get(params.dest.port);
    if (target === undefined)
      throw new Error(`no migration listener at ${params.dest.host}:${params.dest.port}`);
    this.lab.listeners.delete(params.dest.port);
    const { fault } = target;
    const wasRunning = vm.state === 'RUNNING';
    const before = vm.state;
    const movable =
      params.mode === 'live' ? wasRunning : ['RUNNING', 'STOPPED', 'CREATED'].includes(vm.state);
    if (!movable || vm.migratedAway) throw this.invalid(vm, `migrate (${params.mode})`);
    // Offline: the VNF stops first and every page goes once (one round).
    const offline = params.mode === 'offline';
    const behaviour = offline ? { ...target.behaviour, rounds: 1 } : target.behaviour;
    const startedAtNs = monoNs();
    const stoppedAtNs = offline && wasRunning ? startedAtNs : null;
    const totalBytes = vm.spec.memoryMiB * MIB;
    vm.state = offline ? 'STOPPED' : 'MIGRATING_OUT';
    let transferredBytes = 0;
    const result = (ok: boolean, rounds: number, pausedAtNs: bigint | null, reason?: string) => ({
      ok,
      ...(reason === undefined ? {} : { reason }),
      rounds,
      bytesTransferred: transferredBytes,
      pagesTransferred: Math.ceil(transferredBytes / 4096),
      startedAtNs: String(startedAtNs),
      pausedAtNs: pausedAtNs === null ? null : String(pausedAtNs),
      completedAtNs: String(monoNs()),
      memoryDigest: ok ? digestOf(vmId) : null,
    });
    const giveUp = (rounds: number, reason: string): SourceMigrationResult => {
      vm.state = before;
      vm.cancelRequested = false;
      target.host.failIncoming(target.vmId, `source gave up: ${reason}`);
      return result(false, rounds, null, reason);
    };
    for (let round = 1; round <= behaviour.rounds; round++) {
      await sleep(behaviour.roundDelayMs);
      if (vm.cancelRequested) return giveUp(round, 'migration cancelled');
      if (fault?.at === 'transfer' && round === Math.ceil(behaviour.rounds / 2))
        return giveUp(round, fault.reason);
      // Each round resends a shrinking dirty set: half of what remained (nothing dirties a stopped VM).
      const remaining = offline ? 0 : Math.floor(totalBytes / 2 ** round);
      transferredBytes += round === 1 ? totalBytes - remaining : remaining;
      onProgress?.({ round, totalBytes, transferredBytes, remainingBytes: remaining, dirtyPagesRate: 0 });
    }
    const pausedAtNs = offline ? stoppedAtNs : monoNs();
    if (!offline) vm.state = 'PAUSED';
    vm.cancelRequested = false;
    await sleep(behaviour.pauseMs);
    if (!offline) transferredBytes += Math.floor(totalBytes / 2 ** behaviour.rounds);
    if (fault?.at === 'incoming') {
      // As on a process host: the destination's failure to resume fails the source side,
      // and the source runs again (it never handed its memory over).
      target.host.failIncoming(target.vmId, fault.reason);
      vm.state = before;
      return result(false, behaviour.rounds, pausedAtNs, `destination failed: ${fault.reason}`);
    }
    vm.migratedAway = true;
    target.host.completeIncoming(target.vmId, wasRunning, fault);
    return result(true, behaviour.rounds, pausedAtNs);
  }

  /**
   * A single-vResource move within this host: the next migration's
   * behaviour (rounds x roundDelayMs) and fault ('transfer') apply; on
   * success the moved kind's allocations get new ids.
   */
  async moveVResource(
    vmId: string,
    req: VResourceMoveRequest,
    onProgress?: (p: MigrationProgress) => void,
  ): Promise<VResourceMoveResult> {
    const { behaviour: over, fault } = this.lab.next;
    this.lab.next = {};
    const behaviour = { ...this.lab.behaviour, ...over };
    const vm = this.vm(vmId);
    if (vm.state !== 'RUNNING') throw this.invalid(vm, `move its ${req.kind}`);
    const startedAtNs = String(monoNs());
    const base = {
      kind: req.kind,
      startedAtNs,
      rounds: 0,
      bytesTransferred: 0,
      dataVerified: null,
      dataDigest: null,
      pausedAtNs: null,
      resumedAtNs: null,
      before: {},
      after: {},
    };
    const failed = (reason: string): VResourceMoveResult => {
      vm.cancelRequested = false;
      return { ...base, ok: false, reason, released: [], added: [], completedAtNs: String(monoNs()) };
    };
    for (let round = 1; round <= behaviour.rounds; round++) {
      await sleep(behaviour.roundDelayMs);
      if (vm.cancelRequested) return failed('migration cancelled');
      if (fault?.at === 'transfer' && round === Math.ceil(behaviour.rounds / 2)) return failed(fault.reason);
      onProgress?.({ round, totalBytes: 1, transferredBytes: 1, remainingBytes: 0, dirtyPagesRate: 0 });
    }
    const released = vm.allocations.filter((a) => a.kind === req.kind && a.specialized !== true).slice(0, 1);
    const added = released.map((a) => ({ ...a, id: `alloc-${randomUUID()}` }));
    vm.allocations = vm.allocations.map((a) => (a === released[0] && added[0] !== undefined ? added[0] : a));
    return {
      ...base,
      ok: released.length > 0,
      ...(released.length > 0 ? {} : { reason: `VM ${vmId} has no movable ${req.kind}` }),
      rounds: behaviour.rounds,
      released,
      added,
      completedAtNs: String(monoNs()),
    };
  }

  cancelMigration(vmId: string): Promise<void> {
    return settle(() => {
      this.vm(vmId).cancelRequested = true;
    });
  }

  waitIncoming(vmId: string): Promise<IncomingResult> {
    return settle(() => this.vm(vmId).incoming).then((incoming) => {
      if (incoming === null)
        throw new HostError('VM_NOT_FOUND', `no incoming migration of ${vmId} on ${this.name}`, { vmId });
      return incoming.promise;
    });
  }

  firstForwardAfter(vmId: string, afterNs: string, _timeoutMs: number): Promise<string | null> {
    const vm = this.vms.get(vmId);
    const delayMs = this.lab.behaviour.forwardDelayMs;
    if (vm?.resumedAtNs == null || delayMs === null) return Promise.resolve(null);
    const at = vm.resumedAtNs + BigInt(Math.round(delayMs * 1e6));
    return Promise.resolve(at > BigInt(afterNs) ? String(at) : null);
  }

  shutdown(): Promise<void> {
    this.vms.clear();
    this.down = true;
    return Promise.resolve();
  }

  /** Destination side of a successful transfer: the VM runs if it ran on the source. */
  completeIncoming(vmId: string, running: boolean, fault?: FakeMigrationFault): void {
    const vm = this.vms.get(vmId);
    if (vm?.incoming == null) return;
    vm.state = running ? 'RUNNING' : 'STOPPED';
    vm.resumedAtNs = running ? monoNs() : null;
    if (running) this.lab.fabric.learn(vmId, vm.dataEndpoint);
    const salt = fault?.at === 'corrupt-memory' ? ':corrupt' : '';
    vm.incoming.resolve({
      vmId,
      ok: true,
      resumedAtNs: vm.resumedAtNs === null ? null : String(vm.resumedAtNs),
      memoryDigest: digestOf(vmId, salt),
    });
  }

  failIncoming(vmId: string, reason: string): void {
    const vm = this.vms.get(vmId);
    if (vm?.incoming == null) return;
    vm.state = 'ERROR';
    vm.incoming.resolve({ vmId, ok: false, reason, resumedAtNs: null, memoryDigest: null });
  }

  private add(spec: VmSpec, state: VmState): FakeVm {
    this.assertUp();
    if (this.vms.has(spec.vmId))
      throw new HostError('VM_EXISTS', `VM ${spec.vmId} already exists on ${this.name}`, { vmId: spec.vmId });
    const used = this.used();
    const fits =
      used.vCpu + spec.vCpu <= this.capacity.vCpu &&
      used.memoryMiB + spec.memoryMiB <= this.capacity.memoryMiB &&
      used.storageGiB + spec.storageGiB <= this.capacity.storageGiB &&
      used.nics + spec.nics <= this.capacity.nics;
    if (!fits)
      throw new HostError(
        'CAPACITY_EXCEEDED',
        `host ${this.name} has not enough capacity for VM ${spec.vmId}`,
        {
          vmId: spec.vmId,
        },
      );
    const vm: FakeVm = {
      spec,
      state,
      allocations: allocate(spec),
      dataEndpoint: { host: '127.0.0.1', port: this.lab.allocatePort() },
      resumedAtNs: null,
      migratedAway: false,
      cancelRequested: false,
      incoming: null,
    };
    this.vms.set(spec.vmId, vm);
    return vm;
  }

  private used(): HostCapacity {
    const sum = { vCpu: 0, memoryMiB: 0, storageGiB: 0, nics: 0 };
    for (const vm of this.vms.values()) {
      sum.vCpu += vm.spec.vCpu;
      sum.memoryMiB += vm.spec.memoryMiB;
      sum.storageGiB += vm.spec.storageGiB;
      sum.nics += vm.spec.nics;
    }
    return sum;
  }

  private vm(vmId: string): FakeVm {
    this.assertUp();
    const vm = this.vms.get(vmId);
    if (vm === undefined) throw new HostError('VM_NOT_FOUND', `no VM ${vmId} on ${this.name}`, { vmId });
    return vm;
  }

  private invalid(vm: FakeVm, action: string, why?: string): HostError {
    const vmId = vm.spec.vmId;
    return new HostError(
      'INVALID_STATE',
      `cannot ${action} VM ${vmId} in state ${vm.state}${why === undefined ? '' : `: ${why}`}`,
      { vmId, state: vm.state },
    );
  }

  private assertUp(): void {
    if (this.down) throw new HostError('HOST_GONE', `host ${this.name} is shut down`, { host: this.name });
  }

  private info(vm: FakeVm): VmInfo {
    return {
      vmId: vm.spec.vmId,
      host: this.name,
      state: vm.state,
      allocations: [...vm.allocations],
      dataEndpoint: vm.dataEndpoint,
      counters: { received: 0, forwarded: 0, droppedWhilePaused: 0 },
    };
  }
}
