/**
 * What the lab's VIM needs from a compute host, whatever the hypervisor
 * (`process/`: hosts are OS processes and the VNF a UDP forwarder with guest
 * memory; `qemu/`: hosts are network namespaces and the VNF a Linux guest).
 *
 * Instants are monotonic nanoseconds from `process.hrtime.bigint()` (one
 * system-wide clock on Linux, see util/clock.ts), carried as decimal strings
 * so they survive IPC and JSON.
 */
import type { VnfLicense } from '../../ports/vnf-configurator.js';
import type { HypervisorMigrationFigures } from '../../ports/migrator.js';
import type { VResourceKind } from '../../ports/vnfm.js';
import type { Endpoint } from '../../util/outcome.js';

/** Capacity of a compute host. */
export interface HostCapacity {
  readonly vCpu: number;
  readonly memoryMiB: number;
  readonly storageGiB: number;
  readonly nics: number;
  /**
   * Storage pools the host's storage is split into, equally (default 2): a
   * volume can move to another pool of the same host while the VNF runs
   * (vResourceType vStorage) without its compute moving.
   */
  readonly storagePools?: number;
}

/** One allocation of a host's capacity to a VM: a vResource with an id. */
export interface VResourceAllocation {
  /** Unique across the lab; a VM moved to another host gets new ids. */
  readonly id: string;
  readonly kind: VResourceKind;
  readonly amount: number;
  readonly unit: 'count' | 'MiB' | 'GiB';
  /** vNIC only: specialized hardware (SR-IOV / PCI passthrough) - blocks live migration. */
  readonly specialized?: boolean;
  /** vCPU only: the host cores (numbered 0..capacity.vCpu-1) the vCPUs are pinned to, one per vCPU. */
  readonly pinnedCores?: readonly number[];
  /** vStorage only: the storage pool holding the VM's volume. */
  readonly pool?: string;
}

/** What the VNF boots with (cloud-init user data, in a real VIM). */
export interface VnfBootConfig {
  /** Where the VNF forwards every datagram it receives (the traffic sink). */
  readonly egress: Endpoint;
  /** Background page-dirtying rate of the VNF's workload, 4 KiB pages per second. */
  readonly dirtyPagesPerSec: number;
  /** Bytes of guest memory written per forwarded packet (packet buffer ring). */
  readonly bytesDirtiedPerPacket?: number;
  readonly license?: VnfLicense;
  /** The user's VNF configuration (vnfConfigFile), applied by the VNF. */
  readonly config?: Record<string, unknown>;
  /**
   * Where the VNF asks its VNFM for a migration (trigger type `vnf`), set by
   * the VNFM at instantiation: `POST` with `{ initiator: 'VNF', vResourceType }`.
   */
  readonly vnfmMigrateUrl?: string;
  /** The VNF's writes to its volume (when the flavor has storage). */
  readonly storage?: VnfStorageWorkload;
}

/** How the VNF writes its volume: a journal record per N packets and background block writes. */
export interface VnfStorageWorkload {
  /** One journal record per this many forwarded packets (default 8; 0 = no journal). */
  readonly journalEveryPackets?: number;
  /** Background 4 KiB writes to random blocks per second (default 50). */
  readonly blockWritesPerSec?: number;
}

export interface VmSpec {
  /** Same as the VIM server id. */
  readonly vmId: string;
  readonly vCpu: number;
  readonly memoryMiB: number;
  readonly storageGiB: number;
  readonly nics: number;
  /** How many of `nics` are specialized hardware. */
  readonly specializedNics?: number;
  readonly vnf: VnfBootConfig;
}

export type VmState = 'CREATED' | 'RUNNING' | 'STOPPED' | 'MIGRATING_OUT' | 'INCOMING' | 'PAUSED' | 'ERROR';

