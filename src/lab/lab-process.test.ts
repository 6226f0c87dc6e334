import { describe, expect, it } from 'vitest';
import { parseConfig } from '../config/load.js';
import { Sol003Vnfm } from '../drivers/sol003/sol003-vnfm.js';
import { labSol003Config } from '../compose/lab-drivers.js';
import { startLabProcess } from './lab-process.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('the embedded lab in its own process', () => {
  it('by default (oauth2): LabInfo carries the client credentials the VNFM requires; stop ends the process', async () => {
    const lab = await startLabProcess(parseConfig({}).lab);
    const vnfm = new Sol003Vnfm(labSol003Config(lab.info));
    try {
      expect(lab.info.sol003.tokenUrl).toMatch(/\/oauth2\/token$/);
      const anonymous = await fetch(`${lab.info.sol003.baseUrl}/vnf_instances`, {
        headers: { Version: '2.0.0' },
      });
      expect(anonymous.status).toBe(401);
      const vnf = await vnfm.createVnfRecord({ vnfdId: lab.info.vnfdId, vnfInstanceName: 'proc' });
      await vnfm.deleteVnfRecord(vnf);
    } finally {
      await vnfm.close();
      await lab.stop();
    }
    expect(alive(lab.pid)).toBe(false);
  });

  it("with vnfmAuth 'none' stays open, so an unauthenticated driver works", async () => {
    const lab = await startLabProcess(parseConfig({}).lab, { vnfmAuth: 'none' });
    const vnfm = new Sol003Vnfm({ baseUrl: lab.info.sol003.baseUrl });
    try {
      expect(lab.info.sol003.tokenUrl).toBeUndefined();
      expect(labSol003Config(lab.info)).toEqual({ baseUrl: lab.info.sol003.baseUrl });
      const vnf = await vnfm.createVnfRecord({ vnfdId: lab.info.vnfdId, vnfInstanceName: 'proc' });
      await vnfm.deleteVnfRecord(vnf);
    } finally {
      await vnfm.close();
      await lab.stop();
    }
  });
});
