// The ComputeHost contract on QemuHost: host network namespaces, one QEMU per
// VM, QEMU's own live migration over QMP. Same gate as qemu-lab.test.ts
// (vitest.qemu.config.ts; root, /dev/net/tun and `vnflab lab setup qemu`).
import { cleanupQemuLabs } from '../../src/lab/hypervisor/qemu/cleanup.js';
import { startQemuLab } from '../../src/lab/hypervisor/qemu/qemu-lab.js';
import { runComputeHostContract } from '../contracts/compute-host.contract.js';
import { qemuSkipReason } from './skip-reason.js';

runComputeHostContract({
  name: 'QemuHost (QEMU lab)',
  skip: qemuSkipReason() ?? false,
  // A TCG guest resumes slowly on a loaded 2-core machine.
  incomingTimeoutMs: 60_000,
  // Its forward watch counts the egress tap, where the guest's own frames (ARP, QEMU's self-announce) pass too.
  forwardCounterCountsOwnFrames: true,
  async create() {
    await cleanupQemuLabs();
    const lab = await startQemuLab({
      hosts: 2,
      hostCapacity: { vCpu: 4, memoryMiB: 1024, storageGiB: 20, nics: 16 },
      migrationTimeoutMs: 60_000,
    });
    const [a, b] = lab.hosts;
    if (a === undefined || b === undefined) {
      await lab.stop();
      throw new Error('two QEMU hosts expected');
    }
    return {
      hosts: [a, b],
      // The smallest guest that boots, with its two virtio NICs; the egress must be the lab's sink address.
      spec: (vmId) => ({
        vmId,
        vCpu: 1,
        memoryMiB: 128,
        storageGiB: 1,
        nics: 2,
        vnf: { egress: { host: lab.trafficEndpoints.sinkHost, port: 9 }, dirtyPagesPerSec: 0 },
      }),
      // QEMU's max-bandwidth at 1 MiB/s: the guest's memory takes tens of seconds to copy.
      slowNextMigration: () => ({ bandwidthBytesPerSec: 1024 * 1024 }),
      close: () => lab.stop(),
    };
  },
});
