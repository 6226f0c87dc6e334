// The ComputeHost contract on the in-memory FakeComputeHost (simulated pre-copy; no data path).
import { runComputeHostContract } from '../../contracts/compute-host.contract.js';
import { createFakeLab } from './fake-host.js';

const capacity = { vCpu: 8, memoryMiB: 4096, storageGiB: 40, nics: 8 };

runComputeHostContract({
  name: 'FakeComputeHost',
  create() {
    const lab = createFakeLab([
      { name: 'fake-a', capacity },
      { name: 'fake-b', capacity },
    ]);
    const [a, b] = lab.hosts;
    if (a === undefined || b === undefined) throw new Error('two hosts expected');
    return Promise.resolve({
      hosts: [a, b],
      spec: (vmId) => ({
        vmId,
        vCpu: 1,
        memoryMiB: 256,
        storageGiB: 1,
        nics: 2,
        vnf: { egress: { host: '127.0.0.1', port: 9 }, dirtyPagesPerSec: 0 },
      }),
      slowNextMigration() {
        lab.next = { behaviour: { rounds: 1_000, roundDelayMs: 10 } };
        return {};
      },
      close: async () => void (await Promise.all(lab.hosts.map((h) => h.shutdown()))),
    });
  },
});
