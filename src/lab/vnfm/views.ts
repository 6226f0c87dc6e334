/**
 * SOL003 representations of the lab VNFM's records. A VnfInstance is
 * rendered from the VIM's current view on every read, so a migration shows
 * at once: the VNFC's host and allocation ids in `metadata`, and a new
 * storage resource id (the vStorage allocation moves with the server).
 */
import type {
  ResourceHandle,
  VirtualStorageResourceInfo,
  VnfExtCpInfo,
  VnfInstance,
  VnfLcmOpOcc,
  VnfcResourceInfo,
} from '../../protocols/sol003/sol003-types.js';
import type { Server, Vim } from '../vim/vim.js';
import type { LabVnfd } from '../../protocols/sol003/vnflab-vnfd.js';
import {
  COMPUTE_METADATA_KEY,
  DATA_PLANE_METADATA_KEY,
  type LabComputeMetadata,
  type LabDataPlaneMetadata,
} from '../../protocols/sol003/vnflab-metadata.js';
import type { LcmOpOccRecord, VnfInstanceRecord, VnfcRecord } from './lcm-records.js';

/** URIs of the VNF LCM API below one apiRoot (SOL003 §5.1). */
export class LcmUris {
  readonly base: string;
  constructor(readonly apiRoot: string) {
    this.base = `${apiRoot}/vnflcm/v2`;
  }
  vnfInstance(id: string): string {
    return `${this.base}/vnf_instances/${id}`;
  }
  opOcc(id: string): string {
    return `${this.base}/vnf_lcm_op_occs/${id}`;
  }
  subscriptions(): string {
    return `${this.base}/subscriptions`;
  }
}

function computeMetadata(server: Server | null): LabComputeMetadata {
  if (!server) return { host: '', status: 'DELETED', taskState: null, allocations: [] };
  return {
    host: server.host,
    status: server.status,
    taskState: server.taskState,
    allocations: server.allocations.map((a) => ({
      id: a.id,
      kind: a.kind,
      amount: a.amount,
      unit: a.unit,
      ...(a.specialized !== undefined ? { specialized: a.specialized } : {}),
    })),
  };
}

