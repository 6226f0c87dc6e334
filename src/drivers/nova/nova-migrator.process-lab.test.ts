// The Migrator contract on the real lab: NovaMigrator -> lab Nova API ->
// LabVim -> compute hosts that are OS processes (real pre-copy migration of
// guest memory over TCP) behind the process fabric. No traffic flows: a
// running VM is what the contract needs.
import { randomUUID } from 'node:crypto';
import { startFabric } from '../../lab/fabric/fabric-client.js';
import type { ComputeHost } from '../../lab/hypervisor/hypervisor.js';
import { startProcessHost } from '../../lab/hypervisor/process/host-client.js';
import { UdpSink } from '../../../test/fakes/process-lab/test-kit.js';
import { LabVim } from '../../lab/vim/lab-vim.js';
import { startNovaApi } from '../../lab/vim/nova/nova-api.js';
import type { ServerCreateRequest } from '../../lab/vim/vim.js';
import { runMigratorContract } from '../../../test/contracts/migrator.contract.js';
import type { MigrationSubject } from '../../ports/migrator.js';
import { NovaMigrator } from './nova-migrator.js';

const MEMORY_MIB = 16;
const capacity = { vCpu: 16, memoryMiB: 1024, storageGiB: 100, nics: 16 };
const credentials = { username: 'vnflab', password: randomUUID(), projectName: 'vnflab' };

runMigratorContract({
  name: 'NovaMigrator -> lab Nova API -> LabVim (process hosts)',
  offline: true,
  migrationTimeoutMs: 30_000,
  async setup() {
    const cleanup: (() => Promise<void>)[] = [];
    const close = async (): Promise<void> => {
      for (const step of cleanup.reverse()) await step().catch(() => undefined);
    };
    try {
      const sink = await UdpSink.open();
      cleanup.push(() => sink.close());
      const fabric = await startFabric();
      cleanup.push(() => fabric.shutdown());
      const hosts: ComputeHost[] = await Promise.all(
        ['compute-1', 'compute-2'].map((name) =>
          startProcessHost({ name, capacity, fabricControl: fabric.controlEndpoint }),
        ),
      );
      cleanup.push(async () => void (await Promise.allSettled(hosts.map((h) => h.shutdown()))));
      // No traffic: do not wait long for a first forwarded packet after the switch-over.
      const vim = new LabVim({ hosts, fabric, firstForwardTimeoutMs: 100 });
      cleanup.push(() => vim.close());
      const api = await startNovaApi({ vim, credentials });
      cleanup.push(() => api.close());
      const migrator = new NovaMigrator({ authUrl: api.authUrl, ...credentials });
      cleanup.push(() => migrator.close());

      const subject = async (over: Partial<ServerCreateRequest>): Promise<MigrationSubject> => {
        const server = await vim.createServer({
          name: 'vnfc',
          imageId: 'img-vnf',
          flavor: { vCpu: 1, memoryMiB: MEMORY_MIB, storageGiB: 1, nics: 1 },
          vnf: { egress: sink.endpoint, dirtyPagesPerSec: 200 },
          liveMigratable: true,
          ...over,
        });
        await vim.startServer(server.id);
        return { vnfInstanceId: randomUUID(), computeResourceIds: [server.id] };
      };
      return {
        migrator,
        createLiveSubject: () => subject({}),
        createNonLiveSubject: () => subject({ liveMigratable: false }),
        allocationIds: async (s) =>
          (await Promise.all(s.computeResourceIds.map((id) => vim.getServer(id)))).flatMap(
            (server) => server?.allocations.map((a) => a.id) ?? [],
          ),
        // Throttle the next migration so its memory takes `ms` to copy.
        slowNextMigration: (ms) =>
          vim.overrideNextMigration({
            bandwidthBytesPerSec: Math.floor((MEMORY_MIB * 1024 * 1024) / (ms / 1000)),
          }),
        close,
      };
    } catch (e) {
      await close();
      throw e;
    }
  },
});
