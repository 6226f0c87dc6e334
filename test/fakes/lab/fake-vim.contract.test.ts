// The Vim contract on the in-memory FakeVim the VNFM's tests use (migrations complete at once).
import { runVimContract } from '../../contracts/lab-vim.contract.js';
import { FakeVim } from './fake-vim.js';

runVimContract({
  name: 'FakeVim',
  create() {
    const vim = new FakeVim();
    return Promise.resolve({
      vim,
      vnf: { egress: { host: '127.0.0.1', port: 9 }, dirtyPagesPerSec: 0 },
      flavor: { vCpu: 1, memoryMiB: 256, storageGiB: 1, nics: 1 },
      close: () => vim.close(),
    });
  },
});
