/**
 * In-memory fakes of the ports for runner tests: they keep just enough state
 * to answer like a VNFM / VIM / traffic generator, journal every call, and
 * let a test inject a failure into any call.
 */
import type { ElementManager } from '../../src/ports/element-manager.js';
import type {
  MigrationHandle,
  MigrationStatus,
  Migrator,
  MigrationSubject,
} from '../../src/ports/migrator.js';
import type {
  Disruption,
  LoadLevel,
  Traffic,
  TrafficParams,
  TrafficTotals,
  WindowStats,
} from '../../src/ports/traffic.js';
import type { VnfConfigurator } from '../../src/ports/vnf-configurator.js';
import type {
  LcmOperation,
  VResource,
  VnfRecord,
  Vnfm,
  VnfStateReport,
  VnfdResources,
} from '../../src/ports/vnfm.js';
import type { CleanupStack } from '../../src/runner/cleanup-stack.js';
import type { RunEnvironment } from '../../src/compose/environment.js';
import { monoMs } from '../../src/util/clock.js';
import { ok } from '../../src/util/outcome.js';

/** A failure to inject: throw, or answer with a value that means failure. */
export type Injection = { throws: string } | { answer: unknown };

export class Journal {
  readonly calls: string[] = [];
  readonly injections = new Map<string, Injection>();
  /** Return the injected answer for `call`, throw the injected error, or undefined. */
  hit(call: string): { answer: unknown } | undefined {
    this.calls.push(call);
    const inj = this.injections.get(call);
    if (!inj) return undefined;
    if ('throws' in inj) throw new Error(inj.throws);
    return { answer: inj.answer };
  }
}

const VNFD: VnfdResources = {
  vnfdId: 'vnfd-vnflab-udp-fwd',
  flavourId: 'default',
  vdus: [
    {
      vduId: 'fwd',
      swImageId: 'sw-vnflab-udp-fwd-1.0',
      vCpu: 1,
      memoryMiB: 128,
      storageGiB: 1,
      nics: 2,
      migration: 'LIVE',
    },
  ],
};

const resourcesOn = (host: string, gen: number): VResource[] =>
  (['vCPU', 'vMemory', 'vStorage', 'vNIC'] as const).map((kind) => ({
    id: `${host}-${kind}-${gen}`,
    kind,
    amount: { vCPU: 1, vMemory: 128, vStorage: 1, vNIC: 2 }[kind],
    unit: kind === 'vMemory' ? 'MiB' : kind === 'vStorage' ? 'GiB' : 'count',
    host,
    vnfcId: 'vnfc-1',
    computeResourceId: 'server-1',
  }));

export class FakeLab {
  readonly journal = new Journal();
  instantiated = false;
  started = false;
  recordExists = false;
  host = 'compute-1';
  resources: VResource[] = [];
  allocated = new Set<string>();
  trafficRunning = false;
}

