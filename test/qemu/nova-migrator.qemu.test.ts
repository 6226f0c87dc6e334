// The Migrator contract on the QEMU lab: NovaMigrator -> lab Nova API ->
// LabVim -> compute hosts that are network namespaces running QEMU guests,
// migrated by QEMU over QMP. Shows the lab's VIM and Nova API run unchanged on
// QemuHost / QemuFabric. No traffic flows: a running guest is what the
// contract needs. Same gate as qemu-lab.test.ts (vitest.qemu.config.ts).
import { randomUUID } from 'node:crypto';
import { describe, it } from 'vitest';
import { NovaMigrator } from '../../src/drivers/nova/nova-migrator.js';
import { cleanupQemuLabs } from '../../src/lab/hypervisor/qemu/cleanup.js';
import { startQemuLab } from '../../src/lab/hypervisor/qemu/qemu-lab.js';
import { LabVim } from '../../src/lab/vim/lab-vim.js';
import { startNovaApi } from '../../src/lab/vim/nova/nova-api.js';
import type { ServerCreateRequest } from '../../src/lab/vim/vim.js';
import { runMigratorContract } from '../contracts/migrator.contract.js';
import type { MigrationSubject } from '../../src/ports/migrator.js';
import { qemuSkipReason } from './skip-reason.js';

const MEMORY_MIB = 128;
const credentials = { username: 'vnflab', password: randomUUID(), projectName: 'vnflab' };

const skip = qemuSkipReason();

if (skip !== null) {
  describe(`Migrator contract: NovaMigrator on the QEMU lab (skipped: ${skip})`, () => {
    it.skip('needs the QEMU lab', () => undefined);
  });
} else {
  runMigratorContract({
    name: 'NovaMigrator -> lab Nova API -> LabVim (QEMU hosts)',
    offline: true,
    migrationTimeoutMs: 90_000,
    reportedFigures: ['downtimeMs', 'totalTimeMs', 'setupTimeMs', 'bytesTransferred', 'rounds'],
    async setup() {
      const cleanup: (() => Promise<void>)[] = [];
      const close = async (): Promise<void> => {
        for (const step of cleanup.reverse()) await step().catch(() => undefined);
      };
      try {
        await cleanupQemuLabs();
        const lab = await startQemuLab({
          hosts: 2,
          hostCapacity: { vCpu: 16, memoryMiB: 4096, storageGiB: 100, nics: 64 },
          migrationTimeoutMs: 60_000,
        });
        cleanup.push(() => lab.stop());
        // No traffic: do not wait long for a first forwarded packet after the switch-over.
        const vim = new LabVim({
          hosts: lab.hosts,
          fabric: lab.fabric,
          incomingTimeoutMs: 30_000,
          firstForwardTimeoutMs: 100,
        });
        cleanup.push(() => vim.close());
        const api = await startNovaApi({ vim, credentials });
        cleanup.push(() => api.close());
        const migrator = new NovaMigrator({ authUrl: api.authUrl, ...credentials });
        cleanup.push(() => migrator.close());

        const subject = async (over: Partial<ServerCreateRequest>): Promise<MigrationSubject> => {
          const server = await vim.createServer({
            name: 'vnfc',
            imageId: 'vnflab-busybox-router',
            flavor: { vCpu: 1, memoryMiB: MEMORY_MIB, storageGiB: 1, nics: 2 },
            vnf: { egress: { host: lab.trafficEndpoints.sinkHost, port: 9 }, dirtyPagesPerSec: 0 },
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
          // QEMU's max-bandwidth: a third of the guest's memory per `ms` (QEMU sends
          // about half of it, zero pages being cheap), so the copy takes longer than `ms`.
          slowNextMigration: (ms) =>
            vim.overrideNextMigration({
              bandwidthBytesPerSec: Math.floor((MEMORY_MIB * 1024 * 1024) / 3 / (ms / 1000)),
            }),
          close,
        };
      } catch (e) {
        await close();
        throw e;
      }
    },
  });
}
