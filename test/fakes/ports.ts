/**
 * In-memory fakes of the ports for runner tests: they keep just enough state
 * to answer like a VNFM / VIM / traffic generator, journal every call, and
 * let a test inject a failure into any call. Each one passes its port's
 * contract (test/fakes/ports.contract.test.ts): what the runner sees from a
 * fake, it could see from a real driver.
 */
import type { LabDropWatch, LabHopDrops } from '../../src/ports/lab-drops.js';
import type { ElementManager, EmInstantiationParams } from '../../src/ports/element-manager.js';
import type {
  MigrationHandle,
  MigrationReport,
  MigrationStatus,
  MigrationSubject,
  MigrationType,
  Migrator,
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
  InstantiateRequest,
  LcmOperation,
  VResource,
  VResourceType,
  VnfRecord,
  Vnfm,
  VnfStateReport,
  VnfdResources,
} from '../../src/ports/vnfm.js';
import type { CleanupStack } from '../../src/runner/cleanup-stack.js';
import type { RunEnvironment } from '../../src/compose/environment.js';
import { monoMs } from '../../src/util/clock.js';
import { fail, ok, type Outcome } from '../../src/util/outcome.js';
import { readMappingFile } from '../../src/util/read-doc.js';

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

/** A refusal with the HTTP status a real VNFM / VIM would answer (the runner retries a 409). */
class FakeRefusal extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'FakeRefusal';
  }
}

