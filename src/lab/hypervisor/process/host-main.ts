/**
 * Entry of a compute host process (started by startProcessHost). It serves
 * HostRpcApi over IPC and exits when its parent goes: no orphan hosts.
 */
import { announceReady, emit, exitWithParent, readInit, serveRpc } from './ipc/serve.js';
import { raisePriority } from './ipc/priority.js';
import { toWireError } from './errors.js';
import { PROGRESS_EVENT, type HostInit, type HostRpcApi, type ProgressEvent } from './host-api.js';
import { ProcessHost } from './host.js';

exitWithParent();
const nice = raisePriority();
const init = readInit() as HostInit;
const host = new ProcessHost(init.name, init.capacity, init.fabricControl);
await host.open();

const api: HostRpcApi = {
  inventory: () => host.inventory(),
  createVm: (spec) => host.createVm(spec),
  startVm: (vmId) => host.startVm(vmId),
  stopVm: (vmId) => host.stopVm(vmId),
  destroyVm: (vmId) => host.destroyVm(vmId),
  getVm: (vmId) => host.getVm(vmId),
  prepareIncoming: (spec) => host.prepareIncoming(spec),
  migrateOut: (vmId, params) =>
    host.migrateOut(vmId, params, (progress) =>
      emit(PROGRESS_EVENT, { vmId, progress } satisfies ProgressEvent),
    ),
  moveVResource: (vmId, req) =>
    host.moveVResource(vmId, req, (progress) =>
      emit(PROGRESS_EVENT, { vmId, progress } satisfies ProgressEvent),
    ),
  cancelMigration: (vmId) => host.cancelMigration(vmId),
  waitIncoming: (vmId) => host.waitIncoming(vmId),
  firstForwardAfter: (vmId, afterNs, timeoutMs) => host.firstForwardAfter(vmId, afterNs, timeoutMs),
  shutdown: () => host.close(),
};

serveRpc(api, toWireError, (method) => {
  if (method === 'shutdown') process.exit(0);
});
announceReady({ name: init.name, nice });
