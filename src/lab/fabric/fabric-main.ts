/**
 * Entry of the fabric child process (started by startFabric). It serves
 * FabricRpcApi over IPC and exits when its parent goes.
 */
import { announceReady, exitWithParent, serveRpc } from '../hypervisor/process/ipc/serve.js';
import { raisePriority } from '../hypervisor/process/ipc/priority.js';
import type { WireError } from '../hypervisor/process/ipc/wire.js';
import type { FabricReady, FabricRpcApi } from './fabric-api.js';
import { LearningSwitch } from './learning-switch.js';

exitWithParent();
const nice = raisePriority();
const fabric = new LearningSwitch();
const controlEndpoint = await fabric.start();

const api: FabricRpcApi = {
  attach: (vmId) => fabric.attach(vmId),
  detach: (vmId) => fabric.detach(vmId),
  location: (vmId) => fabric.location(vmId),
  management: (vmId) => fabric.management(vmId),
  stats: (vmId) => fabric.stats(vmId),
  shutdown: () => fabric.close(),
};

const toWire = (err: unknown): WireError => ({
  code: 'FABRIC_ERROR',
  message: err instanceof Error ? err.message : String(err),
});

serveRpc(api, toWire, (method) => {
  if (method === 'shutdown') process.exit(0);
});
const ready: FabricReady = { controlEndpoint, nice };
announceReady(ready);