export const FAKE_VNFD: VnfdResources = {
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

/** The two compute hosts of the fake lab. */
const HOSTS = ['compute-1', 'compute-2'] as const;

/** One VIM server (a VNFC's compute resource) of the fake lab. */
export interface FakeServer {
  readonly id: string;
  readonly liveMigratable: boolean;
  host: string;
  resources: VResource[];
}

const resourcesOn = (serverId: string, host: string, gen: number): VResource[] =>
  (['vCPU', 'vMemory', 'vStorage', 'vNIC'] as const).map((kind) => ({
    id: `${serverId}-${host}-${kind}-${gen}`,
    kind,
    amount: { vCPU: 1, vMemory: 128, vStorage: 1, vNIC: 2 }[kind],
    unit: kind === 'vMemory' ? 'MiB' : kind === 'vStorage' ? 'GiB' : 'count',
    host,
    vnfcId: `vnfc-${serverId}`,
    computeResourceId: serverId,
  }));

/** The state the fakes share: the VNF's record, the VIM's servers and inventory, the traffic. */
export class FakeLab {
  readonly journal = new Journal();
  instantiated = false;
  started = false;
  recordExists = false;
  trafficRunning = false;
  /** VIM servers by id. */
  readonly servers = new Map<string, FakeServer>();
  /** vResource ids the VIM inventory holds. */
  readonly allocated = new Set<string>();
  /** How the next migration behaves (taken when it is triggered). */
  nextMigration: { slowMs?: number; failReason?: string } = {};
  /** What the lab's per-hop drop watch reports (an overloaded lab's queues); null: no watch (not the process lab). */
  hopDrops: LabHopDrops | null = null;
  #serverSeq = 0;
  #generation = 0;

  /** A server with the VNFD's vResources on `host`. */
  addServer(opts: { liveMigratable?: boolean; host?: string } = {}): FakeServer {
    const id = `server-${++this.#serverSeq}`;
    const server: FakeServer = {
      id,
      liveMigratable: opts.liveMigratable ?? true,
      host: opts.host ?? HOSTS[0],
      resources: [],
    };
    this.servers.set(id, server);
    this.place(server, server.host);
    return server;
  }

  /** The server moves: new vResources on `host`, the old ones released. */
  moveServer(server: FakeServer, host: string): void {
    this.place(server, host);
  }

  removeServer(id: string): void {
    const server = this.servers.get(id);
    if (server === undefined) return;
    for (const r of server.resources) this.allocated.delete(r.id);
    this.servers.delete(id);
  }

  private place(server: FakeServer, host: string): void {
    for (const r of server.resources) this.allocated.delete(r.id);
    server.host = host;
    server.resources = resourcesOn(server.id, host, ++this.#generation);
    for (const r of server.resources) this.allocated.add(r.id);
  }
}

/** A VNFM of one VNF (record 'vnf-1', one VDU): SOL003's LCM path with its refusals. */
export class FakeVnfm implements Vnfm {
  readonly name = 'fake-vnfm';
  #record: VnfRecord | null = null;
  #serverId: string | null = null;
  readonly #ops = new Map<string, LcmOperation>();
  constructor(readonly lab: FakeLab) {}

  #op(operation: LcmOperation['operation']): LcmOperation {
    const op: LcmOperation = { id: `op-${this.lab.journal.calls.length}`, operation, state: 'COMPLETED' };
    this.#ops.set(op.id, op);
    return op;
  }

  /** The record, which must be this VNFM's and still exist (404 otherwise). */
  #require(vnf: VnfRecord): VnfRecord {
    const record = this.#record;
    if (!this.lab.recordExists || record === null || record.vnfInstanceId !== vnf.vnfInstanceId)
      throw new FakeRefusal(404, `VNF instance ${vnf.vnfInstanceId} not found`);
    return record;
  }

  #requireInstantiated(vnf: VnfRecord, what: string): void {
    this.#require(vnf);
    if (!this.lab.instantiated)
      throw new FakeRefusal(409, `cannot ${what} VNF instance ${vnf.vnfInstanceId}: it is NOT_INSTANTIATED`);
  }

  async createVnfRecord(req: { vnfdId: string; vnfInstanceName: string }): Promise<VnfRecord> {
    this.lab.journal.hit('vnfm.createVnfRecord');
    if (req.vnfdId !== FAKE_VNFD.vnfdId) throw new FakeRefusal(422, `VNFD ${req.vnfdId} is not onboarded`);
    this.lab.recordExists = true;
    this.#record = { vnfInstanceId: 'vnf-1', vnfdId: req.vnfdId, vnfInstanceName: req.vnfInstanceName };
    return this.#record;
  }
  async instantiate(vnf: VnfRecord, req: InstantiateRequest): Promise<LcmOperation> {
    this.lab.journal.hit('vnfm.instantiate');
    this.#require(vnf);
    if (this.lab.instantiated)
      throw new FakeRefusal(409, `VNF instance ${vnf.vnfInstanceId} is already INSTANTIATED`);
    if (!FAKE_VNFD.vdus.some((vdu) => vdu.swImageId === req.swImageId))
      throw new FakeRefusal(
        422,
        `software image ${req.swImageId} is not declared by VNFD ${FAKE_VNFD.vnfdId}`,
      );
    this.lab.instantiated = true;
    this.#serverId = this.lab.addServer().id;
    return this.#op('INSTANTIATE');
  }
  async start(vnf: VnfRecord): Promise<LcmOperation> {
    this.lab.journal.hit('vnfm.start');
    this.#requireInstantiated(vnf, 'start');
    this.lab.started = true;
    return this.#op('OPERATE');
  }
  async stop(vnf: VnfRecord): Promise<LcmOperation> {
    this.lab.journal.hit('vnfm.stop');
    this.#requireInstantiated(vnf, 'stop');
    this.lab.started = false;
    return this.#op('OPERATE');
  }
  async terminate(vnf: VnfRecord): Promise<LcmOperation> {
    this.lab.journal.hit('vnfm.terminate');
    this.#requireInstantiated(vnf, 'terminate');
    this.lab.instantiated = false;
    this.lab.started = false;
    if (this.#serverId !== null) this.lab.removeServer(this.#serverId);
    this.#serverId = null;
    return this.#op('TERMINATE');
  }
  async deleteVnfRecord(vnf: VnfRecord): Promise<void> {
    this.lab.journal.hit('vnfm.deleteVnfRecord');
    this.#require(vnf);
    // SOL003: an instantiated VNF's record cannot be deleted (409).
    if (this.lab.instantiated)
      throw new FakeRefusal(409, `VNF instance ${vnf.vnfInstanceId} is INSTANTIATED: terminate it first`);
    this.lab.recordExists = false;
    this.#record = null;
  }
  async getLcmOperation(id: string): Promise<LcmOperation> {
    const op = this.#ops.get(id);
    if (op === undefined) throw new FakeRefusal(404, `LCM operation ${id} not found`);
    return op;
  }
  async getVnfState(vnf: VnfRecord): Promise<VnfStateReport> {
    const injected = this.lab.journal.hit(
      `vnfm.getVnfState.${this.lab.started ? 'started' : this.lab.instantiated ? 'stopped' : 'none'}`,
    );
    if (injected) return injected.answer as VnfStateReport;
    this.#require(vnf);
    if (!this.lab.instantiated) return { state: 'NOT_INSTANTIATED', instantiationState: 'NOT_INSTANTIATED' };
    return this.lab.started
      ? { state: 'ACTIVE', instantiationState: 'INSTANTIATED', vnfState: 'STARTED' }
      : { state: 'INACTIVE', instantiationState: 'INSTANTIATED', vnfState: 'STOPPED' };
  }
  async getVResourceList(vnf: VnfRecord): Promise<VResource[]> {
    this.#require(vnf);
    const server = this.#serverId === null ? undefined : this.lab.servers.get(this.#serverId);
    return server === undefined ? [] : [...server.resources];
  }
  async getVnfdVResourceList(vnfdId: string): Promise<VnfdResources> {
    if (vnfdId !== FAKE_VNFD.vnfdId) throw new FakeRefusal(404, `VNFD ${vnfdId} not found`);
    return FAKE_VNFD;
  }
  async getDataPlane(vnf: VnfRecord): Promise<{ ingress: { host: string; port: number } } | null> {
    this.#require(vnf);
    return this.lab.instantiated ? { ingress: { host: '127.0.0.1', port: 9 } } : null;
  }
  async close(): Promise<void> {}
}