export class FakeVnfm implements Vnfm {
  readonly name = 'fake-vnfm';
  constructor(readonly lab: FakeLab) {}
  #op(operation: LcmOperation['operation']): LcmOperation {
    return { id: `op-${this.lab.journal.calls.length}`, operation, state: 'COMPLETED' };
  }
  async createVnfRecord(req: { vnfdId: string; vnfInstanceName: string }): Promise<VnfRecord> {
    this.lab.journal.hit('vnfm.createVnfRecord');
    this.lab.recordExists = true;
    return { vnfInstanceId: 'vnf-1', vnfdId: req.vnfdId, vnfInstanceName: req.vnfInstanceName };
  }
  async instantiate(): Promise<LcmOperation> {
    this.lab.journal.hit('vnfm.instantiate');
    this.lab.instantiated = true;
    this.lab.resources = resourcesOn(this.lab.host, 1);
    for (const r of this.lab.resources) this.lab.allocated.add(r.id);
    return this.#op('INSTANTIATE');
  }
  async start(): Promise<LcmOperation> {
    this.lab.journal.hit('vnfm.start');
    this.lab.started = true;
    return this.#op('OPERATE');
  }
  async stop(): Promise<LcmOperation> {
    this.lab.journal.hit('vnfm.stop');
    this.lab.started = false;
    return this.#op('OPERATE');
  }
  async terminate(): Promise<LcmOperation> {
    this.lab.journal.hit('vnfm.terminate');
    this.lab.instantiated = false;
    this.lab.started = false;
    for (const r of this.lab.resources) this.lab.allocated.delete(r.id);
    this.lab.resources = [];
    return this.#op('TERMINATE');
  }
  async deleteVnfRecord(): Promise<void> {
    this.lab.journal.hit('vnfm.deleteVnfRecord');
    this.lab.recordExists = false;
  }
  async getLcmOperation(id: string): Promise<LcmOperation> {
    return { id, operation: 'INSTANTIATE', state: 'COMPLETED' };
  }
  async getVnfState(): Promise<VnfStateReport> {
    const injected = this.lab.journal.hit(
      `vnfm.getVnfState.${this.lab.started ? 'started' : this.lab.instantiated ? 'stopped' : 'none'}`,
    );
    if (injected) return injected.answer as VnfStateReport;
    if (!this.lab.instantiated) return { state: 'NOT_INSTANTIATED', instantiationState: 'NOT_INSTANTIATED' };
    return this.lab.started
      ? { state: 'ACTIVE', instantiationState: 'INSTANTIATED', vnfState: 'STARTED' }
      : { state: 'INACTIVE', instantiationState: 'INSTANTIATED', vnfState: 'STOPPED' };
  }
  async getVResourceList(): Promise<VResource[]> {
    return [...this.lab.resources];
  }
  async getVnfdVResourceList(): Promise<VnfdResources> {
    return VNFD;
  }
  async getDataPlane(): Promise<{ ingress: { host: string; port: number } }> {
    return { ingress: { host: '127.0.0.1', port: 9 } };
  }
  async close(): Promise<void> {}
}

