/**
 * The embedded lab's VIM: inventory of compute hosts, placement, server
 * lifecycle and live migration, with Nova's semantics where Nova has them
 * (statuses, task_state, instance actions, migration records, the checks
 * `os-migrateLive` makes before it accepts a request).
 */
import { randomUUID } from 'node:crypto';
import type { VResourceType } from '../../ports/vnfm.js';
import { isoNow, monoNs, sleep } from '../../util/clock.js';
import { VnflabBugError, MultipleErrors } from '../../util/errors.js';
import type {
  ComputeHost,
  Fabric,
  MigrationParams,
  VResourceAllocation,
  VmSpec,
} from '../hypervisor/hypervisor.js';
import { InstanceActionLog } from './instance-actions.js';
import { KeyedLock } from './keyed-lock.js';
import { runMigration } from './migration-run.js';
import { runVResourceMove } from './vresource-move-run.js';
import { Placement, usedBy } from './placement.js';
import {
  isInProgress,
  migrationSnapshot,
  serverSnapshot,
  type MigrationRecord,
  type ServerRecord,
} from './records.js';
import {
  coldMigrateRefusal,
  errorText,
  liveMigrateRefusal,
  taskStateConflict,
  validateCreate,
  vmStateConflict,
} from './server-rules.js';
import {
  VimError,
  type HostView,
  type InstanceAction,
  type Server,
  type ServerAllocation,
  type ServerCreateRequest,
  type ServerStats,
  type Vim,
  type VimMigration,
  type VimRequestOptions,
} from './vim.js';

/** QEMU-like defaults: 128 MiB/s max-bandwidth (QEMU's default), 300 ms downtime-limit. */
export const DEFAULT_MIGRATION_PARAMS: Omit<MigrationParams, 'dest' | 'mode'> = {
  bandwidthBytesPerSec: 128 * 1024 * 1024,
  downtimeLimitMs: 300,
  maxRounds: 30,
};

export interface LabVimOptions {
  readonly hosts: readonly ComputeHost[];
  readonly fabric: Fabric;
  /** Migration parameters unless a request sets its own. */
  readonly migrationDefaults?: Partial<Omit<MigrationParams, 'dest' | 'mode'>>;
  /** How long the destination may take to resume once the source is done, ms (default 10 s). */
  readonly incomingTimeoutMs?: number;
  /** How long to wait for the first forwarded packet after a switch-over, ms (default 1 s). */
  readonly firstForwardTimeoutMs?: number;
  /**
   * An injected fault's spec (lab.faults `migration=fail-halfway`): every
   * whole-server live migration is cancelled half-way and fails, the VNF
   * staying on its source.
   */
  readonly migrationFault?: string;
}

/** Each host's inventory by VM; null for a host that did not answer. */
type Inventories = Map<string, Record<string, readonly VResourceAllocation[]> | null>;

export class LabVim implements Vim {
  private readonly hosts: Map<string, ComputeHost>;
  private readonly fabric: Fabric;
  private readonly servers = new Map<string, ServerRecord>();
  private readonly migrations: MigrationRecord[] = [];
  private readonly actions = new InstanceActionLog();
  private readonly placement = new Placement(() => this.listHosts());
  private migrationParams: Omit<MigrationParams, 'dest' | 'mode'>;
  private nextMigrationParams: Partial<Omit<MigrationParams, 'dest' | 'mode'>> = {};
  private readonly incomingTimeoutMs: number;
  private readonly firstForwardTimeoutMs: number;
  private readonly migrationFault: string | undefined;
  private nextMigrationId = 1;
  /** Serializes operations per server. */
  private readonly locks = new KeyedLock();

  constructor(opts: LabVimOptions) {
    this.hosts = new Map(opts.hosts.map((h) => [h.name, h]));
    if (this.hosts.size !== opts.hosts.length) throw new VnflabBugError('compute host names must be unique');
    this.fabric = opts.fabric;
    this.migrationParams = { ...DEFAULT_MIGRATION_PARAMS, ...opts.migrationDefaults };
    this.incomingTimeoutMs = opts.incomingTimeoutMs ?? 10_000;
    this.firstForwardTimeoutMs = opts.firstForwardTimeoutMs ?? 1_000;
    this.migrationFault = opts.migrationFault;
  }