interface FakeMigration {
  readonly handle: MigrationHandle;
  readonly servers: readonly FakeServer[];
  readonly fromHost: string;
  readonly toHost: string;
  /** Not COMPLETED before this instant (monotonic ms). */
  readonly notBeforeMs: number;
  readonly failReason: string | undefined;
  polls: number;
  aborted: boolean;
  final: MigrationStatus | null;
}

/**
 * A live-only Migrator over the fake lab's servers: a migration completes on
 * its second poll (the servers move to the other host, with new vResources)
 * unless `lab.nextMigration` slows it down or fails it.
 */
export class FakeMigrator implements Migrator {
  readonly name = 'fake-migrator';
  readonly #migrations = new Map<string, FakeMigration>();
  #seq = 0;
  constructor(readonly lab: FakeLab) {}

  #servers(subject: MigrationSubject): (FakeServer | undefined)[] {
    return subject.computeResourceIds.map((id) => this.lab.servers.get(id));
  }

  async getMigrationType(subject: MigrationSubject): Promise<{ type: MigrationType; reason: string }> {
    const injected = this.lab.journal.hit('migrator.getMigrationType');
    if (injected) return injected.answer as { type: MigrationType; reason: string };
    const servers = this.#servers(subject);
    if (servers.length === 0 || servers.includes(undefined))
      return { type: 'NONE', reason: 'the VIM does not know the compute resources' };
    if (servers.some((s) => s?.liveMigratable === false))
      return { type: 'NONE', reason: 'the VNFD forbids live migration and this VIM has no offline path' };
    return { type: 'LIVE_MIGRATION', reason: 'every compute resource may be live-migrated' };
  }

  async triggerMigration(
    subject: MigrationSubject,
    vResourceType: VResourceType,
    opts: { targetHost?: string } = {},
  ): Promise<MigrationHandle> {
    this.lab.journal.hit('migrator.triggerMigration');
    const found = this.#servers(subject);
    const servers = found.filter((s): s is FakeServer => s !== undefined);
    if (servers.length === 0 || servers.length !== found.length)
      throw new FakeRefusal(404, 'the VIM does not know the compute resources');
    if (servers.some((s) => !s.liveMigratable))
      throw new FakeRefusal(409, 'the VNF may not be live-migrated (no offline path)');
    const busy = [...this.#migrations.values()].some(
      (m) => m.final === null && m.servers.some((s) => servers.includes(s)),
    );
    if (busy) throw new FakeRefusal(409, 'a migration of this VNF is already in progress');
    const fromHost = servers[0]?.host ?? HOSTS[0];
    const toHost = opts.targetHost ?? HOSTS.find((h) => h !== fromHost) ?? HOSTS[1];
    const next = this.lab.nextMigration;
    this.lab.nextMigration = {};
    const handle: MigrationHandle = {
      id: `mig-${++this.#seq}`,
      subject,
      vResourceType,
      type: 'LIVE_MIGRATION',
    };
    this.#migrations.set(handle.id, {
      handle,
      servers,
      fromHost,
      toHost,
      notBeforeMs: monoMs() + (next.slowMs ?? 0),
      failReason: next.failReason,
      polls: 0,
      aborted: false,
      final: null,
    });
    return handle;
  }

  #migration(handle: MigrationHandle): FakeMigration {
    const m = this.#migrations.get(handle.id);
    if (m === undefined) throw new FakeRefusal(404, `migration ${handle.id} not found`);
    return m;
  }

  async validateMigrationSuccess(handle: MigrationHandle): Promise<MigrationStatus> {
    const injected = this.lab.journal.hit('migrator.validateMigrationSuccess');
    if (injected) return injected.answer as MigrationStatus;
    const m = this.#migration(handle);
    if (m.final !== null) return m.final;
    if (m.aborted) m.final = { state: 'FAILED', reason: 'migration aborted (cancelled by the harness)' };
    else if (m.failReason !== undefined) m.final = { state: 'FAILED', reason: m.failReason };
    else if (++m.polls < 2 || monoMs() < m.notBeforeMs) return { state: 'IN_PROGRESS' };
    else {
      for (const s of m.servers) this.lab.moveServer(s, m.toHost);
      m.final = { state: 'COMPLETED' };
    }
    return m.final;
  }

  async getMigrationReport(handle: MigrationHandle): Promise<MigrationReport> {
    const m = this.#migration(handle);
    const completed = m.final?.state === 'COMPLETED';
    return {
      type: 'LIVE',
      fromHost: m.fromHost,
      toHost: m.toHost,
      downtimeMs: completed ? 5 : null,
      totalTimeMs: completed ? 100 : null,
      bytesTransferred: completed ? 1 : null,
      rounds: completed ? 2 : null,
    };
  }

  /** Cancels a migration still in progress; a finished one is left as it is. */
  async abortMigration(handle: MigrationHandle): Promise<void> {
    this.lab.journal.hit('migrator.abortMigration');
    const m = this.#migrations.get(handle.id);
    if (m !== undefined && m.final === null) m.aborted = true;
  }

  async findAllocatedVResources(ids: readonly string[]): Promise<string[]> {
    return ids.filter((id) => this.lab.allocated.has(id));
  }
  async close(): Promise<void> {}
}

