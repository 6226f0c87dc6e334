import { runVnfmContract } from '../../ports/vnfm.contract.js';
import { FakeVim } from '../../lab/vnfm/fake-vim.js';
import { UDP_FORWARDER_VNFD } from '../../lab/vnfm/lab-vnfd.js';
import { startLabVnfm } from '../../lab/vnfm/server.js';
import { Sol003Vnfm } from './sol003-vnfm.js';

runVnfmContract({
  name: 'Sol003Vnfm against the lab VNFM (fake VIM)',
  async create() {
    const vim = new FakeVim();
    const lab = await startLabVnfm({ vim });
    return {
      vnfm: new Sol003Vnfm({ baseUrl: lab.baseUrl, requestTimeoutMs: 5000 }),
      vnfdId: UDP_FORWARDER_VNFD.vnfdId,
      swImageId: 'sw-vnflab-udp-fwd-1.0',
      flavourId: 'default',
      close: async () => {
        await lab.close();
        await vim.close();
      },
    };
  },
});