export class FakeMigrator implements Migrator {
  readonly name = 'fake-migrator';
  #polls = 0;
  constructor(readonly lab: FakeLab) {}
  async getMigrationType(): Promise<{ type: 'LIVE_MIGRATION'; reason: string }> {
    const injected = this.lab.journal.hit('migrator.getMigrationType');
    if (injected) return injected.answer as { type: 'LIVE_MIGRATION'; reason: string };
    return { type: 'LIVE_MIGRATION', reason: 'fake' };
  }
  async triggerMigration(subject: MigrationSubject): Promise<MigrationHandle> {
    this.lab.journal.hit('migrator.triggerMigration');
    return { id: 'mig-1', subject, vResourceType: 'vMemory', type: 'LIVE_MIGRATION' };
  }
  async validateMigrationSuccess(): Promise<MigrationStatus> {
    const injected = this.lab.journal.hit('migrator.validateMigrationSuccess');
    if (injected) return injected.answer as MigrationStatus;
    if (++this.#polls < 2) return { state: 'IN_PROGRESS' };
    // The move: new allocations on the other host, the old ones freed.
    for (const r of this.lab.resources) this.lab.allocated.delete(r.id);
    this.lab.host = 'compute-2';
    this.lab.resources = resourcesOn(this.lab.host, 2);
    for (const r of this.lab.resources) this.lab.allocated.add(r.id);
    return { state: 'COMPLETED' };
  }
  async getMigrationReport(): Promise<import('../../src/ports/migrator.js').MigrationReport> {
    return {
      type: 'LIVE',
      fromHost: 'compute-1',
      toHost: 'compute-2',
      downtimeMs: 5,
      totalTimeMs: 100,
      bytesTransferred: 1,
      rounds: 2,
    };
  }
  async abortMigration(): Promise<void> {
    this.lab.journal.hit('migrator.abortMigration');
  }
  async findAllocatedVResources(ids: readonly string[]): Promise<string[]> {
    return ids.filter((id) => this.lab.allocated.has(id));
  }
  async close(): Promise<void> {}
}

export class FakeTraffic implements Traffic {
  readonly name = 'fake-traffic';
  #window: WindowStats | null = null;
  readonly #closed: WindowStats[] = [];
  constructor(readonly lab: FakeLab) {}
  #open(name: string): WindowStats {
    return {
      name,
      openedAtMs: monoMs(),
      closedAtMs: null,
      sent: 100,
      received: 100,
      lost: 0,
      duplicated: 0,
      reordered: 0,
      offeredRateHz: 10_000,
    };
  }
  async prepare(): Promise<{ sink: { host: string; port: number } }> {
    return { sink: { host: '127.0.0.1', port: 9 } };
  }
  async configTrafficLoad(_level: LoadLevel, _params: TrafficParams): Promise<void> {
    this.lab.journal.hit('traffic.configTrafficLoad');
  }
  async startTraffic(name = 'first'): Promise<void> {
    this.lab.journal.hit('traffic.startTraffic');
    this.lab.trafficRunning = true;
    this.#window = this.#open(name);
  }
  async doesTrafficFlow(): Promise<boolean> {
    return this.lab.trafficRunning;
  }
  async anyTrafficLoss(): Promise<boolean> {
    const injected = this.lab.journal.hit(`traffic.anyTrafficLoss.${this.#window?.name ?? ''}`);
    return injected ? (injected.answer as boolean) : false;
  }
  async clearCounters(next: string): Promise<WindowStats | null> {
    const prev = this.#window;
    if (prev) this.#closed.push({ ...prev, closedAtMs: monoMs() });
    this.#window = this.#open(next);
    return prev;
  }
  async readWindow(): Promise<WindowStats> {
    if (!this.#window) throw new Error('not started');
    return this.#window;
  }
  async getWindow(name: string): Promise<WindowStats | null> {
    return this.#closed.find((w) => w.name === name) ?? null;
  }
  async calculateServiceDisruptionLength(): Promise<Disruption | null> {
    const injected = this.lab.journal.hit('traffic.calculateServiceDisruptionLength');
    if (injected) return injected.answer as Disruption | null;
    return {
      lossDerivedMs: 5,
      gapDerivedMs: 5.1,
      resolutionMs: 0.1,
      lost: 50,
      offeredRateHz: 10_000,
      episodes: [],
    };
  }
  async stopTraffic(): Promise<TrafficTotals> {
    // An injected answer overrides some of the totals (e.g. the tester's selfCheck).
    const injected = this.lab.journal.hit('traffic.stopTraffic');
    this.lab.trafficRunning = false;
    return {
      sent: 300,
      received: 250,
      lost: 50,
      duplicated: 0,
      reordered: 0,
      offeredRateHz: 10_000,
      durationMs: 30,
      windows: this.#closed,
      ...(injected?.answer as Partial<TrafficTotals> | undefined),
    };
  }
  async close(): Promise<void> {
    this.lab.trafficRunning = false;
  }
}

/** A RunEnvironment made of fakes sharing one FakeLab. */
export function fakeEnvironment(lab: FakeLab, cleanup: CleanupStack): RunEnvironment {
  const em: ElementManager = {
    name: 'fake-em',
    setEmConfiguration: async () => ok({ additionalParams: {} }),
    startEm: async () => ok(undefined),
    stopEm: async () => {},
  };
  const vnfConfigurator: VnfConfigurator = {
    name: 'fake-cfg',
    setVnfConfigFile: async () => ok({}),
    setVnfLicense: async () => ok({}),
  };
  const traffic = new FakeTraffic(lab);
  // As the real environment does: the traffic driver is closed on the way out.
  cleanup.defer('close traffic', () => traffic.close());
  return {
    vnfm: new FakeVnfm(lab),
    migrator: new FakeMigrator(lab),
    traffic,
    em,
    vnfConfigurator,
    vnfAgent: { name: 'fake-agent', requestMigration: async () => ok(undefined) },
    harnessInstantiateParams: {},
    description: { fake: true },
  };
}
