/**
 * An in-memory Vim for tests of the VNFM and its SOL003 driver: hosts with
 * capacity, servers with Nova statuses, vResource allocations with ids that
 * change when a server moves. Nothing runs and nothing binds: the data-plane
 * ingress it reports is a made-up loopback port. A live migration completes
 * at once. `failNext` makes the next call of a method fail like the VIM would.
 * Refusals carry LabVim's statuses and codes (the Vim contract,
 * test/contracts/lab-vim.contract.ts).
 */
import { randomUUID } from 'node:crypto';
import type { HostCapacity } from '../../../src/lab/hypervisor/hypervisor.js';
import { NO_VALID_HOST } from '../../../src/lab/vim/scheduler.js';
import { validateCreate } from '../../../src/lab/vim/server-rules.js';
import {
  type Flavor,
  type HostView,
  type InstanceAction,
  type Server,
  type ServerAllocation,
  type ServerCreateRequest,
  type Vim,
  VimError,
  type VimErrorCode,
  type VimMigration,
  type VimRequestOptions,
} from '../../../src/lab/vim/vim.js';

type FailableMethod = 'createServer' | 'startServer' | 'stopServer' | 'deleteServer' | 'liveMigrate';

interface FakeServer extends Server {
  status: Server['status'];
  host: string;
  allocations: ServerAllocation[];
  updated: string;
  dataPlane: Server['dataPlane'];
  fault?: NonNullable<Server['fault']>;
}

export interface FakeVimOptions {
  /** Default: compute-1 and compute-2, each 8 vCPU, 4096 MiB, 40 GiB, 8 NICs. */
  readonly hosts?: readonly { readonly name: string; readonly capacity: HostCapacity }[];
}

const DEFAULT_CAPACITY: HostCapacity = { vCpu: 8, memoryMiB: 4096, storageGiB: 40, nics: 8 };

export class FakeVim implements Vim {
  private readonly hosts: readonly { readonly name: string; readonly capacity: HostCapacity }[];
  private readonly servers = new Map<string, FakeServer>();
  private readonly migrations: VimMigration[] = [];
  private readonly actions = new Map<string, InstanceAction[]>();
  private readonly failures = new Map<FailableMethod, VimError>();
  private nextAllocation = 1;
  private nextIngressPort = 40_000;
  /** Every call, in order, as `method id` (for tests). */
  readonly calls: string[] = [];

  constructor(options: FakeVimOptions = {}) {
    this.hosts = options.hosts ?? [
      { name: 'compute-1', capacity: DEFAULT_CAPACITY },
      { name: 'compute-2', capacity: DEFAULT_CAPACITY },
    ];
  }

  /** Make the next call of `method` throw a VimError with this status and message. */
  failNext(method: FailableMethod, message: string, status: VimError['status'] = 500): void {
    this.failures.set(method, new VimError(status, message));
  }

  listHosts(): Promise<HostView[]> {
    return Promise.resolve(
      this.hosts.map((h) => {
        const allocations = this.allocationsOn(h.name);
        return { name: h.name, capacity: h.capacity, used: usage(allocations), allocations };
      }),
    );
  }

  /** As LabVim: a bad request or an unknown host is refused; no room puts the server into ERROR. */
  createServer(req: ServerCreateRequest): Promise<Server> {
    return this.guard('createServer', req.name, () => {
      validateCreate(req);
      if (req.host !== undefined && !this.hosts.some((h) => h.name === req.host))
        throw refusal(400, `Compute host ${req.host} could not be found.`, 'VIM_HOST_NOT_FOUND');
      const host = req.host ?? this.pickHost(req.flavor, null);
      const now = new Date().toISOString();
      const server: FakeServer = {
        id: randomUUID(),
        name: req.name,
        status: 'SHUTOFF',
        host: '',
        imageId: req.imageId,
        flavor: req.flavor,
        liveMigratable: req.liveMigratable,
        allocations: [],
        dataPlane: null,
        taskState: null,
        metadata: { ...req.metadata },
        created: now,
        updated: now,
      };
      if (host === null || !this.fits(host, req.flavor)) {
        server.status = 'ERROR';
        server.fault = {
          code: 500,
          message: `${NO_VALID_HOST} (${req.host ?? 'no host has room'})`,
          created: now,
        };
      } else {
        server.host = host;
        server.allocations = this.allocate(host, req.flavor);
        server.dataPlane = { ingress: { host: '127.0.0.1', port: this.nextIngressPort++ } };
      }
      this.servers.set(server.id, server);
      this.record(server.id, 'create');
      return snapshot(server);
    });
  }

  startServer(id: string, opts: VimRequestOptions = {}): Promise<Server> {
    return this.guard('startServer', id, () => {
      const server = this.require(id);
      if (server.status !== 'SHUTOFF') throw stateConflict('start', server);
      return this.transition(server, 'ACTIVE', 'start', opts.requestId);
    });
  }

