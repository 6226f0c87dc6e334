/**
 * From SOL003 resources to the Vnfm port's values. The lab VNFM's metadata
 * extensions (protocols/sol003/vnflab-metadata.ts) give exact vResources and the data
 * plane; without them (a real VNFM) each VNFC is one compute vResource.
 */
import {
  COMPUTE_METADATA_KEY,
  DATA_PLANE_METADATA_KEY,
  labComputeSchema,
  labDataPlaneSchema,
} from '../../protocols/sol003/vnflab-metadata.js';
import type {
  LcmOperation,
  VResource,
  VnfDataPlane,
  VnfStateReport,
  VnfdResources,
} from '../../ports/vnfm.js';
import type { VnfInstance, VnfLcmOpOcc } from '../../protocols/sol003/sol003-types.js';

const PORT_OPERATIONS: Readonly<Record<string, LcmOperation['operation']>> = {
  INSTANTIATE: 'INSTANTIATE',
  OPERATE: 'OPERATE',
  TERMINATE: 'TERMINATE',
  HEAL: 'HEAL',
  SCALE: 'SCALE',
  SCALE_TO_LEVEL: 'SCALE',
  CHANGE_FLAVOUR: 'CHANGE_FLAVOUR',
  MODIFY_INFO: 'MODIFY_INFO',
};

/** A VnfLcmOpOcc as the port's LcmOperation; null for an operation the port does not model. */
export function toLcmOperation(occ: VnfLcmOpOcc): LcmOperation | null {
  const operation = PORT_OPERATIONS[occ.operation];
  if (operation === undefined) return null;
  const detail = occ.error?.detail;
  return {
    id: occ.id,
    operation,
    state: occ.operationState,
    ...(detail !== undefined ? { error: detail } : {}),
  };
}

/**
 * The plan's VNF state (later revision): INSTANTIATED + STOPPED = INACTIVE,
 * STARTED = ACTIVE; ERROR when the instance's newest LCM operation failed.
 */
export function toVnfStateReport(inst: VnfInstance, newestOp: VnfLcmOpOcc | null): VnfStateReport {
  const vnfState = inst.instantiatedVnfInfo?.vnfState;
  const base = {
    instantiationState: inst.instantiationState,
    ...(inst.instantiationState === 'INSTANTIATED' && vnfState !== undefined ? { vnfState } : {}),
  };
  if (newestOp && (newestOp.operationState === 'FAILED_TEMP' || newestOp.operationState === 'FAILED')) {
    const detail = newestOp.error?.detail ?? `${newestOp.operation} ${newestOp.operationState}`;
    return { ...base, state: 'ERROR', error: `${newestOp.operation} ${newestOp.operationState}: ${detail}` };
  }
  if (inst.instantiationState === 'NOT_INSTANTIATED') return { ...base, state: 'NOT_INSTANTIATED' };
  return { ...base, state: vnfState === 'STARTED' ? 'ACTIVE' : 'INACTIVE' };
}

/** The newest of an instance's occurrences (by startTime; later in the list wins a tie). */
export function newestOf(occs: readonly VnfLcmOpOcc[]): VnfLcmOpOcc | null {
  let newest: VnfLcmOpOcc | null = null;
  for (const occ of occs) {
    if (newest === null || Date.parse(occ.startTime) >= Date.parse(newest.startTime)) newest = occ;
  }
  return newest;
}

/**
 * The instance's vResources. With the lab's metadata: every VIM allocation
 * of every VNFC, on its current host. Without (a real VNFM, which does not
 * report hosts or amounts): per VNFC one vCPU resource named by the VIM
 * server id, and one vStorage resource per storage resource, with amounts
 * from the VNFD when known (else 0) and the host as resourceProviderId or
 * zoneId if given (else '').
 */
export function toVResources(inst: VnfInstance, vnfd: VnfdResources | null): VResource[] {
  const info = inst.instantiatedVnfInfo;
  if (!info) return [];
  const storages = info.virtualStorageResourceInfo ?? [];
  return (info.vnfcResourceInfo ?? []).flatMap((vnfc): VResource[] => {
    const computeResourceId = vnfc.computeResource.resourceId;
    const lab = labComputeSchema.safeParse(vnfc.metadata?.[COMPUTE_METADATA_KEY]);
    if (lab.success) {
      return lab.data.allocations.map((a) => ({
        id: a.id,
        kind: a.kind,
        amount: a.amount,
        unit: a.unit,
        host: lab.data.host,
        vnfcId: vnfc.id,
        computeResourceId,
        ...(a.specialized !== undefined ? { specialized: a.specialized } : {}),
      }));
    }
    const vdu = vnfd?.vdus.find((v) => v.vduId === vnfc.vduId);
    const zoneId = (vnfc as { zoneId?: unknown }).zoneId;
    const host = vnfc.computeResource.resourceProviderId ?? (typeof zoneId === 'string' ? zoneId : '');
    const common = { host, vnfcId: vnfc.id, computeResourceId };
    const disks = storages.filter((s) => vnfc.storageResourceIds?.includes(s.id));
    return [
      { id: computeResourceId, kind: 'vCPU', amount: vdu?.vCpu ?? 0, unit: 'count', ...common },
      ...disks.map((disk): VResource => ({
        id: disk.storageResource.resourceId,
        kind: 'vStorage',
        amount: vdu?.storageGiB ?? 0,
        unit: 'GiB',
        ...common,
      })),
    ];
  });
}

/** The lab's data-plane ingress from the instance metadata; null from a VNFM that does not say. */
export function toDataPlane(inst: VnfInstance): VnfDataPlane | null {
  const parsed = labDataPlaneSchema.safeParse(inst.metadata?.[DATA_PLANE_METADATA_KEY]);
  return parsed.success
    ? {
        ingress: { host: parsed.data.ingress.host, port: parsed.data.ingress.port },
        ...(parsed.data.managementUrl !== undefined ? { managementUrl: parsed.data.managementUrl } : {}),
      }
    : null;
}