export interface VmInfo {
  readonly vmId: string;
  readonly host: string;
  readonly state: VmState;
  readonly allocations: readonly VResourceAllocation[];
  /** Host-side UDP address the VNF receives on (the fabric delivers here). */
  readonly dataEndpoint: Endpoint | null;
  /** The VNF's management HTTP endpoint on this host (null while it is not running). */
  readonly managementEndpoint?: Endpoint | null;
  readonly counters: {
    readonly received: number;
    readonly forwarded: number;
    readonly droppedWhilePaused: number;
    /** Datagrams forwarded during the last second (0 when not running). */
    readonly packetRateHz?: number;
  };
  readonly error?: string;
}

/** Parameters of one migration, QEMU-like (migrate-set-parameters). */
export interface MigrationParams {
  /** The destination host's migration listener (from prepareIncoming). */
  readonly dest: Endpoint;
  readonly mode: 'live' | 'offline';
  /** max-bandwidth, bytes per second. */
  readonly bandwidthBytesPerSec: number;
  /** downtime-limit: stop-and-copy once the remaining dirty set is estimated to fit, ms. */
  readonly downtimeLimitMs: number;
  /** Force stop-and-copy after this many pre-copy rounds. */
  readonly maxRounds: number;
}

/** Progress while migrating (QEMU query-migrate's ram section). */
export interface MigrationProgress {
  readonly round: number;
  readonly totalBytes: number;
  readonly transferredBytes: number;
  readonly remainingBytes: number;
  readonly dirtyPagesRate: number;
}

/** Source side result. */
export interface SourceMigrationResult {
  readonly ok: boolean;
  readonly reason?: string;
  readonly rounds: number;
  readonly bytesTransferred: number;
  readonly pagesTransferred: number;
  readonly startedAtNs: string;
  /** When the source VM stopped running (stop-and-copy began). */
  readonly pausedAtNs: string | null;
  readonly completedAtNs: string;
  /** SHA-256 of guest memory at the pause. */
  readonly memoryDigest: string | null;
  /** SHA-256 of the volume's allocated blocks at the pause (null: no volume). */
  readonly volumeDigest?: string | null;
  /** Volume blocks sent (block migration along with the memory). */
  readonly blocksTransferred?: number;
  /** The hypervisor's own figures (QEMU hosts), passed on by the VIM unchanged. */
  readonly hypervisor?: HypervisorMigrationFigures;
}

/** Destination side events. */
export interface IncomingResult {
  readonly vmId: string;
  readonly ok: boolean;
  readonly reason?: string;
  /** When the destination VM started running. */
  readonly resumedAtNs: string | null;
  /** SHA-256 of guest memory as received, at the instant of resume. */
  readonly memoryDigest: string | null;
  /** SHA-256 of the volume as received, at the instant of resume (null: no volume). */
  readonly volumeDigest?: string | null;
}

/** The vResource kinds that can move alone, within the VM's host (lab). */
export type MovableVResourceKind = 'vCPU' | 'vStorage' | 'vNIC';

/**
 * A move of one vResource of a running VM within its host:
 * - vCPU: re-pin to other free cores of the host (the VNF keeps running, as
 *   with `virsh vcpupin`);
 * - vStorage: mirror the volume to another storage pool of the host while
 *   the VNF writes (dirty-block tracking, QEMU drive-mirror), then pivot;
 * - vNIC: plug a new port, unplug the old one, announce the new location to
 *   the fabric (a short disruption while the fabric re-learns).
 */
export interface VResourceMoveRequest {
  readonly kind: MovableVResourceKind;
  /** vStorage: mirror bandwidth, bytes per second. */
  readonly bandwidthBytesPerSec: number;
  /** vStorage: pivot once the remaining dirty blocks fit this, ms. */
  readonly downtimeLimitMs: number;
  /** vStorage: pivot after this many mirror rounds at the latest. */
  readonly maxRounds: number;
}