  stopServer(id: string, opts: VimRequestOptions = {}): Promise<Server> {
    return this.guard('stopServer', id, () => {
      const server = this.require(id);
      if (server.status !== 'ACTIVE' && server.status !== 'ERROR') throw stateConflict('stop', server);
      delete server.fault;
      return this.transition(server, 'SHUTOFF', 'stop', opts.requestId);
    });
  }

  deleteServer(id: string, opts: VimRequestOptions = {}): Promise<void> {
    return this.guard('deleteServer', id, () => {
      if (this.servers.delete(id)) this.record(id, 'delete', opts.requestId);
    });
  }

  getServer(id: string): Promise<Server | null> {
    const server = this.servers.get(id);
    return Promise.resolve(server ? snapshot(server) : null);
  }

  listServers(): Promise<Server[]> {
    return Promise.resolve([...this.servers.values()].map(snapshot));
  }

  /**
   * Moves the server at once: new allocations on the destination, the
   * source's released. Refused, with LabVim's codes, where Nova refuses.
   */
  liveMigrate(id: string, opts: { host?: string | null } & VimRequestOptions = {}): Promise<VimMigration> {
    return this.guard('liveMigrate', id, () => {
      const server = this.require(id);
      if (server.status !== 'ACTIVE') throw stateConflict('os-migrateLive', server);
      if (!server.liveMigratable)
        throw refusal(
          409,
          `Instance ${id} may not be live-migrated: its VNFD declares no live migration.`,
          'VIM_NOT_LIVE_MIGRATABLE',
        );
      if ((server.flavor.specializedNics ?? 0) > 0)
        throw refusal(
          409,
          `Instance ${id} has specialized NICs (SR-IOV / PCI passthrough): live migration is not possible.`,
          'VIM_SPECIALIZED_NIC',
        );
      const requested = opts.host ?? null;
      if (requested !== null && !this.hosts.some((h) => h.name === requested))
        throw refusal(400, `Compute host ${requested} could not be found.`, 'VIM_HOST_NOT_FOUND');
      if (requested === server.host)
        throw new VimError(400, `Unable to migrate instance (${id}) to current host (${server.host}).`);
      const dest = requested ?? this.pickHost(server.flavor, server.host);
      if (dest === null || !this.fits(dest, server.flavor))
        throw refusal(
          400,
          `${NO_VALID_HOST} (instance ${id}, requested ${dest ?? 'any host'})`,
          'VIM_NO_VALID_HOST',
        );
      const released = server.allocations.map((a) => a.id);
      const source = server.host;
      server.allocations = this.allocate(dest, server.flavor);
      server.host = dest;
      server.updated = new Date().toISOString();
      this.record(id, 'live-migration', opts.requestId);
      const now = server.updated;
      const migration: VimMigration = {
        id: this.migrations.length + 1,
        uuid: randomUUID(),
        serverId: id,
        migrationType: 'live-migration',
        sourceHost: source,
        destHost: dest,
        status: 'completed',
        createdAt: now,
        updatedAt: now,
        memoryTotalBytes: null,
        memoryProcessedBytes: null,
        memoryRemainingBytes: null,
        rounds: null,
        bytesTransferred: null,
        setupTimeMs: null,
        totalTimeMs: 0,
        downtimeMs: null,
        memoryVerified: null,
        releasedAllocationIds: released,
        newAllocationIds: server.allocations.map((a) => a.id),
        error: null,
      };
      this.migrations.unshift(migration);
      return migration;
    });
  }

  getMigration(serverId: string, migrationId: number): Promise<VimMigration | null> {
    return Promise.resolve(
      this.migrations.find((m) => m.serverId === serverId && m.id === migrationId) ?? null,
    );
  }

  listMigrations(filter: { serverId?: string } = {}): Promise<VimMigration[]> {
    return Promise.resolve(
      this.migrations.filter((m) => filter.serverId === undefined || m.serverId === filter.serverId),
    );
  }

  /** Every migration here is finished at once: nothing to abort. */
  abortMigration(serverId: string, migrationId: number): Promise<void> {
    const m = this.migrations.find((m) => m.serverId === serverId && m.id === migrationId);
    if (m === undefined)
      return Promise.reject(
        new VimError(404, `Migration ${migrationId} for instance ${serverId} could not be found.`),
      );
    return Promise.reject(
      refusal(
        400,
        `Migration ${migrationId} state of instance ${serverId} is ${m.status}. Cannot abort live migration while the migration is in this state.`,
        'VIM_INVALID_MIGRATION_STATE',
      ),
    );
  }

  findAllocated(ids: readonly string[]): Promise<string[]> {
    const live = new Set([...this.servers.values()].flatMap((s) => s.allocations.map((a) => a.id)));
    return Promise.resolve(ids.filter((id) => live.has(id)));
  }

