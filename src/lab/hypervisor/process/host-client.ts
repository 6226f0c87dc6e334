/**
 * startProcessHost: a ComputeHost whose host is an OS process (host-main.ts)
 * driven over the fork IPC channel. The child exits when this process goes.
 *
 * Every call has a deadline (`rpc.callTimeoutMs`): a host that is stopped
 * (SIGSTOP) or hung fails the VIM's call with HostError TIMEOUT instead of
 * hanging it. The calls that last as long as a migration (migrateOut,
 * moveVResource, waitIncoming) have none of their own; the host is polled
 * for them instead (RpcClient.callLong).
 */
import type {
  ComputeHost,
  HostCapacity,
  MigrationParams,
  MigrationProgress,
  VmSpec,
  VResourceMoveRequest,
} from '../hypervisor.js';
import type { Endpoint } from '../../../util/outcome.js';
import { fromWireError, HostError } from './errors.js';
import { PROGRESS_EVENT, type HostInit, type HostRpcApi, type ProgressEvent } from './host-api.js';
import { awaitExit, forkChild, killChild } from './ipc/child.js';
import { DEFAULT_RPC_TIMEOUT_MS, RpcClient, type RpcTiming } from './ipc/rpc-client.js';

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
  /** Deadline of a call into the host (default {@link DEFAULT_RPC_TIMEOUT_MS}). */
  readonly rpc?: RpcTiming;
}

/**
 * Time a host may take per MiB of guest memory it allocates and touches
 * (GuestMemory's prealloc, on the host's main thread), beyond the call's
 * deadline: measured up to 14 ms/MiB on the 2-core lab machine under the
 * load of other test runs (a 1 GiB VM took 14.6 s), against ~1 ms/MiB idle.
 */
const PREALLOC_MS_PER_MIB = 20;

export async function startProcessHost(opts: ProcessHostOptions): Promise<ProcessComputeHost> {
  const init: HostInit = { name: opts.name, capacity: opts.capacity, fabricControl: opts.fabricControl };
  const handle = await forkChild(import.meta.url, 'host-main', init);
  const timing = opts.rpc ?? { callTimeoutMs: DEFAULT_RPC_TIMEOUT_MS };
  const rpc = new RpcClient<HostRpcApi>(
    handle.child,
    {
      toError: fromWireError,
      gone: (why) => new HostError('HOST_GONE', `host ${opts.name} process ${why}`, { host: opts.name }),
      timedOut: (method, why) =>
        new HostError('TIMEOUT', `host ${opts.name} did not answer ${method}: ${why}`, {
          host: opts.name,
          method,
        }),
    },
    timing,
  );
  // Guest memory is allocated and touched (prealloc) on the host's main thread, which answers nothing meanwhile.
  const allocationTimeoutMs = (spec: VmSpec): number =>
    timing.callTimeoutMs + spec.memoryMiB * PREALLOC_MS_PER_MIB;
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
    createVm: (spec) => rpc.callWithin(allocationTimeoutMs(spec), 'createVm', spec),
    startVm: (vmId) => rpc.call('startVm', vmId),
    stopVm: (vmId) => rpc.call('stopVm', vmId),
    destroyVm: (vmId) => rpc.call('destroyVm', vmId),
    getVm: (vmId) => rpc.call('getVm', vmId),
    prepareIncoming: (spec) => rpc.callWithin(allocationTimeoutMs(spec), 'prepareIncoming', spec),
    async migrateOut(vmId: string, params: MigrationParams, onProgress?: (p: MigrationProgress) => void) {
      if (onProgress !== undefined) progressListeners.set(vmId, onProgress);
      try {
        return await rpc.callLong('migrateOut', vmId, params);
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
        return await rpc.callLong('moveVResource', vmId, req);
      } finally {
        if (progressListeners.get(vmId) === onProgress) progressListeners.delete(vmId);
      }
    },
    // Waits for the migration's end on the source: as long as the transfer.
    cancelMigration: (vmId) => rpc.callLong('cancelMigration', vmId),
    waitIncoming: (vmId) => rpc.callLong('waitIncoming', vmId),
    firstForwardAfter: (vmId, afterNs, timeoutMs) =>
      rpc.callWithin(timeoutMs + timing.callTimeoutMs, 'firstForwardAfter', vmId, afterNs, timeoutMs),
    async shutdown(): Promise<void> {
      const asked = rpc.isGone
        ? true
        : await rpc.call('shutdown').then(
            () => true,
            (err: unknown) => !(err instanceof HostError && err.code === 'TIMEOUT'),
          );
      // A host that did not answer (stopped, hung) is killed at once: SIGKILL ends a stopped process too.
      if (asked) await awaitExit(handle);
      else await killChild(handle);
    },
  };
}