/** What one vResource move changed, as values to compare. */
export interface VResourceMoveResult {
  readonly ok: boolean;
  readonly reason?: string;
  readonly kind: MovableVResourceKind;
  /** Allocations given up / taken (only of `kind`). */
  readonly released: readonly VResourceAllocation[];
  readonly added: readonly VResourceAllocation[];
  /** The moved resource before and after: cores, pool or data endpoint. */
  readonly before: Record<string, unknown>;
  readonly after: Record<string, unknown>;
  readonly startedAtNs: string;
  /** The switch-over: I/O quiesced / old port unplugged (null: nothing stopped). */
  readonly pausedAtNs: string | null;
  /** The switch-over done: pivoted / new port announced. */
  readonly resumedAtNs: string | null;
  readonly completedAtNs: string;
  readonly rounds: number;
  readonly bytesTransferred: number;
  /** vStorage: the new volume's digest equals the old one's at the pivot; else null. */
  readonly dataVerified: boolean | null;
  /** vStorage: SHA-256 of the volume at the pivot. */
  readonly dataDigest: string | null;
}

export interface ComputeHost {
  readonly name: string;
  readonly capacity: HostCapacity;
  /** Allocations of every VM on the host, by VM. */
  inventory(): Promise<Record<string, readonly VResourceAllocation[]>>;
  /** Allocate the VM's vResources and guest memory; the VNF is not running yet (SHUTOFF). */
  createVm(spec: VmSpec): Promise<VmInfo>;
  /** Boot / resume the VNF: it checks its license, applies its config and forwards. */
  startVm(vmId: string): Promise<VmInfo>;
  stopVm(vmId: string): Promise<VmInfo>;
  /** Free everything the VM holds on this host. Idempotent. */
  destroyVm(vmId: string): Promise<void>;
  getVm(vmId: string): Promise<VmInfo | null>;
  /** Destination: allocate vResources for an incoming VM and listen for its memory (QEMU -incoming). */
  prepareIncoming(spec: VmSpec): Promise<{ migrationEndpoint: Endpoint; vm: VmInfo }>;
  /** Source: run the migration to `params.dest`; resolves when the source side is done. */
  migrateOut(
    vmId: string,
    params: MigrationParams,
    onProgress?: (p: MigrationProgress) => void,
  ): Promise<SourceMigrationResult>;
  /**
   * Move one vResource of a running VM within this host (optional: a host
   * without it moves whole VMs only). Resolves when done or failed; the VM
   * keeps running either way.
   */
  moveVResource?(
    vmId: string,
    req: VResourceMoveRequest,
    onProgress?: (p: MigrationProgress) => void,
  ): Promise<VResourceMoveResult>;
  /** Cancel a running migrateOut or moveVResource; the source VM keeps running (migrate_cancel). */
  cancelMigration(vmId: string): Promise<void>;
  /** Destination finished receiving (resolves once per prepareIncoming). */
  waitIncoming(vmId: string): Promise<IncomingResult>;
  /** First datagram the VM forwarded after `afterNs`, as monotonic ns; null if none within timeoutMs. */
  firstForwardAfter(vmId: string, afterNs: string, timeoutMs: number): Promise<string | null>;
  /** Stop the host process, freeing everything. */
  shutdown(): Promise<void>;
}

/**
 * The lab's fabric: a learning switch between the traffic generator and the
 * VNFs. Each VM has a fixed ingress address on the fabric; the fabric
 * delivers to the VM's current location, which it learns from the VM's own
 * announcement when it starts or resumes (QEMU's self-announce / RARP).
 */
export interface Fabric {
  /** Control endpoint the hosts send announcements to. */
  readonly controlEndpoint: Endpoint;
  /** Create (or return) the VM's ingress port on the fabric. */
  attach(vmId: string): Promise<Endpoint>;
  detach(vmId: string): Promise<void>;
  /** Where the fabric currently delivers the VM's traffic, and when it learnt it (monotonic ns). */
  location(vmId: string): Promise<{ endpoint: Endpoint; learntAtNs: string } | null>;
  /**
   * The VM's stable management address (from attach on): it relays to the
   * management endpoint the VM announced last, so it survives migration.
   * Null when the VM is not attached. Optional: a fabric without a
   * management relay leaves it out.
   */
  management?(vmId: string): Promise<Endpoint | null>;
  shutdown(): Promise<void>;
}
