/**
 * startProcessHost: a ComputeHost whose host is an OS process (host-main.ts)
 * driven over the fork IPC channel. The child exits when this process goes.
 */
import type {
  ComputeHost,
  HostCapacity,
  MigrationParams,
  MigrationProgress,
  VResourceMoveRequest,
} from '../hypervisor.js';
import type { Endpoint } from '../../../util/outcome.js';
import { fromWireError, HostError } from './errors.js';
import { PROGRESS_EVENT, type HostInit, type HostRpcApi, type ProgressEvent } from './host-api.js';
import { awaitExit, forkChild } from './ipc/child.js';
import { RpcClient } from './ipc/rpc-client.js';

/** A process compute host: a ComputeHost plus its OS pid. */
export interface ProcessComputeHost extends ComputeHost {
  readonly pid: number;
  moveVResource: NonNullable<ComputeHost['moveVResource']>;
}

export interface ProcessHostOptions {
  readonly name: string;
  readonly capacity: HostCapacity;
  /** The fabric's control endpoint: where the host announces its VMs. */
  readonly fabricControl: Endpoint;
}

export async function startProcessHost(opts: ProcessHostOptions): Promise<ProcessComputeHost> {
  const init: HostInit = { name: opts.name, capacity: opts.capacity, fabricControl: opts.fabricControl };
  const handle = await forkChild(import.meta.url, 'host-main', init);
  const rpc = new RpcClient<HostRpcApi>(
    handle.child,
    fromWireError,
    (why) => new HostError('HOST_GONE', `host ${opts.name} process ${why}`, { host: opts.name }),
  );
  const progressListeners = new Map<string, (p: MigrationProgress) => void>();
  rpc.on(PROGRESS_EVENT, (data) => {
    const { vmId, progress } = data as ProgressEvent;
    progressListeners.get(vmId)?.(progress);
  });

  return {
    name: opts.name,
    capacity: opts.capacity,
    pid: handle.pid,
    inventory: () => rpc.call('inventory'),
    createVm: (spec) => rpc.call('createVm', spec),
    startVm: (vmId) => rpc.call('startVm', vmId),
    stopVm: (vmId) => rpc.call('stopVm', vmId),
    destroyVm: (vmId) => rpc.call('destroyVm', vmId),
    getVm: (vmId) => rpc.call('getVm', vmId),
    prepareIncoming: (spec) => rpc.call('prepareIncoming', spec),
    async migrateOut(vmId: string, params: MigrationParams, onProgress?: (p: MigrationProgress) => void) {
      if (onProgress !== undefined) progressListeners.set(vmId, onProgress);
      try {
        return await rpc.call('migrateOut', vmId, params);
      } finally {
        if (progressListeners.get(vmId) === onProgress) progressListeners.delete(vmId);
      }
    },
    async moveVResource(
      vmId: string,
      req: VResourceMoveRequest,
      onProgress?: (p: MigrationProgress) => void,
    ) {
      if (onProgress !== undefined) progressListeners.set(vmId, onProgress);
      try {
        return await rpc.call('moveVResource', vmId, req);
      } finally {
        if (progressListeners.get(vmId) === onProgress) progressListeners.delete(vmId);
      }
    },
    cancelMigration: (vmId) => rpc.call('cancelMigration', vmId),
    waitIncoming: (vmId) => rpc.call('waitIncoming', vmId),
    firstForwardAfter: (vmId, afterNs, timeoutMs) => rpc.call('firstForwardAfter', vmId, afterNs, timeoutMs),
    async shutdown(): Promise<void> {
      if (!rpc.isGone) await rpc.call('shutdown').catch(() => undefined);
      await awaitExit(handle);
    },
  };
}
