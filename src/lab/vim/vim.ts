/**
 * The lab's VIM, as the lab's VNFM and the Nova-compatible compute API see
 * it (in-process). It owns the inventory of hosts and vResources, places
 * servers, and orchestrates migrations between compute hosts.
 *
 * Shapes follow Nova where one exists (server status, migration record
 * fields), so the Nova HTTP subset in `vim/nova/` is a thin mapping.
 */
import type { HypervisorMigrationFigures } from '../../ports/migrator.js';
import type { VResourceType } from '../../ports/vnfm.js';
import type { Endpoint } from '../../util/outcome.js';
import type {
  HostCapacity,
  MigrationParams,
  VResourceAllocation,
  VnfBootConfig,
} from '../hypervisor/hypervisor.js';
import { VnflabError } from '../../util/errors.js';

export interface Flavor {
  readonly vCpu: number;
  readonly memoryMiB: number;
  readonly storageGiB: number;
  readonly nics: number;
  /** NICs that are specialized hardware (SR-IOV / PCI passthrough): no live migration. */
  readonly specializedNics?: number;
}

export interface ServerCreateRequest {
  readonly name: string;
  readonly imageId: string;
  readonly flavor: Flavor;
  readonly vnf: VnfBootConfig;
  /** From the VNFD: may this server be live-migrated at all. */
  readonly liveMigratable: boolean;
  /** Pin to a host (else the scheduler picks the least loaded that fits). */
  readonly host?: string;
  readonly metadata?: Readonly<Record<string, string>>;
}

/** Nova server status values the lab uses. */
export type ServerStatus = 'BUILD' | 'SHUTOFF' | 'ACTIVE' | 'MIGRATING' | 'ERROR';

export interface ServerAllocation extends VResourceAllocation {
  readonly host: string;
  /** The server (VM) holding it; set in {@link HostView.allocations}. */
  readonly serverId?: string;
}

export interface Server {
  readonly id: string;
  readonly name: string;
  readonly status: ServerStatus;
  /** OS-EXT-SRV-ATTR:host */
  readonly host: string;
  readonly imageId: string;
  readonly flavor: Flavor;
  readonly liveMigratable: boolean;
  /** vResources in use now (on `host`). */
  readonly allocations: readonly ServerAllocation[];
  /** The VNF's fixed ingress on the lab fabric. */
  readonly dataPlane: { readonly ingress: Endpoint } | null;
  /**
   * The VNF's management interface (`POST {url}/migrate-request`), at a
   * stable fabric address that follows the VNF across hosts; null without one.
   */
  readonly management?: { readonly url: string } | null;
  /** OS-EXT-STS:task_state, e.g. 'migrating'. */
  readonly taskState: string | null;
  readonly metadata: Readonly<Record<string, string>>;
  readonly created: string;
  readonly updated: string;
  readonly fault?: { readonly message: string; readonly code: number; readonly created: string };
}

export interface HostView {
  readonly name: string;
  readonly capacity: HostCapacity;
  readonly used: HostCapacity;
  readonly allocations: readonly ServerAllocation[];
}

/** Nova migration status values (os-migrations / servers/{id}/migrations). */
export type VimMigrationStatus =
  'queued' | 'preparing' | 'running' | 'completed' | 'failed' | 'cancelling' | 'cancelled' | 'error';

export interface MigrationTimeline {
  readonly pausedAtNs: string | null;
  readonly resumedAtNs: string | null;
  readonly switchedAtNs: string | null;
  readonly firstForwardAtNs: string | null;
}

/** What a migration moved, before and after, per vResource kind it touched. */
export interface VResourceChanges {
  /** The vResource type the request asked for. */
  readonly vResourceType: VResourceType;
  /** 'server': the whole VM moved host; else the one vResource kind that moved within its host. */
  readonly moved: 'server' | 'vCPU' | 'vStorage' | 'vNIC';
  readonly before: Readonly<Record<string, unknown>>;
  readonly after: Readonly<Record<string, unknown>>;
}