/**
 * A Traffic that sends nothing: every window counts 100 packets sent and
 * received, the disruption is a fixed 5 ms. Windows, totals and the
 * lifecycle (stop twice, close, no start after close) behave as the
 * Traffic contract requires of any implementation.
 */
export class FakeTraffic implements Traffic {
  readonly name = 'fake-traffic';
  #window: WindowStats | null = null;
  readonly #closed: WindowStats[] = [];
  #totals: TrafficTotals | null = null;
  #isClosed = false;
  constructor(readonly lab: FakeLab) {}
  #open(name: string, openedAtMs = monoMs()): WindowStats {
    return {
      name,
      openedAtMs,
      closedAtMs: null,
      sent: 100,
      received: 100,
      lost: 0,
      duplicated: 0,
      reordered: 0,
      offeredRateHz: 10_000,
    };
  }
  /** Close the open window at `atMs`; the closed window. */
  #cut(atMs: number): WindowStats | null {
    const open = this.#window;
    if (open === null) return null;
    const closed = { ...open, closedAtMs: atMs };
    this.#closed.push(closed);
    this.#window = null;
    return closed;
  }
  async prepare(): Promise<{ sink: { host: string; port: number } }> {
    return { sink: { host: '127.0.0.1', port: 9 } };
  }
  async configTrafficLoad(_level: LoadLevel, _params: TrafficParams): Promise<void> {
    this.lab.journal.hit('traffic.configTrafficLoad');
  }
  async startTraffic(name = 'first'): Promise<void> {
    this.lab.journal.hit('traffic.startTraffic');
    if (this.#isClosed) throw new Error('fake traffic is closed');
    this.lab.trafficRunning = true;
    this.#totals = null;
    this.#window = this.#open(name);
  }
  async doesTrafficFlow(): Promise<boolean> {
    return this.lab.trafficRunning;
  }
  /** An injected answer: true (one packet lost) or the number of packets the open window lost. */
  async anyTrafficLoss(): Promise<boolean> {
    const injected = this.lab.journal.hit(`traffic.anyTrafficLoss.${this.#window?.name ?? ''}`);
    const answer = injected?.answer as boolean | number | undefined;
    if (!answer || !this.#window) return false;
    const lost = answer === true ? 1 : answer;
    this.#window = {
      ...this.#window,
      sent: Math.max(this.#window.sent, lost),
      lost,
      received: Math.max(0, this.#window.sent - lost),
    };
    return true;
  }
  /** The cut is made at the call: the closed window ends where the new one opens. */
  async clearCounters(next: string): Promise<WindowStats | null> {
    const atMs = monoMs();
    const closed = this.#cut(atMs);
    this.#window = this.#open(next, atMs);
    return closed;
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
  /** Closes the last window; the totals add up the windows. A second call returns the same totals. */
  async stopTraffic(): Promise<TrafficTotals> {
    // An injected answer overrides some of the totals (e.g. the tester's selfCheck).
    const injected = this.lab.journal.hit('traffic.stopTraffic');
    this.lab.trafficRunning = false;
    if (this.#totals !== null) return this.#totals;
    const startedAtMs = this.#closed[0]?.openedAtMs ?? this.#window?.openedAtMs ?? null;
    const stoppedAtMs = monoMs();
    this.#cut(stoppedAtMs);
    const windows = [...this.#closed];
    const sum = (field: 'sent' | 'received' | 'lost' | 'duplicated' | 'reordered'): number =>
      windows.reduce((n, w) => n + w[field], 0);
    this.#totals = {
      sent: sum('sent'),
      received: sum('received'),
      lost: sum('lost'),
      duplicated: sum('duplicated'),
      reordered: sum('reordered'),
      offeredRateHz: windows.length > 0 ? 10_000 : 0,
      durationMs: startedAtMs === null ? 0 : stoppedAtMs - startedAtMs,
      windows,
      ...(injected?.answer as Partial<TrafficTotals> | undefined),
    };
    return this.#totals;
  }
  async close(): Promise<void> {
    this.lab.trafficRunning = false;
    this.#isClosed = true;
    this.#window = null;
  }
}

/** An EM whose config file needs a `vnfConfig` mapping (as the lab's EM); journals its calls. */
export class FakeElementManager implements ElementManager {
  readonly name = 'fake-em';
  #configured = false;
  constructor(readonly lab: FakeLab) {}
  async setEmConfiguration(_vnf: VnfRecord, emConfigFile: string): Promise<Outcome<EmInstantiationParams>> {
    this.lab.journal.hit('em.setEmConfiguration');
    const doc = await readMappingFile(emConfigFile);
    if (!doc.ok) return doc;
    const vnfConfig = doc.value['vnfConfig'];
    if (vnfConfig === null || typeof vnfConfig !== 'object' || Array.isArray(vnfConfig))
      return fail(`${emConfigFile}: field 'vnfConfig' is missing or not a mapping`);
    this.#configured = true;
    return ok({ additionalParams: { vnfConfig } });
  }
  async startEm(): Promise<Outcome> {
    this.lab.journal.hit('em.startEm');
    return this.#configured
      ? ok(undefined)
      : fail('the EM has no configuration: SetEMConfiguration must succeed first');
  }
  async stopEm(): Promise<void> {
    this.lab.journal.hit('em.stopEm');
  }
}

/** Reads the user's files as the file driver does (a reason naming the file when one is bad); journals its calls. */
export class FakeVnfConfigurator implements VnfConfigurator {
  readonly name = 'fake-cfg';
  constructor(readonly lab: FakeLab) {}
  async setVnfConfigFile(_vnf: VnfRecord, file: string): Promise<Outcome<Record<string, unknown>>> {
    this.lab.journal.hit('cfg.setVnfConfigFile');
    const doc = await readMappingFile(file);
    return doc.ok ? ok({ vnfConfig: doc.value }) : doc;
  }
  async setVnfLicense(_vnf: VnfRecord, file: string): Promise<Outcome<Record<string, unknown>>> {
    this.lab.journal.hit('cfg.setVnfLicense');
    const doc = await readMappingFile(file);
    if (!doc.ok) return doc;
    const missing = ['licensee', 'product', 'expires', 'key'].filter(
      (field) => doc.value[field] === undefined || doc.value[field] === '',
    );
    if (missing.length > 0) return fail(`${file}: license field(s) ${missing.join(', ')} missing`);
    return ok({ license: doc.value });
  }
}

/** A RunEnvironment made of fakes sharing one FakeLab. */
export function fakeEnvironment(lab: FakeLab, cleanup: CleanupStack): RunEnvironment {
  const traffic = new FakeTraffic(lab);
  // As the real environment does: the traffic driver is closed on the way out.
  cleanup.defer('close traffic', () => traffic.close());
  return {
    vnfm: new FakeVnfm(lab),
    migrator: new FakeMigrator(lab),
    traffic,
    em: new FakeElementManager(lab),
    vnfConfigurator: new FakeVnfConfigurator(lab),
    vnfAgent: { name: 'fake-agent', requestMigration: async () => ok(undefined) },
    harnessInstantiateParams: {},
    labDrops: lab.hopDrops === null ? null : fakeLabDropWatch(lab),
    description: { fake: true },
  };
}

/** The lab's drop watch, reporting what the FakeLab says its hops dropped. */
function fakeLabDropWatch(lab: FakeLab): LabDropWatch {
  const seen = async (): Promise<LabHopDrops> => {
    lab.journal.hit('labDrops.read');
    return lab.hopDrops!;
  };
  return {
    start: async () => {
      lab.journal.hit('labDrops.start');
    },
    snapshot: seen,
    stop: seen,
  };
}
