// The lab VNFM over the real LabVim (with in-memory hosts): the Vnfm contract,
// and a live migration seen through SOL003 - nothing in the VNFM relies on FakeVim.
import { describe, expect, it } from 'vitest';
import { Sol003Vnfm } from '../../drivers/sol003/sol003-vnfm.js';
import { runVnfmContract } from '../../../test/contracts/vnfm.contract.js';
import type { LcmOperation, Vnfm } from '../../ports/vnfm.js';
import { sleep } from '../../util/clock.js';
import { createFakeLab } from '../../../test/fakes/lab/fake-host.js';
import { LabVim } from '../vim/lab-vim.js';
import { DEFAULT_VNFD_ID } from './lab-vnfd.js';
import { startLabVnfm } from './server.js';

const capacity = { vCpu: 8, memoryMiB: 4096, storageGiB: 100, nics: 8 };

async function labStack() {
  const hosts = createFakeLab([
    { name: 'compute-1', capacity },
    { name: 'compute-2', capacity },
  ]);
  const vim = new LabVim({ hosts: hosts.hosts, fabric: hosts.fabric });
  const lab = await startLabVnfm({ vim });
  const vnfm = new Sol003Vnfm({ baseUrl: lab.baseUrl, requestTimeoutMs: 5000 });
  return {
    vim,
    lab,
    vnfm,
    close: async () => {
      await lab.close();
      await vim.close();
    },
  };
}

runVnfmContract({
  name: 'Sol003Vnfm against the lab VNFM on LabVim',
  async create() {
    const stack = await labStack();
    return {
      vnfm: stack.vnfm,
      vnfdId: DEFAULT_VNFD_ID,
      swImageId: 'sw-vnflab-udp-fwd-1.0',
      flavourId: 'default',
      close: stack.close,
    };
  },
});

async function settle(vnfm: Vnfm, op: LcmOperation): Promise<LcmOperation> {
  let current = op;
  for (let i = 0; i < 500 && ['STARTING', 'PROCESSING'].includes(current.state); i++) {
    await sleep(5);
    current = await vnfm.getLcmOperation(op.id);
  }
  return current;
}

describe('lab VNFM on LabVim', () => {
  it('shows a live migration through SOL003: new host, new allocation ids, old ones gone from the VIM', async () => {
    const { vim, vnfm, close } = await labStack();
    try {
      const vnf = await vnfm.createVnfRecord({ vnfdId: DEFAULT_VNFD_ID, vnfInstanceName: 'mig' });
      const params = { egress: { host: '127.0.0.1', port: 9 } };
      const inst = await vnfm.instantiate(vnf, {
        flavourId: 'default',
        swImageId: 'sw-vnflab-udp-fwd-1.0',
        additionalParams: params,
      });
      expect((await settle(vnfm, inst)).state).toBe('COMPLETED');
      expect((await settle(vnfm, await vnfm.start(vnf))).state).toBe('COMPLETED');
      const before = await vnfm.getVResourceList(vnf);
      const serverId = before[0]?.computeResourceId ?? '';
      const migration = await vim.liveMigrate(serverId);
      for (let i = 0; i < 500; i++) {
        const m = await vim.getMigration(serverId, migration.id);
        if (m?.status === 'completed' || m?.status === 'failed' || m?.status === 'error') break;
        await sleep(5);
      }
      expect((await vim.getMigration(serverId, migration.id))?.status).toBe('completed');
      const after = await vnfm.getVResourceList(vnf);
      expect(new Set(after.map((r) => r.host))).toEqual(new Set([migration.destHost]));
      expect(new Set(before.map((r) => r.host))).toEqual(new Set([migration.sourceHost]));
      expect(await vim.findAllocated(before.map((r) => r.id))).toEqual([]);
      expect(await vim.findAllocated(after.map((r) => r.id))).toHaveLength(after.length);
      expect((await vnfm.getVnfState(vnf)).state).toBe('ACTIVE');
      expect((await settle(vnfm, await vnfm.terminate(vnf))).state).toBe('COMPLETED');
      await vnfm.deleteVnfRecord(vnf);
      expect(await vim.listServers()).toEqual([]);
    } finally {
      await vnfm.close();
      await close();
    }
  });
});