  /** Change the parameters of migrations started from now on (lab control, not Nova). */
  setMigrationDefaults(params: Partial<Omit<MigrationParams, 'dest' | 'mode'>>): void {
    this.migrationParams = { ...this.migrationParams, ...params };
  }

  /** Parameters for the next accepted migration only, e.g. a slow one a test can abort (lab control). */
  overrideNextMigration(params: Partial<Omit<MigrationParams, 'dest' | 'mode'>>): void {
    this.nextMigrationParams = params;
  }

  async listHosts(): Promise<HostView[]> {
    const inventories = await this.inventories();
    return [...this.hosts.values()].map((host) => {
      const byVm = inventories.get(host.name) ?? null;
      // A host that does not answer takes nothing new (Nova's ComputeFilter skips down services).
      if (byVm === null)
        return { name: host.name, capacity: host.capacity, used: host.capacity, allocations: [] };
      const allocations: ServerAllocation[] = Object.entries(byVm).flatMap(([serverId, list]) =>
        list.map((a) => ({ ...a, host: host.name, serverId })),
      );
      return { name: host.name, capacity: host.capacity, used: usedBy(allocations), allocations };
    });
  }

  async createServer(req: ServerCreateRequest): Promise<Server> {
    validateCreate(req);
    if (req.host !== undefined && !this.hosts.has(req.host))
      throw new VimError(400, `Compute host ${req.host} could not be found.`, { code: 'VIM_HOST_NOT_FOUND' });
    const id = randomUUID();
    const now = isoNow();
    const vmSpec: VmSpec = {
      vmId: id,
      vCpu: req.flavor.vCpu,
      memoryMiB: req.flavor.memoryMiB,
      storageGiB: req.flavor.storageGiB,
      nics: req.flavor.nics,
      ...(req.flavor.specializedNics === undefined ? {} : { specializedNics: req.flavor.specializedNics }),
      vnf: req.vnf,
    };
    const server: ServerRecord = {
      id,
      name: req.name,
      status: 'BUILD',
      host: '',
      imageId: req.imageId,
      flavor: { ...req.flavor },
      liveMigratable: req.liveMigratable,
      allocations: [],
      dataPlane: null,
      management: null,
      taskState: 'scheduling',
      metadata: { ...req.metadata },
      created: now,
      updated: now,
      vmSpec,
    };
    this.servers.set(id, server);
    const action = this.actions.start(id, 'create');
    const placed = await this.placement.place({ flavor: req.flavor, requestedHost: req.host ?? null });
    if (!placed.ok) {
      action.event('conductor_schedule_and_build_instances').fail(placed.reason);
      return this.markError(server, placed.reason);
    }
    const host = this.host(placed.value.host);
    server.host = host.name;
    server.taskState = 'spawning';
    const build = action.event('compute_build_and_run_instance', host.name);
    try {
      const vm = await host.createVm(vmSpec);
      const ingress = await this.fabric.attach(id);
      const management = (await this.fabric.management?.(id)) ?? null;
      server.allocations = vm.allocations.map((a) => ({ ...a, host: host.name }));
      server.dataPlane = { ingress };
      server.management =
        management === null ? null : { url: `http://${management.host}:${management.port}` };
      server.status = 'SHUTOFF';
      server.taskState = null;
      server.updated = isoNow();
      build.ok();
      return serverSnapshot(server);
    } catch (e) {
      build.fail(errorText(e));
      await host.destroyVm(id).catch(() => undefined);
      return this.markError(server, `build failed on ${host.name}: ${errorText(e)}`);
    } finally {
      placed.value.release();
    }
  }