/** Render a VnfInstance (SOL003 §5.5.2.2), reading every VNFC's server from the VIM. */
export async function renderVnfInstance(
  inst: VnfInstanceRecord,
  vnfd: LabVnfd,
  vim: Vim,
  uris: LcmUris,
): Promise<VnfInstance> {
  const self = uris.vnfInstance(inst.id);
  const vimConnectionId = Object.keys(inst.vimConnectionInfo)[0];
  const servers = await Promise.all(inst.vnfcs.map((vnfc) => vim.getServer(vnfc.serverId)));
  const handle = (resourceId: string, vimLevelResourceType: string): ResourceHandle => ({
    ...(vimConnectionId !== undefined ? { vimConnectionId } : {}),
    resourceId,
    vimLevelResourceType,
  });

  const vnfcResourceInfo: VnfcResourceInfo[] = [];
  const virtualStorageResourceInfo: VirtualStorageResourceInfo[] = [];
  inst.vnfcs.forEach((vnfc: VnfcRecord, i) => {
    const server = servers[i] ?? null;
    const vdu = vnfd.vdus.find((v) => v.vduId === vnfc.vduId);
    const storageId = `${vnfc.id}-storage`;
    const hasStorage = (vdu?.storageGiB ?? 0) > 0;
    if (vdu && hasStorage) {
      const disk = server?.allocations.find((a) => a.kind === 'vStorage');
      virtualStorageResourceInfo.push({
        id: storageId,
        virtualStorageDescId: vdu.virtualStorageDescId,
        vnfdId: vnfd.vnfdId,
        // The lab's disk is local to the host: its VIM id is the vStorage allocation.
        storageResource: handle(disk?.id ?? `${vnfc.serverId}-disk`, 'vnflab.LocalDisk'),
        metadata: { sizeGiB: vdu.storageGiB, host: server?.host ?? '' },
      });
    }
    vnfcResourceInfo.push({
      id: vnfc.id,
      vduId: vnfc.vduId,
      vnfdId: vnfd.vnfdId,
      computeResource: handle(vnfc.serverId, 'OS::Nova::Server'),
      ...(hasStorage ? { storageResourceIds: [storageId] } : {}),
      vnfcCpInfo: Array.from({ length: vdu?.nics ?? 0 }, (_, n) => ({
        id: `${vnfc.id}-cp${n}`,
        cpdId: `${vnfc.vduId}-cp${n}`,
        ...(i === 0 && n === 0 ? { vnfExtCpId: `${inst.id}-ingress` } : {}),
      })),
      metadata: { [COMPUTE_METADATA_KEY]: computeMetadata(server) },
    });
  });

  const ingressServer = servers.find((s) => s?.dataPlane);
  const dataPlane: LabDataPlaneMetadata | null = ingressServer?.dataPlane
    ? {
        ingress: { host: ingressServer.dataPlane.ingress.host, port: ingressServer.dataPlane.ingress.port },
        ...(ingressServer.management ? { managementUrl: ingressServer.management.url } : {}),
      }
    : null;
  const firstVnfc = inst.vnfcs[0];
  // The VNF's external CP: the first VNFC's first NIC, where traffic enters.
  // cpProtocolInfo stays empty: the bundled OpenAPI's ipOverEthernet `oneOf`
  // cannot be satisfied by any address; the address is in `metadata`.
  const extCpInfo: VnfExtCpInfo[] =
    firstVnfc && (vnfd.vdus.find((v) => v.vduId === firstVnfc.vduId)?.nics ?? 0) > 0
      ? [
          {
            id: `${inst.id}-ingress`,
            cpdId: 'ingress',
            cpConfigId: 'default',
            cpProtocolInfo: [],
            associatedVnfcCpId: `${firstVnfc.id}-cp0`,
            ...(dataPlane ? { metadata: { ...dataPlane } } : {}),
          },
        ]
      : [];

  const instantiated = inst.instantiationState === 'INSTANTIATED';
  const links: Record<string, { href: string }> = instantiated
    ? { terminate: { href: `${self}/terminate` }, operate: { href: `${self}/operate` } }
    : { instantiate: { href: `${self}/instantiate` } };
  return {
    id: inst.id,
    ...(inst.vnfInstanceName !== undefined ? { vnfInstanceName: inst.vnfInstanceName } : {}),
    ...(inst.vnfInstanceDescription !== undefined
      ? { vnfInstanceDescription: inst.vnfInstanceDescription }
      : {}),
    vnfdId: vnfd.vnfdId,
    vnfProvider: vnfd.vnfProvider,
    vnfProductName: vnfd.vnfProductName,
    vnfSoftwareVersion: vnfd.vnfSoftwareVersion,
    vnfdVersion: vnfd.vnfdVersion,
    ...(Object.keys(inst.vimConnectionInfo).length > 0 ? { vimConnectionInfo: inst.vimConnectionInfo } : {}),
    instantiationState: inst.instantiationState,
    ...(instantiated
      ? {
          instantiatedVnfInfo: {
            flavourId: inst.flavourId ?? vnfd.flavourId,
            vnfState: inst.vnfState ?? 'STOPPED',
            ...(extCpInfo.length > 0 ? { extCpInfo } : {}),
            vnfcResourceInfo,
            virtualStorageResourceInfo,
          },
        }
      : {}),
    metadata: {
      ...inst.metadata,
      ...(instantiated && dataPlane ? { [DATA_PLANE_METADATA_KEY]: dataPlane } : {}),
    },
    _links: { self: { href: self }, ...links },
  };
}

/** Render a VnfLcmOpOcc (SOL003 §5.5.2.13). */
export function renderLcmOpOcc(op: LcmOpOccRecord, uris: LcmUris): VnfLcmOpOcc {
  const self = uris.opOcc(op.id);
  // SOL003 §5.5.2.13: links to the task resources the current state allows.
  const actions: Record<string, { href: string }> =
    op.operationState === 'FAILED_TEMP'
      ? {
          retry: { href: `${self}/retry` },
          fail: { href: `${self}/fail` },
          ...(op.operation === 'INSTANTIATE' ? { rollback: { href: `${self}/rollback` } } : {}),
        }
      : ['STARTING', 'PROCESSING', 'ROLLING_BACK'].includes(op.operationState) && !op.isCancelPending
        ? { cancel: { href: `${self}/cancel` } }
        : {};
  return {
    id: op.id,
    operationState: op.operationState,
    stateEnteredTime: op.stateEnteredTime,
    startTime: op.startTime,
    vnfInstanceId: op.vnfInstanceId,
    operation: op.operation,
    isAutomaticInvocation: false,
    operationParams: { ...op.operationParams },
    isCancelPending: op.isCancelPending,
    ...(op.isCancelPending && op.cancelMode ? { cancelMode: op.cancelMode } : {}),
    ...(op.error ? { error: op.error } : {}),
    ...(op.changedInfo ? { changedInfo: { ...op.changedInfo } } : {}),
    ...(op.affectedVnfcs.length > 0 ? { resourceChanges: { affectedVnfcs: [...op.affectedVnfcs] } } : {}),
    _links: { self: { href: self }, vnfInstance: { href: uris.vnfInstance(op.vnfInstanceId) }, ...actions },
  };
}
