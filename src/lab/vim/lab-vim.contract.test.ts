// The Vim contract on LabVim: over process hosts and the process fabric (the
// embedded lab as it runs), and over the in-memory fake hosts the VNFM's
// tests use (which can also fail a migration on purpose).
import { runVimContract } from '../../../test/contracts/lab-vim.contract.js';
import { createFakeLab } from '../../../test/fakes/lab/fake-host.js';
import { UdpSink } from '../../../test/fakes/process-lab/test-kit.js';
import { startFabric } from '../fabric/fabric-client.js';
import { startProcessHost } from '../hypervisor/process/host-client.js';
import { LabVim } from './lab-vim.js';

const capacity = { vCpu: 8, memoryMiB: 64, storageGiB: 20, nics: 8 };
const flavor = { vCpu: 1, memoryMiB: 8, storageGiB: 1, nics: 1 };

runVimContract({
  name: 'LabVim on process hosts',
  vResourceMoves: true,
  async create() {
    const sink = await UdpSink.open();
    const fabric = await startFabric();
    const hosts = await Promise.all(
      ['compute-1', 'compute-2'].map((name) =>
        startProcessHost({ name, capacity, fabricControl: fabric.controlEndpoint }),
      ),
    );
    // No traffic flows: do not wait for a first forwarded packet after a switch-over.
    const vim = new LabVim({ hosts, fabric, firstForwardTimeoutMs: 50 });
    return {
      vim,
      vnf: { egress: sink.endpoint, dirtyPagesPerSec: 100 },
      flavor,
      // 8 MiB at 512 KiB/s: a migration of ~16 s.
      slowNextMigration: () => vim.overrideNextMigration({ bandwidthBytesPerSec: 512 * 1024 }),
      async close() {
        await vim.close().catch(() => undefined);
        await sink.close();
      },
    };
  },
});

runVimContract({
  name: 'LabVim on fake hosts',
  vResourceMoves: true,
  create() {
    const lab = createFakeLab(['compute-1', 'compute-2'].map((name) => ({ name, capacity })));
    const vim = new LabVim({ hosts: lab.hosts, fabric: lab.fabric });
    return Promise.resolve({
      vim,
      vnf: { egress: { host: '127.0.0.1', port: 9 }, dirtyPagesPerSec: 0 },
      flavor,
      slowNextMigration: () => void (lab.next = { behaviour: { rounds: 1_000, roundDelayMs: 10 } }),
      failNextMigration: (reason: string) => void (lab.next = { fault: { at: 'transfer', reason } }),
      close: () => vim.close().catch(() => undefined),
    });
  },
});