  startServer(id: string, opts: VimRequestOptions = {}): Promise<Server> {
    return this.locks.run(id, async () => {
      const server = this.record(id);
      if (server.taskState !== null) throw taskStateConflict('start', server);
      if (server.status !== 'SHUTOFF') throw vmStateConflict('start', server);
      const action = this.actions.start(id, 'start', opts.requestId);
      const ev = action.event('compute_start_instance', server.host);
      try {
        const vm = await this.host(server.host).startVm(id);
        if (vm.state !== 'RUNNING')
          throw new VimError(500, vm.error ?? `VM is ${vm.state} after start`, { code: 'VIM_START_FAILED' });
        server.status = 'ACTIVE';
        server.updated = isoNow();
        ev.ok();
        return serverSnapshot(server);
      } catch (e) {
        ev.fail(errorText(e));
        this.markError(server, `start failed: ${errorText(e)}`);
        throw new VimError(500, `Instance ${id} failed to start: ${errorText(e)}`, {
          code: 'VIM_START_FAILED',
          cause: e,
        });
      }
    });
  }

  stopServer(id: string, opts: VimRequestOptions = {}): Promise<Server> {
    return this.locks.run(id, async () => {
      const server = this.record(id);
      if (server.taskState !== null) throw taskStateConflict('stop', server);
      if (server.status !== 'ACTIVE' && server.status !== 'ERROR') throw vmStateConflict('stop', server);
      const action = this.actions.start(id, 'stop', opts.requestId);
      const ev = action.event('compute_stop_instance', server.host);
      try {
        await this.host(server.host).stopVm(id);
        server.status = 'SHUTOFF';
        delete server.fault;
        server.updated = isoNow();
        ev.ok();
        return serverSnapshot(server);
      } catch (e) {
        ev.fail(errorText(e));
        throw new VimError(500, `Instance ${id} failed to stop: ${errorText(e)}`, {
          code: 'VIM_STOP_FAILED',
          cause: e,
        });
      }
    });
  }

  deleteServer(id: string, opts: VimRequestOptions = {}): Promise<void> {
    return this.locks.run(id, async () => {
      const server = this.servers.get(id);
      if (server === undefined) return;
      const ev = this.actions
        .start(id, 'delete', opts.requestId)
        .event('compute_terminate_instance', server.host);
      for (const m of this.migrations.filter((m) => m.serverId === id && isInProgress(m))) {
        await this.requestAbort(m);
        await m.control.done;
      }
      // Destroy wherever the VM still has resources, not only on its host.
      const inventories = await this.inventories();
      const failures: string[] = [];
      for (const host of this.hosts.values()) {
        if (host.name !== server.host && inventories.get(host.name)?.[id] === undefined) continue;
        await host.destroyVm(id).catch((e: unknown) => failures.push(`${host.name}: ${errorText(e)}`));
      }
      if (failures.length > 0) {
        ev.fail(failures.join('; '));
        throw new VimError(500, `Instance ${id} could not be deleted: ${failures.join('; ')}`);
      }
      await this.fabric.detach(id);
      this.servers.delete(id);
      ev.ok();
    });
  }

  async getServer(id: string): Promise<Server | null> {
    const server = this.servers.get(id);
    if (server === undefined) return null;
    return this.withLiveAllocations(server, await this.inventories());
  }

  async listServers(): Promise<Server[]> {
    const inventories = await this.inventories();
    return [...this.servers.values()].map((s) => this.withLiveAllocations(s, inventories));
  }

  /**
   * Nova os-migrateLive, with the lab's `vResourceType`:
   * - vStorage, vNIC: only that vResource moves, within the server's host
   *   (another storage pool / a new port; vresource-move-run.ts), unless
   *   another host is named;
   * - vCPU: the server moves to another host where its vCPUs are pinned to
   *   that host's cores; naming the current host re-pins to its other cores
   *   instead (the VNF never stops);
   * - vMemory, any (default): the whole server moves (pre-copy, with its volume).
   */
  liveMigrate(
    id: string,
    opts: {
      host?: string | null;
      params?: Partial<Omit<MigrationParams, 'dest' | 'mode'>>;
      vResourceType?: VResourceType;
    } & VimRequestOptions = {},
  ): Promise<VimMigration> {
    return this.locks.run(id, () => {
      const type = opts.vResourceType;
      const server = this.record(id);
      const host = opts.host ?? null;
      // vStorage / vNIC: within the host unless another host is named. vCPU: the
      // whole server to another host (new cores there) unless the current host is
      // named: then a re-pin to the host's other cores.
      const inHost =
        type === 'vCPU'
          ? host === server.host
          : (type === 'vStorage' || type === 'vNIC') && (host === null || host === server.host);
      if (inHost && (type === 'vCPU' || type === 'vStorage' || type === 'vNIC'))
        return this.beginVResourceMove(id, type, opts);
      return this.beginMigration(id, 'live', opts);
    });
  }

