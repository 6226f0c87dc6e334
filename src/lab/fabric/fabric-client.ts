import type { Fabric } from '../hypervisor/hypervisor.js';
import { awaitExit, forkChild } from '../hypervisor/process/ipc/child.js';
import { RpcClient } from '../hypervisor/process/ipc/rpc-client.js';
import type { Endpoint } from '../../util/outcome.js';
import type { FabricPortStats, FabricReady, FabricRpcApi } from './fabric-api.js';
import { VnflabError } from '../../util/errors.js';

/** Error of the fabric process, with a stable code. */
export class FabricError extends VnflabError {
  constructor(
    readonly code: 'FABRIC_ERROR' | 'FABRIC_GONE',
    message: string,
  ) {
    super(message);
    this.name = 'FabricError';
  }
}

/** The process fabric: a Fabric plus what tests and the lab's diagnostics use. */
export interface ProcessFabric extends Fabric {
  /** OS pid of the fabric process. */
  readonly pid: number;
  /** Counters of the VM's fabric port, null if it has none. */
  stats(vmId: string): Promise<FabricPortStats | null>;
}

/**
 * Start the lab's fabric in its own child process (fabric-main.ts). The child
 * exits when this process goes, so no fabric outlives the lab.
 */
export async function startFabric(): Promise<ProcessFabric> {
  const handle = await forkChild(import.meta.url, 'fabric-main', {});
  const { controlEndpoint } = handle.ready as FabricReady;
  const rpc = new RpcClient<FabricRpcApi>(
    handle.child,
    (e) => new FabricError('FABRIC_ERROR', e.message),
    (why) => new FabricError('FABRIC_GONE', `fabric process ${why}`),
  );
  return {
    pid: handle.pid,
    controlEndpoint,
    attach: (vmId: string): Promise<Endpoint> => rpc.call('attach', vmId),
    detach: (vmId: string) => rpc.call('detach', vmId),
    location: (vmId: string) => rpc.call('location', vmId),
    management: (vmId: string) => rpc.call('management', vmId),
    stats: (vmId: string) => rpc.call('stats', vmId),
    async shutdown(): Promise<void> {
      if (!rpc.isGone) await rpc.call('shutdown').catch(() => undefined);
      await awaitExit(handle);
    },
  };
}