export interface VimMigration {
  readonly id: number;
  readonly uuid: string;
  readonly serverId: string;
  readonly migrationType: 'live-migration' | 'migration';
  readonly sourceHost: string;
  readonly destHost: string;
  readonly status: VimMigrationStatus;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly memoryTotalBytes: number | null;
  readonly memoryProcessedBytes: number | null;
  readonly memoryRemainingBytes: number | null;
  /** Hypervisor figures once finished. */
  readonly rounds: number | null;
  readonly bytesTransferred: number | null;
  readonly setupTimeMs: number | null;
  readonly totalTimeMs: number | null;
  /** Source pause to the first packet forwarded by the destination (or its resume, without traffic), ms. */
  readonly downtimeMs: number | null;
  readonly memoryVerified: boolean | null;
  /**
   * The switch-over as the lab saw it, monotonic ns (process.hrtime, comparable
   * with the traffic's send and arrival times): source paused, destination
   * resumed, fabric learnt the new location, destination forwarded its first
   * packet. Null until known (optional: other VIMs do not have it).
   */
  readonly timeline?: MigrationTimeline | null;
  /** The hypervisor's own figures (QEMU hosts: query-migrate), null or absent where it has none. */
  readonly hypervisor?: HypervisorMigrationFigures | null;
  /** Allocation ids released on the source / taken on the destination. */
  readonly releasedAllocationIds: readonly string[];
  readonly newAllocationIds: readonly string[];
  readonly error: string | null;
  /** The server's flavor (old = new for a live migration). */
  readonly flavor?: Flavor;
  /** The vResource type requested (lab); absent: the whole server ('any'). */
  readonly vResourceType?: VResourceType;
  /** What moved and how it looked before / after (lab; null until completed). */
  readonly vResourceChanges?: VResourceChanges | null;
  /** The volume's digest matched after the move (lab; null: no volume or not known). */
  readonly storageVerified?: boolean | null;
  /** Volume bytes to copy / copied / still dirty (Nova's disk_*_bytes; lab). */
  readonly diskTotalBytes?: number | null;
  readonly diskProcessedBytes?: number | null;
  readonly diskRemainingBytes?: number | null;
}

/** A server's traffic counters (from its VNF) for load-based triggers. */
export interface ServerStats {
  readonly received: number;
  readonly forwarded: number;
  /** Datagrams forwarded during the last second. */
  readonly packetRateHz: number;
}

/** Nova instance action (os-instance-actions). */
export interface InstanceAction {
  readonly action: string;
  readonly requestId: string;
  readonly startTime: string;
  readonly updatedAt: string;
  readonly message: string | null;
  readonly events: readonly InstanceActionEvent[];
}

/** One event of an instance action (Nova's instance_actions_events). */
export interface InstanceActionEvent {
  readonly event: string;
  readonly startTime: string;
  readonly finishTime: string | null;
  /** 'Success' / 'Error'; null while running. */
  readonly result: string | null;
  /** Why it failed (Nova keeps the traceback here). */
  readonly traceback?: string | null;
  /** Compute host the event ran on (Nova's `host`, microversion 2.62). */
  readonly host?: string;
}

/** Stable codes of {@link VimError}: callers and tests match on these. */
export type VimErrorCode =
  | 'VIM_BAD_REQUEST'
  | 'VIM_NOT_FOUND'
  | 'VIM_CONFLICT'
  | 'VIM_INTERNAL'
  | 'VIM_NO_VALID_HOST'
  | 'VIM_HOST_NOT_FOUND'
  | 'VIM_INVALID_STATE'
  | 'VIM_MIGRATION_IN_PROGRESS'
  | 'VIM_NOT_LIVE_MIGRATABLE'
  | 'VIM_SPECIALIZED_NIC'
  | 'VIM_INVALID_MIGRATION_STATE'
  | 'VIM_START_FAILED'
  | 'VIM_STOP_FAILED';

const DEFAULT_CODES: Record<VimError['status'], VimErrorCode> = {
  400: 'VIM_BAD_REQUEST',
  404: 'VIM_NOT_FOUND',
  409: 'VIM_CONFLICT',
  500: 'VIM_INTERNAL',
};

