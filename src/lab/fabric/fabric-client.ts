import type { Fabric } from '../hypervisor/hypervisor.js';
import { awaitExit, forkChild, killChild } from '../hypervisor/process/ipc/child.js';
import { DEFAULT_RPC_TIMEOUT_MS, RpcClient, type RpcTiming } from '../hypervisor/process/ipc/rpc-client.js';
import type { Endpoint } from '../../util/outcome.js';
import type { FabricPortStats, FabricReady, FabricRpcApi } from './fabric-api.js';
import { VnflabError } from '../../util/errors.js';

/** Error of the fabric process, with a stable code. */
export class FabricError extends VnflabError {
  constructor(
    readonly code: 'FABRIC_ERROR' | 'FABRIC_GONE' | 'FABRIC_TIMEOUT',
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

export interface FabricOptions {
  /** Deadline of a call into the fabric (default {@link DEFAULT_RPC_TIMEOUT_MS}). */
  readonly rpc?: RpcTiming;
}

/**
 * Start the lab's fabric in its own child process (fabric-main.ts). The child
 * exits when this process goes, so no fabric outlives the lab. A call the
 * fabric does not answer in time fails with FABRIC_TIMEOUT.
 */
export async function startFabric(opts: FabricOptions = {}): Promise<ProcessFabric> {
  const handle = await forkChild(import.meta.url, 'fabric-main', {});
  const { controlEndpoint } = handle.ready as FabricReady;
  const rpc = new RpcClient<FabricRpcApi>(
    handle.child,
    {
      toError: (e) => new FabricError('FABRIC_ERROR', e.message),
      gone: (why) => new FabricError('FABRIC_GONE', `fabric process ${why}`),
      timedOut: (method, why) => new FabricError('FABRIC_TIMEOUT', `fabric did not answer ${method}: ${why}`),
    },
    opts.rpc ?? { callTimeoutMs: DEFAULT_RPC_TIMEOUT_MS },
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
      const asked = rpc.isGone
        ? true
        : await rpc.call('shutdown').then(
            () => true,
            (err: unknown) => !(err instanceof FabricError && err.code === 'FABRIC_TIMEOUT'),
          );
      // A fabric that did not answer (stopped, hung) is killed at once.
      if (asked) await awaitExit(handle);
      else await killChild(handle);
    },
  };
}
