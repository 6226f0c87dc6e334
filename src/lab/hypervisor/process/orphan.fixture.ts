// Test fixture for orphan.test.ts: starts a fabric and a host, reports their
// pids to its parent, then waits to be killed.
import { startFabric } from '../../fabric/fabric-client.js';
import { startProcessHost } from './host-client.js';

const fabric = await startFabric();
const host = await startProcessHost({
  name: 'orphan',
  capacity: { vCpu: 1, memoryMiB: 16, storageGiB: 1, nics: 1 },
  fabricControl: fabric.controlEndpoint,
});
process.send?.({ fabricPid: fabric.pid, hostPid: host.pid });
setInterval(() => undefined, 1000);