/** Errors carry a Nova-like HTTP status so the API layer can map them, and a stable code. */
export class VimError extends VnflabError {
  readonly code: VimErrorCode;
  constructor(
    readonly status: 400 | 404 | 409 | 500,
    message: string,
    options?: { cause?: unknown; code?: VimErrorCode },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'VimError';
    this.code = options?.code ?? DEFAULT_CODES[status];
  }
}

/**
 * Codes of the errors a compute host or the fabric fails a call with when it
 * did not answer in time or is gone (hypervisor/process errors.ts,
 * fabric-client.ts): the APIs answer these with 503, not a bare 500.
 */
const UNAVAILABLE_CODES: ReadonlySet<unknown> = new Set([
  'TIMEOUT',
  'HOST_GONE',
  'FABRIC_TIMEOUT',
  'FABRIC_GONE',
]);

/** Did the call fail because a host or the fabric did not answer (in `e` or its causes)? */
export function isUnavailable(e: unknown): boolean {
  for (let cause = e, depth = 0; cause instanceof Error && depth < 5; cause = cause.cause, depth++)
    if (UNAVAILABLE_CODES.has((cause as { code?: unknown }).code)) return true;
  return false;
}

/** Options every mutating call accepts: the API request id, recorded in the instance action. */
export interface VimRequestOptions {
  /** Nova's x-openstack-request-id ('req-<uuid>'); generated when absent. */
  readonly requestId?: string;
}

export interface Vim {
  listHosts(): Promise<HostView[]>;
  createServer(req: ServerCreateRequest): Promise<Server>;
  /** Boot the VNF (Nova os-start); resolves once it runs. */
  startServer(id: string, opts?: VimRequestOptions): Promise<Server>;
  /** Nova os-stop. */
  stopServer(id: string, opts?: VimRequestOptions): Promise<Server>;
  /** Free everything; idempotent on an already deleted server. */
  deleteServer(id: string, opts?: VimRequestOptions): Promise<void>;
  getServer(id: string): Promise<Server | null>;
  listServers(): Promise<Server[]>;
  /**
   * Nova os-migrateLive: validates and starts the migration, resolving with
   * the queued record; the move goes on in the background.
   */
  liveMigrate(
    id: string,
    opts?: {
      host?: string | null;
      params?: Partial<Omit<MigrationParams, 'dest' | 'mode'>>;
      /**
       * Lab: which vResource to move. vStorage and vNIC move alone within the
       * server's host unless another host is named; vCPU re-pins within the
       * host when `host` names the current host, else moves the server;
       * vMemory and any (the default) move the whole server.
       */
      vResourceType?: VResourceType;
    } & VimRequestOptions,
  ): Promise<VimMigration>;
  /**
   * Nova `migrate` (cold migration): the VNF is stopped for the move and
   * comes back in the power state it had; resolves with the queued record.
   * Optional: a Vim without an offline path leaves it out.
   */
  coldMigrate?(id: string, opts?: { host?: string | null } & VimRequestOptions): Promise<VimMigration>;
  getMigration(serverId: string, migrationId: number): Promise<VimMigration | null>;
  /** os-migrations, newest first; optionally for one server. */
  listMigrations(filter?: { serverId?: string }): Promise<VimMigration[]>;
  /** DELETE /servers/{id}/migrations/{migration_id}. */
  abortMigration(serverId: string, migrationId: number, opts?: VimRequestOptions): Promise<void>;
  /** Of the given allocation ids, those still allocated on some host. */
  findAllocated(ids: readonly string[]): Promise<string[]>;
  instanceActions(serverId: string): Promise<InstanceAction[]>;
  /**
   * The server's VNF counters on its current host, for load-based triggers
   * (optional: a Vim without VNF counters leaves it out). The counters live
   * in guest memory and move with the VNF; the rate covers the last second
   * on the current host (just after a move, only the time since the resume).
   */
  serverStats?(id: string): Promise<ServerStats>;
  /** Shut down every host and the fabric. */
  close(): Promise<void>;
}
