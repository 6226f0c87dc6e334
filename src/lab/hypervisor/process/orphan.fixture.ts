// Test fixture for orphan.test.ts, then waits to be killed. Without an
// argument it starts a fabric and a host and reports their pids to its
// parent; with 'lab-process' it starts the whole lab in its own process
// (lab-process.ts) and reports the lab's pid (its process group) and hosts.
import { labSchema } from '../../config.js';
import { startFabric } from '../../fabric/fabric-client.js';
import { startLabProcess } from '../../lab-process.js';
import { startProcessHost } from './host-client.js';

if (process.argv[2] === 'lab-process') {
  const lab = await startLabProcess(labSchema.parse({}), { vnfmAuth: 'none' });
  process.send?.({ labPid: lab.pid, hostPids: lab.info.hosts.map((h) => h.pid) });
} else {
  const fabric = await startFabric();
  const host = await startProcessHost({
    name: 'orphan',
    capacity: { vCpu: 1, memoryMiB: 16, storageGiB: 1, nics: 1 },
    fabricControl: fabric.controlEndpoint,
  });
  process.send?.({ fabricPid: fabric.pid, hostPid: host.pid });
}
setInterval(() => undefined, 1000);
