// The ComputeHost contract on process hosts (OS processes behind the IPC client, guest memory migrated over TCP).
import dgram from 'node:dgram';
import { runComputeHostContract } from '../../../../test/contracts/compute-host.contract.js';
import { UdpSink } from '../../../../test/fakes/process-lab/test-kit.js';
import { startFabric } from '../../fabric/fabric-client.js';
import { startProcessHost } from './host-client.js';

const MEMORY_MIB = 8;
const capacity = { vCpu: 8, memoryMiB: 64, storageGiB: 20, nics: 8 };

runComputeHostContract({
  name: 'process hosts',
  async create() {
    const sink = await UdpSink.open();
    const fabric = await startFabric();
    const [a, b] = await Promise.all(
      ['host-a', 'host-b'].map((name) =>
        startProcessHost({ name, capacity, fabricControl: fabric.controlEndpoint }),
      ),
    );
    if (a === undefined || b === undefined) throw new Error('two hosts expected');
    const sender = dgram.createSocket('udp4');
    return {
      hosts: [a, b],
      spec: (vmId) => ({
        vmId,
        vCpu: 1,
        memoryMiB: MEMORY_MIB,
        storageGiB: 1,
        nics: 1,
        vnf: { egress: sink.endpoint, dirtyPagesPerSec: 100 },
      }),
      // The guest's memory takes ~8 s to copy at 1 MiB/s.
      slowNextMigration: () => ({ bandwidthBytesPerSec: 1024 * 1024 }),
      async sendTo(vm, count) {
        const to = vm.dataEndpoint;
        if (to === null) throw new Error(`VM ${vm.vmId} has no data endpoint`);
        for (let seq = 0; seq < count; seq++) {
          const datagram = Buffer.alloc(64);
          datagram.writeUInt32BE(seq, 0);
          await new Promise<void>((resolve, reject) =>
            sender.send(datagram, to.port, to.host, (e) => (e ? reject(e) : resolve())),
          );
        }
      },
      async close() {
        sender.close();
        await Promise.allSettled([a.shutdown(), b.shutdown()]);
        await fabric.shutdown();
        await sink.close();
      },
    };
  },
});
