/**
 * Vnfm port: the spec's VNFM.VNF, VNFRECORD and VNFM.VNFD modules.
 *
 * Drivers speak a VNFM's northbound API; the reference one is ETSI SOL003
 * VNF LCM v2 (`drivers/sol003`), which the embedded lab's VNFM also serves.
 * Task operations resolve when the VNFM has accepted them (SOL003: 202 +
 * Location of a `vnf_lcm_op_occs` resource); callers poll the returned
 * {@link LcmOperation} and the VNF state, as the spec's steps 2 and 4 do.
 */
import type { Endpoint } from '../util/outcome.js';

/** The spec's vResource types (tcInput.vResourceType). */
export const V_RESOURCE_TYPES = ['vMemory', 'vCPU', 'vStorage', 'vNIC', 'any'] as const;
export type VResourceType = (typeof V_RESOURCE_TYPES)[number];

/** Kinds of a single VIM-level allocation. */
export type VResourceKind = 'vCPU' | 'vMemory' | 'vStorage' | 'vNIC';

/**
 * The spec's VNF states. Per the plan's later revision: "Inactive" =
 * instantiationState INSTANTIATED with vnfState STOPPED; "Active" = vnfState
 * STARTED.
 */
export type VnfState = 'NOT_INSTANTIATED' | 'INACTIVE' | 'ACTIVE' | 'ERROR';

/** VNFRECORD: the VNFM's record of one VNF instance (SOL003 VnfInstance). */
export interface VnfRecord {
  readonly vnfInstanceId: string;
  readonly vnfdId: string;
  readonly vnfInstanceName: string;
}

/** One VIM-level allocation in use by a VNFC (e.g. the vMemory of a server on a host). */
export interface VResource {
  /** VIM id of the allocation; a migrated resource gets a new id. */
  readonly id: string;
  readonly kind: VResourceKind;
  /** vCPU count, MiB of memory, GiB of storage, or NIC count. */
  readonly amount: number;
  readonly unit: 'count' | 'MiB' | 'GiB';
  /** Compute host the allocation lives on. */
  readonly host: string;
  readonly vnfcId: string;
  /** SOL003 vnfcResourceInfo[].computeResource.resourceId (the VIM server id). */
  readonly computeResourceId: string;
  /** vNIC only: a NIC of specialized hardware (SR-IOV, PCI passthrough). */
  readonly specialized?: boolean;
}

/** Resources a VNFD declares for one VDU (VNFM.VNFD.GetvResourceList(SwImageID, INITIAL)). */
export interface VduResources {
  readonly vduId: string;
  readonly swImageId: string;
  readonly vCpu: number;
  readonly memoryMiB: number;
  readonly storageGiB: number;
  readonly nics: number;
  /** Migration the VNFD says this VDU supports. */
  readonly migration: 'LIVE' | 'OFFLINE' | 'NONE';
}

export interface VnfdResources {
  readonly vnfdId: string;
  readonly flavourId: string;
  readonly vdus: readonly VduResources[];
}

/** SOL003 LcmOperationStateType. */
export type LcmOperationState =
  'STARTING' | 'PROCESSING' | 'COMPLETED' | 'FAILED_TEMP' | 'FAILED' | 'ROLLING_BACK' | 'ROLLED_BACK';

export interface LcmOperation {
  /** vnfLcmOpOccId */
  readonly id: string;
  readonly operation:
    'INSTANTIATE' | 'OPERATE' | 'TERMINATE' | 'HEAL' | 'SCALE' | 'CHANGE_FLAVOUR' | 'MODIFY_INFO';
  readonly state: LcmOperationState;
  /** ProblemDetails.detail when the operation failed. */
  readonly error?: string;
}

export interface InstantiateRequest {
  readonly flavourId: string;
  /** The spec's SwImageID: the VNFD must declare it, else instantiation is refused. */
  readonly swImageId: string;
  readonly instantiationLevelId?: string;
  /** SOL003 additionalParams: VNF config, license and data-plane settings go here. */
  readonly additionalParams?: Record<string, unknown>;
}

export interface VnfStateReport {
  readonly state: VnfState;
  readonly instantiationState: 'NOT_INSTANTIATED' | 'INSTANTIATED';
  readonly vnfState?: 'STARTED' | 'STOPPED';
  /** Set when the last LCM operation on the instance failed. */
  readonly error?: string;
}

/** Where traffic enters the VNF, when the VNFM (or the lab) can tell. */
export interface VnfDataPlane {
  readonly ingress: Endpoint;
  /** The VNF's own management interface (HTTP base URL), where it has one. */
  readonly managementUrl?: string;
}

export interface Vnfm {
  readonly name: string;
  /** VNFRECORD.Create - SOL003 POST /vnf_instances. */
  createVnfRecord(req: { vnfdId: string; vnfInstanceName: string; description?: string }): Promise<VnfRecord>;
  /** VNFM.VNF.Instantiate - POST /vnf_instances/{id}/instantiate. */
  instantiate(vnf: VnfRecord, req: InstantiateRequest): Promise<LcmOperation>;
  /** VNFM.VNF.Start - POST /vnf_instances/{id}/operate {changeStateTo: STARTED}. */
  start(vnf: VnfRecord): Promise<LcmOperation>;
  /** VNFM.VNF.Stop - POST /vnf_instances/{id}/operate {changeStateTo: STOPPED}. */
  stop(vnf: VnfRecord): Promise<LcmOperation>;
  /** VNFM.VNF.Terminate - POST /vnf_instances/{id}/terminate (FORCEFUL unless a graceful timeout is given). */
  terminate(vnf: VnfRecord, opts?: { gracefulTimeoutS?: number }): Promise<LcmOperation>;
  /** VNFRECORD.Delete - DELETE /vnf_instances/{id}. */
  deleteVnfRecord(vnf: VnfRecord): Promise<void>;
  /** Current state of one LCM operation occurrence - GET /vnf_lcm_op_occs/{id}. */
  getLcmOperation(id: string): Promise<LcmOperation>;
  /** VNFM.VNF.GetVNFState - from GET /vnf_instances/{id}. */
  getVnfState(vnf: VnfRecord): Promise<VnfStateReport>;
  /** VNFM.VNF.GetvResourceList - from instantiatedVnfInfo (vnfcResourceInfo, virtualStorageResourceInfo, extCpInfo). */
  getVResourceList(vnf: VnfRecord): Promise<VResource[]>;
  /** VNFM.VNFD.GetvResourceList(SwImageID, INITIAL) - what the VNFD declares. */
  getVnfdVResourceList(vnfdId: string): Promise<VnfdResources>;
  /** Data-plane address of the VNF, if the VNFM exposes it (the lab does, in the instance's metadata). */
  getDataPlane(vnf: VnfRecord): Promise<VnfDataPlane | null>;
  /** Release connections and timers. */
  close(): Promise<void>;
}
