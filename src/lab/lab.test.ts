import { createSocket } from 'node:dgram';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../config/load.js';
import { Sol003Vnfm } from '../drivers/sol003/sol003-vnfm.js';
import type { LcmOperation } from '../ports/vnfm.js';
import { labSol003Config } from '../compose/lab-drivers.js';
import { startLab } from './lab.js';
import { LAST_MIGRATION_METADATA_KEY } from './vnfm/lab-migration.js';

describe('embedded lab: the VNFM load policy on the VIM packet rates', () => {
  it('migrates a running VNF whose forwarded-packet rate stays above the threshold (initiator POLICY)', async () => {
    const config = parseConfig({});
    const lab = await startLab(config.lab, {
      loadPolicy: { thresholdPps: 50, sustainMs: 300, pollIntervalMs: 50 },
    });
    const vnfm = new Sol003Vnfm(labSol003Config(lab.info));
    const socket = createSocket('udp4');
    let sender: NodeJS.Timeout | null = null;
    try {
      const done = async (op: LcmOperation) =>
        expect((await vnfm.awaitLcmOperation(op.id, { timeoutMs: 30_000 })).state).toBe('COMPLETED');
      const vnf = await vnfm.createVnfRecord({ vnfdId: lab.info.vnfdId, vnfInstanceName: 'loaded' });
      await done(await vnfm.instantiate(vnf, { flavourId: 'default', swImageId: 'sw-vnflab-udp-fwd-1.0' }));
      await done(await vnfm.start(vnf));
      const before = await vnfm.getVResourceList(vnf);
      const ingress = (await vnfm.getDataPlane(vnf))?.ingress;
      expect(ingress).toBeTruthy();
      // ~500 packets/s, ten times the threshold.
      sender = setInterval(() => {
        for (let i = 0; i < 10; i++) socket.send(Buffer.alloc(64), ingress?.port ?? 0, ingress?.host);
      }, 20);
      const url = `${labSol003Config(lab.info).baseUrl}/vnf_instances/${vnf.vnfInstanceId}`;
      const { clientId, clientSecret, tokenUrl } = lab.info.sol003;
      const granted = await fetch(tokenUrl ?? '', {
        method: 'POST',
        headers: {
          Authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
          'Content-Type': 'application/x-www-form-urlencoded',
        },
        body: 'grant_type=client_credentials',
      });
      const headers = {
        Version: '2.0.0',
        Authorization: `Bearer ${((await granted.json()) as { access_token: string }).access_token}`,
      };
      let last: { initiator?: string } | undefined;
      const deadline = Date.now() + 20_000;
      while (!last && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        const inst = (await (await fetch(url, { headers })).json()) as {
          metadata: Record<string, { initiator?: string }>;
        };
        last = inst.metadata[LAST_MIGRATION_METADATA_KEY];
      }
      expect(last?.initiator).toBe('POLICY');
      clearInterval(sender);
      sender = null;
      // The move completes: the VNF runs on the other host.
      const hostBefore = before[0]?.host;
      const moveDeadline = Date.now() + 20_000;
      let hostAfter = hostBefore;
      while (hostAfter === hostBefore && Date.now() < moveDeadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        hostAfter = (await vnfm.getVResourceList(vnf))[0]?.host;
      }
      expect(hostAfter).not.toBe(hostBefore);
      await done(await vnfm.terminate(vnf));
      await vnfm.deleteVnfRecord(vnf);
    } finally {
      if (sender) clearInterval(sender);
      socket.close();
      await vnfm.close();
      await lab.stop();
    }
  });
});