  /** The server's VNF counters where it runs now. */
  async serverStats(id: string): Promise<ServerStats> {
    const server = this.record(id);
    if (server.host === '') return { received: 0, forwarded: 0, packetRateHz: 0 };
    const vm = await this.host(server.host).getVm(id);
    return {
      received: vm?.counters.received ?? 0,
      forwarded: vm?.counters.forwarded ?? 0,
      packetRateHz: vm?.counters.packetRateHz ?? 0,
    };
  }

  /** Check and start a single-vResource move within the server's host; resolves with the queued record. */
  private beginVResourceMove(
    id: string,
    kind: 'vCPU' | 'vStorage' | 'vNIC',
    opts: { params?: Partial<Omit<MigrationParams, 'dest' | 'mode'>> } & VimRequestOptions,
  ): Promise<VimMigration> {
    const server = this.record(id);
    const action = this.actions.start(id, 'live-migration', opts.requestId);
    const refuse = (error: VimError): never => {
      action.event('conductor_live_migrate_instance').fail(error.message);
      throw error;
    };
    // Same rules as a whole-server live migration (state, VNFD, specialized NICs), no destination.
    const refusal = liveMigrateRefusal(server, null, () => true);
    if (refusal !== null) refuse(refusal);
    const host = this.host(server.host);
    if (host.moveVResource === undefined)
      refuse(
        new VimError(400, `Compute host ${host.name} cannot move a single ${kind}.`, {
          code: 'VIM_NO_VALID_HOST',
        }),
      );
    action.done('conductor_live_migrate_instance');
    const now = isoNow();
    const migration = this.newMigrationRecord(server, server.host, 'live-migration', now);
    migration.vResourceType = kind;
    this.migrations.push(migration);
    server.status = 'MIGRATING';
    server.taskState = 'migrating';
    server.updated = now;
    const accepted = migrationSnapshot(migration);
    const nextParams = this.nextMigrationParams;
    this.nextMigrationParams = {};
    migration.control.done = runVResourceMove({
      kind,
      server,
      migration,
      host,
      params: { ...this.migrationParams, ...nextParams, ...opts.params },
      action,
      acceptedAtNs: monoNs(),
      firstForwardTimeoutMs: this.firstForwardTimeoutMs,
      fabric: this.fabric,
    });
    return Promise.resolve(accepted);
  }

  private newMigrationRecord(
    server: ServerRecord,
    destHost: string,
    migrationType: VimMigration['migrationType'],
    now: string,
  ): MigrationRecord {
    return {
      id: this.nextMigrationId++,
      uuid: randomUUID(),
      serverId: server.id,
      migrationType,
      sourceHost: server.host,
      destHost,
      status: 'queued',
      createdAt: now,
      updatedAt: now,
      memoryTotalBytes: null,
      memoryProcessedBytes: null,
      memoryRemainingBytes: null,
      rounds: null,
      bytesTransferred: null,
      setupTimeMs: null,
      totalTimeMs: null,
      downtimeMs: null,
      memoryVerified: null,
      timeline: null,
      releasedAllocationIds: [],
      newAllocationIds: [],
      error: null,
      flavor: { ...server.flavor },
      vResourceChanges: null,
      storageVerified: null,
      diskTotalBytes: null,
      diskProcessedBytes: null,
      diskRemainingBytes: null,
      control: { abortRequested: false, done: Promise.resolve() },
    };
  }