  instanceActions(serverId: string): Promise<InstanceAction[]> {
    if (!this.servers.has(serverId))
      return Promise.reject(new VimError(404, `Instance ${serverId} could not be found.`));
    return Promise.resolve([...(this.actions.get(serverId) ?? [])]);
  }

  close(): Promise<void> {
    this.servers.clear();
    return Promise.resolve();
  }

  /** Record the call, apply an injected failure, and turn a throw into a rejection. */
  private guard<T>(method: FailableMethod, subject: string, body: () => T): Promise<T> {
    this.calls.push(`${method} ${subject}`);
    const failure = this.failures.get(method);
    this.failures.delete(method);
    try {
      if (failure) throw failure;
      return Promise.resolve(body());
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
  }

  private require(id: string): FakeServer {
    const server = this.servers.get(id);
    if (!server) throw new VimError(404, `Instance ${id} could not be found.`);
    return server;
  }

  private transition(
    server: FakeServer,
    status: Server['status'],
    action: string,
    requestId: string | undefined,
  ): Server {
    server.status = status;
    server.updated = new Date().toISOString();
    this.record(server.id, action, requestId);
    return snapshot(server);
  }

  private record(serverId: string, action: string, requestId = `req-${randomUUID()}`): void {
    const now = new Date().toISOString();
    const list = this.actions.get(serverId) ?? [];
    list.unshift({
      action,
      requestId,
      startTime: now,
      updatedAt: now,
      message: null,
      events: [],
    });
    this.actions.set(serverId, list);
  }

  /** The host's allocations, each with the server holding it (as HostView.allocations has them). */
  private allocationsOn(host: string): ServerAllocation[] {
    return [...this.servers.values()].flatMap((s) =>
      s.allocations.filter((a) => a.host === host).map((a) => ({ ...a, serverId: s.id })),
    );
  }

  private fits(hostName: string, flavor: Flavor): boolean {
    const host = this.hosts.find((h) => h.name === hostName);
    if (!host) return false;
    const used = usage(this.allocationsOn(hostName));
    return (
      used.vCpu + flavor.vCpu <= host.capacity.vCpu &&
      used.memoryMiB + flavor.memoryMiB <= host.capacity.memoryMiB &&
      used.storageGiB + flavor.storageGiB <= host.capacity.storageGiB &&
      used.nics + flavor.nics <= host.capacity.nics
    );
  }

  /** The least loaded host (by memory, then name) that fits, other than `except`; null if none. */
  private pickHost(flavor: Flavor, except: string | null): string | null {
    const candidates = this.hosts
      .filter((h) => h.name !== except && this.fits(h.name, flavor))
      .map((h) => ({ name: h.name, usedMiB: usage(this.allocationsOn(h.name)).memoryMiB }))
      .sort((a, b) => a.usedMiB - b.usedMiB || a.name.localeCompare(b.name));
    return candidates[0]?.name ?? null;
  }

  private allocate(host: string, flavor: Flavor): ServerAllocation[] {
    const id = (): string => `alloc-${this.nextAllocation++}`;
    const specialized = flavor.specializedNics ?? 0;
    const list: ServerAllocation[] = [
      { id: id(), kind: 'vCPU', amount: flavor.vCpu, unit: 'count', host },
      { id: id(), kind: 'vMemory', amount: flavor.memoryMiB, unit: 'MiB', host },
    ];
    if (flavor.storageGiB > 0)
      list.push({ id: id(), kind: 'vStorage', amount: flavor.storageGiB, unit: 'GiB', host });
    if (flavor.nics - specialized > 0) {
      list.push({ id: id(), kind: 'vNIC', amount: flavor.nics - specialized, unit: 'count', host });
    }
    if (specialized > 0) {
      list.push({ id: id(), kind: 'vNIC', amount: specialized, unit: 'count', host, specialized: true });
    }
    return list;
  }
}

/** A refusal with its stable code. */
function refusal(status: VimError['status'], message: string, code: VimErrorCode): VimError {
  return new VimError(status, message, { code });
}

/** Nova's InstanceInvalidState, as LabVim words it. */
function stateConflict(action: string, server: Server): VimError {
  const vmState = {
    BUILD: 'building',
    SHUTOFF: 'stopped',
    ACTIVE: 'active',
    MIGRATING: 'active',
    ERROR: 'error',
  }[server.status];
  return refusal(
    409,
    `Cannot '${action}' instance ${server.id} while it is in vm_state ${vmState}`,
    'VIM_INVALID_STATE',
  );
}

function usage(allocations: readonly ServerAllocation[]): HostCapacity {
  const sum = (kind: ServerAllocation['kind']): number =>
    allocations.filter((a) => a.kind === kind).reduce((total, a) => total + a.amount, 0);
  return { vCpu: sum('vCPU'), memoryMiB: sum('vMemory'), storageGiB: sum('vStorage'), nics: sum('vNIC') };
}

/** A copy, so callers never see later changes (a real VIM answers over HTTP). */
function snapshot(server: FakeServer): Server {
  return structuredClone(server);
}
