import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Sol003Vnfm } from '../sol003/sol003-vnfm.js';
import { runElementManagerContract } from '../../../test/contracts/element-manager.contract.js';
import { startLabFixture } from '../../../test/fakes/sol003/lab-api.js';
import { LAST_MIGRATION_METADATA_KEY } from '../../lab/vnfm/lab-migration.js';
import { LabElementManager } from './lab-element-manager.js';

runElementManagerContract({
  name: 'LabElementManager',
  create: () => new LabElementManager(),
  validConfig: readFileSync(resolve(import.meta.dirname, '../../../examples/em-config.yaml'), 'utf8'),
});

describe('LabElementManager: an EM-triggered migration (trigger type em)', () => {
  const emConfig = resolve(import.meta.dirname, '../../../examples/em-config.yaml');

  it('asks the lab VNFM (OAuth 2.0 client) to migrate the VNF, recorded with initiator EM', async () => {
    const oauth2 = { clientId: 'vnflab', clientSecret: 's3cret' };
    const f = await startLabFixture({ auth: { oauth2 } });
    try {
      const config = {
        baseUrl: `${f.lab.apiRoot}/vnflcm/v2`,
        auth: { type: 'oauth2' as const, tokenUrl: f.lab.tokenUrl ?? '', ...oauth2 },
      };
      const vnfm = new Sol003Vnfm(config);
      const vnf = await vnfm.createVnfRecord({ vnfdId: 'vnfd-vnflab-udp-fwd', vnfInstanceName: 'em' });
      await vnfm.awaitLcmOperation(
        (
          await vnfm.instantiate(vnf, {
            flavourId: 'default',
            swImageId: 'sw-vnflab-udp-fwd-1.0',
            additionalParams: {},
          })
        ).id,
        { timeoutMs: 5000 },
      );
      await vnfm.awaitLcmOperation((await vnfm.start(vnf)).id, { timeoutMs: 5000 });
      const em = new LabElementManager({ vnfm: config });
      expect(await em.requestMigration(vnf, 'vMemory')).toMatchObject({
        ok: false,
        reason: expect.stringMatching(/not running/) as unknown,
      });
      expect((await em.setEmConfiguration(vnf, emConfig)).ok).toBe(true);
      expect((await em.startEm(vnf)).ok).toBe(true);
      expect(await em.requestMigration(vnf, 'vCPU')).toEqual({ ok: true, value: undefined });
      const inst = (
        await f.call('GET', `/vnflcm/v2/vnf_instances/${vnf.vnfInstanceId}`, undefined, {
          Authorization: `Bearer ${await token(f.lab.tokenUrl ?? '', oauth2)}`,
        })
      ).body.metadata as Record<string, unknown>;
      expect(inst[LAST_MIGRATION_METADATA_KEY]).toMatchObject({ initiator: 'EM', vResourceType: 'vCPU' });
      await vnfm.close();
    } finally {
      await f.close();
    }
  });

  it('without a VNFM to ask, the request fails with the reason', async () => {
    const em = new LabElementManager();
    const vnf = { vnfInstanceId: 'i', vnfdId: 'd', vnfInstanceName: 'n' };
    await em.setEmConfiguration(vnf, emConfig);
    await em.startEm(vnf);
    const asked = await em.requestMigration(vnf, 'any');
    expect(asked).toMatchObject({ ok: false, reason: expect.stringMatching(/no VNFM/) as unknown });
  });
});

async function token(url: string, c: { clientId: string; clientSecret: string }): Promise<string> {
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      Authorization: `Basic ${Buffer.from(`${c.clientId}:${c.clientSecret}`).toString('base64')}`,
      'Content-Type': 'application/x-www-form-urlencoded',
    },
    body: 'grant_type=client_credentials',
  });
  return ((await res.json()) as { access_token: string }).access_token;
}