  /**
   * Nova `migrate` (cold migration, confirmed at once): an ACTIVE or SHUTOFF
   * server moves with its VNF stopped during the copy and comes back in the
   * power state it had. Specialized NICs do not block it.
   */
  coldMigrate(id: string, opts: { host?: string | null } & VimRequestOptions = {}): Promise<VimMigration> {
    return this.locks.run(id, () => this.beginMigration(id, 'offline', opts));
  }

  /** Check, place, record and start a migration in the background; resolves with the queued record. */
  private async beginMigration(
    id: string,
    mode: 'live' | 'offline',
    opts: {
      host?: string | null;
      params?: Partial<Omit<MigrationParams, 'dest' | 'mode'>>;
      vResourceType?: VResourceType;
    } & VimRequestOptions,
  ): Promise<VimMigration> {
    const server = this.record(id);
    const live = mode === 'live';
    const action = this.actions.start(id, live ? 'live-migration' : 'migrate', opts.requestId);
    const conductorEvent = live ? 'conductor_live_migrate_instance' : 'conductor_migrate_server';
    const refuse = (error: VimError): never => {
      action.event(conductorEvent).fail(error.message);
      throw error;
    };
    const requested = opts.host ?? null;
    const known = (name: string): boolean => this.hosts.has(name);
    const refusal = live
      ? liveMigrateRefusal(server, requested, known)
      : coldMigrateRefusal(server, requested, known);
    if (refusal !== null) refuse(refusal);
    const placed = await this.placement.place({
      flavor: server.flavor,
      requestedHost: requested,
      excludeHosts: [server.host],
    });
    if (!placed.ok) return refuse(new VimError(400, placed.reason, { code: 'VIM_NO_VALID_HOST' }));
    action.done(conductorEvent);

    const now = isoNow();
    const migration = this.newMigrationRecord(
      server,
      placed.value.host,
      live ? 'live-migration' : 'migration',
      now,
    );
    migration.vResourceType = opts.vResourceType ?? 'any';
    this.migrations.push(migration);
    const wasRunning = server.status === 'ACTIVE';
    server.status = 'MIGRATING';
    // Nova's task states: 'migrating' (live), 'resize_migrating' (cold).
    server.taskState = live ? 'migrating' : 'resize_migrating';
    server.updated = now;
    const accepted = migrationSnapshot(migration);
    const nextParams = this.nextMigrationParams;
    this.nextMigrationParams = {};
    migration.control.done = runMigration({
      mode,
      wasRunning,
      server,
      migration,
      source: this.host(server.host),
      dest: this.host(placed.value.host),
      params: { ...this.migrationParams, ...nextParams, ...opts.params },
      action,
      acceptedAtNs: monoNs(),
      incomingTimeoutMs: this.incomingTimeoutMs,
      firstForwardTimeoutMs: this.firstForwardTimeoutMs,
      fabric: this.fabric,
      releaseClaim: placed.value.release,
      ...(live && this.migrationFault !== undefined ? { failHalfway: this.migrationFault } : {}),
    });
    return accepted;
  }

  getMigration(serverId: string, migrationId: number): Promise<VimMigration | null> {
    const m = this.migrations.find((m) => m.id === migrationId && m.serverId === serverId);
    return Promise.resolve(m === undefined ? null : migrationSnapshot(m));
  }

  listMigrations(filter: { serverId?: string } = {}): Promise<VimMigration[]> {
    const list = this.migrations.filter(
      (m) => filter.serverId === undefined || m.serverId === filter.serverId,
    );
    return Promise.resolve(list.reverse().map(migrationSnapshot));
  }

