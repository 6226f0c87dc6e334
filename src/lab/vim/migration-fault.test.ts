// The injected fault `migration=fail-halfway` on real process hosts: the
// migration fails half-way, and the VNF is then on exactly one host (its
// source), running: never two copies, never none.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sleep } from '../../util/clock.js';
import { startFabric, type ProcessFabric } from '../fabric/fabric-client.js';
import { startProcessHost, type ProcessComputeHost } from '../hypervisor/process/host-client.js';
import { LabVim } from './lab-vim.js';
import type { VimMigration } from './vim.js';

const capacity = { vCpu: 8, memoryMiB: 4096, storageGiB: 100, nics: 8 };
const SPEC = 'migration=fail-halfway';

describe('lab fault migration=fail-halfway (process hosts)', () => {
  let fabric: ProcessFabric;
  const hosts: ProcessComputeHost[] = [];
  let vim: LabVim;

  beforeAll(async () => {
    fabric = await startFabric();
    for (const name of ['compute-1', 'compute-2'])
      hosts.push(await startProcessHost({ name, capacity, fabricControl: fabric.controlEndpoint }));
    // A slow stream (8 MiB/s for 32 MiB) so the transfer is surely under way when half is copied.
    vim = new LabVim({
      hosts,
      fabric,
      migrationDefaults: { bandwidthBytesPerSec: 8 * 1024 * 1024 },
      migrationFault: SPEC,
    });
  });
  afterAll(async () => {
    await vim.close();
  });

  it('fails the live migration and leaves the VNF running on its source only', async () => {
    const created = await vim.createServer({
      name: 'vnf-1',
      imageId: 'img-1',
      flavor: { vCpu: 1, memoryMiB: 32, storageGiB: 1, nics: 2 },
      vnf: { egress: { host: '127.0.0.1', port: 9 }, dirtyPagesPerSec: 0 },
      liveMigratable: true,
    });
    const server = await vim.startServer(created.id);
    const source = server.host;
    const accepted = await vim.liveMigrate(server.id);
    let m: VimMigration | null = null;
    for (let i = 0; i < 600; i++) {
      m = await vim.getMigration(server.id, accepted.id);
      if (m !== null && !['queued', 'preparing', 'running'].includes(m.status)) break;
      await sleep(50);
    }
    expect(m?.status).toBe('failed');
    expect(m?.error).toContain(SPEC);
    // It got half-way: memory was copied before the cancel.
    expect(m?.memoryProcessedBytes ?? 0).toBeGreaterThan(0);
    const after = await vim.getServer(server.id);
    expect(after).toMatchObject({ status: 'ACTIVE', host: source });
    const copies = [];
    for (const host of hosts) {
      const vm = await host.getVm(server.id);
      if (vm !== null) copies.push({ host: host.name, state: vm.state });
    }
    expect(copies).toEqual([{ host: source, state: 'RUNNING' }]);
  });
});