  async abortMigration(serverId: string, migrationId: number, opts: VimRequestOptions = {}): Promise<void> {
    const m = this.migrations.find((m) => m.id === migrationId && m.serverId === serverId);
    if (m === undefined)
      throw new VimError(404, `Migration ${migrationId} for instance ${serverId} could not be found.`);
    if (m.migrationType !== 'live-migration')
      throw new VimError(
        400,
        `Migration ${migrationId} of instance ${serverId} is not a live migration: it cannot be aborted.`,
        {
          code: 'VIM_INVALID_MIGRATION_STATE',
        },
      );
    if (!isInProgress(m) || m.control.abortRequested)
      throw new VimError(
        400,
        `Migration ${migrationId} state of instance ${serverId} is ${m.status}. Cannot abort live migration while the migration is in this state.`,
        { code: 'VIM_INVALID_MIGRATION_STATE' },
      );
    const ev = this.actions
      .start(serverId, 'live_migration_cancel', opts.requestId)
      .event('compute_live_migration_abort', m.sourceHost);
    try {
      await this.requestAbort(m);
      ev.ok();
    } catch (e) {
      ev.fail(errorText(e));
      throw new VimError(500, `Migration ${migrationId} could not be aborted: ${errorText(e)}`, { cause: e });
    }
  }

  async findAllocated(ids: readonly string[]): Promise<string[]> {
    const inventories = await this.inventories();
    const silent = [...inventories].filter(([, byVm]) => byVm === null).map(([name]) => name);
    if (silent.length > 0)
      throw new VimError(
        500,
        `compute host(s) ${silent.join(', ')} did not answer: cannot tell what is allocated`,
      );
    const allocated = new Set<string>();
    for (const byVm of inventories.values())
      for (const list of Object.values(byVm ?? {})) for (const a of list) allocated.add(a.id);
    return ids.filter((id) => allocated.has(id));
  }

  instanceActions(serverId: string): Promise<InstanceAction[]> {
    if (!this.servers.has(serverId))
      return Promise.reject(new VimError(404, `Instance ${serverId} could not be found.`));
    return Promise.resolve(this.actions.list(serverId));
  }

  async close(): Promise<void> {
    const running = this.migrations.filter(isInProgress);
    await Promise.allSettled(running.map((m) => this.requestAbort(m)));
    // Wait up to 5 s for them to wind down. The grace timer is cancelled once
    // they have: left running, it kept `vnflab lab up` alive 5 s after Ctrl-C.
    const grace = new AbortController();
    await Promise.race([
      Promise.allSettled(running.map((m) => m.control.done)),
      sleep(5_000, grace.signal).catch(() => undefined),
    ]);
    grace.abort();
    const results = await Promise.allSettled([...this.hosts.values()].map((h) => h.shutdown()));
    results.push(...(await Promise.allSettled([this.fabric.shutdown()])));
    const errors = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    if (errors.length > 0) throw new MultipleErrors(errors, 'the lab VIM did not shut down cleanly');
  }

  /** Flag the abort; a migration already transferring is cancelled on its source (migrate_cancel). */
  private async requestAbort(m: MigrationRecord): Promise<void> {
    m.control.abortRequested = true;
    if (m.status === 'running') await this.host(m.sourceHost).cancelMigration(m.serverId);
  }

  private async inventories(): Promise<Inventories> {
    const hosts = [...this.hosts.values()];
    const answers = await Promise.allSettled(hosts.map((h) => h.inventory()));
    return new Map(
      hosts.map((h, i) => [h.name, answers[i]?.status === 'fulfilled' ? answers[i].value : null]),
    );
  }

  private withLiveAllocations(server: ServerRecord, inventories: Inventories): Server {
    const snapshot = serverSnapshot(server);
    const live = inventories.get(server.host)?.[server.id];
    if (live === undefined) return snapshot;
    return { ...snapshot, allocations: live.map((a) => ({ ...a, host: server.host })) };
  }

  private markError(server: ServerRecord, reason: string): Server {
    server.status = 'ERROR';
    server.taskState = null;
    server.fault = { code: 500, message: reason, created: isoNow() };
    server.updated = isoNow();
    return serverSnapshot(server);
  }

  private record(id: string): ServerRecord {
    const server = this.servers.get(id);
    if (server === undefined) throw new VimError(404, `Instance ${id} could not be found.`);
    return server;
  }

  private host(name: string): ComputeHost {
    const host = this.hosts.get(name);
    if (host === undefined) throw new VimError(500, `unknown compute host ${name}`);
    return host;
  }
}
