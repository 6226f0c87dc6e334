import { afterEach, describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../util/errors.js';
import { type LabFixture, startLabFixture } from '../../../test/fakes/sol003/lab-api.js';
import { LAST_MIGRATION_METADATA_KEY } from './lab-migration.js';
import { LoadPolicy, type LoadSource, type WatchedServer } from './load-policy.js';

let f: LabFixture | null = null;
afterEach(async () => {
  await f?.close();
  f = null;
});

async function started(fx: LabFixture): Promise<{ inst: string; id: string; serverId: string }> {
  const inst = await fx.instantiated();
  const op = await fx.call('POST', `${inst}/operate`, { changeStateTo: 'STARTED' });
  await fx.settle(op.headers.get('location'));
  const view = (await fx.call('GET', inst)).body as {
    id: string;
    instantiatedVnfInfo: { vnfcResourceInfo: { computeResource: { resourceId: string } }[] };
  };
  const serverId = view.instantiatedVnfInfo.vnfcResourceInfo[0]?.computeResource.resourceId ?? '';
  return { inst, id: view.id, serverId };
}

async function lab(path: string, fx: LabFixture, body: unknown) {
  const res = await fetch(`${fx.lab.apiRoot}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> & { detail?: string } };
}

describe('lab VNFM: migrate entry point (EM / VNF initiated)', () => {
  it('live-migrates the servers through the VIM, answers 202 with the migration ids, records the initiator', async () => {
    f = await startLabFixture();
    const { inst, id, serverId } = await started(f);
    const before = (await f.vim.getServer(serverId))?.host;
    const res = await lab(`/vnflab/v1/vnf_instances/${id}/migrate`, f, {
      initiator: 'EM',
      vResourceType: 'vMemory',
      targetHost: before === 'compute-1' ? 'compute-2' : 'compute-1',
    });
    expect(res.status).toBe(202);
    const migrations = res.body.migrations as { serverId: string; migrationId: number; destHost: string }[];
    expect(migrations).toHaveLength(1);
    expect(migrations[0]?.serverId).toBe(serverId);
    const vimMigration = await f.vim.getMigration(serverId, migrations[0]?.migrationId ?? -1);
    expect(vimMigration?.migrationType).toBe('live-migration');
    expect(f.vim.calls).toContain(`liveMigrate ${serverId}`);
    expect((await f.vim.getServer(serverId))?.host).not.toBe(before);
    const metadata = (await f.call('GET', inst)).body.metadata as Record<string, unknown>;
    expect(metadata[LAST_MIGRATION_METADATA_KEY]).toMatchObject({
      initiator: 'EM',
      vResourceType: 'vMemory',
      migrations: [{ serverId, migrationId: migrations[0]?.migrationId }],
    });
    const byVnf = await lab(`/vnflab/v1/vnf_instances/${id}/migrate`, f, {
      initiator: 'VNF',
      vResourceType: 'any',
    });
    expect(byVnf.status).toBe(202);
    const after = (await f.call('GET', inst)).body.metadata as Record<string, { initiator: string }>;
    expect(after[LAST_MIGRATION_METADATA_KEY]?.initiator).toBe('VNF');
  });

  it('refuses: unknown instance (404), bad request (400), not instantiated (409), VIM refusal keeps its status', async () => {
    f = await startLabFixture();
    const created = await f.created();
    const id = created.split('/').pop() ?? '';
    const ok = { initiator: 'EM', vResourceType: 'any' };
    expect((await lab('/vnflab/v1/vnf_instances/none/migrate', f, ok)).status).toBe(404);
    expect(
      (await lab(`/vnflab/v1/vnf_instances/${id}/migrate`, f, { initiator: 'NMS', vResourceType: 'any' }))
        .status,
    ).toBe(400);
    expect((await lab(`/vnflab/v1/vnf_instances/${id}/migrate`, f, ok)).status).toBe(409);
    const s = await started(f);
    f.vim.failNext('liveMigrate', 'No valid host was found', 400);
    const refused = await lab(`/vnflab/v1/vnf_instances/${s.id}/migrate`, f, ok);
    expect(refused.status).toBe(400);
    expect(refused.body.detail).toContain('No valid host');
  });
});

describe('lab VNFM: the VNF asks through the migrate URL it was booted with (trigger type vnf)', () => {
  it('takes the VNF request without OAuth (the token in the path is the credential); refuses unknown tokens and other initiators', async () => {
    f = await startLabFixture({ auth: { oauth2: { clientId: 'vnflab', clientSecret: 's3cret' } } });
    const fx = f;
    const boots: { vnfmMigrateUrl?: string }[] = [];
    const create = fx.vim.createServer.bind(fx.vim);
    fx.vim.createServer = (req) => {
      boots.push(req.vnf);
      return create(req);
    };
    const token = (await (
      await fetch(fx.lab.tokenUrl ?? '', {
        method: 'POST',
        headers: {
          Authorization: `Basic ${Buffer.from('vnflab:s3cret').toString('base64')}`,
          'Content-Type': 'application/x-www-form-urlencoded',
        },
        body: 'grant_type=client_credentials',
      })
    ).json()) as { access_token: string };
    const bearer = { Authorization: `Bearer ${token.access_token}` };
    const created = await fx.call(
      'POST',
      '/vnflcm/v2/vnf_instances',
      { vnfdId: 'vnfd-vnflab-udp-fwd' },
      bearer,
    );
    const inst = `/vnflcm/v2/vnf_instances/${created.body.id as string}`;
    const inOp = await fx.call('POST', `${inst}/instantiate`, { flavourId: 'default' }, bearer);
    const settle = async (location: string | null) => {
      for (let i = 0; i < 400; i++) {
        const { body } = await fx.call('GET', new URL(location ?? '').pathname, undefined, bearer);
        if (!['STARTING', 'PROCESSING'].includes(body.operationState as string)) return body;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      throw new Error('operation did not settle');
    };
    await settle(inOp.headers.get('location'));
    const startOp = await fx.call('POST', `${inst}/operate`, { changeStateTo: 'STARTED' }, bearer);
    await settle(startOp.headers.get('location'));

    const url = boots[0]?.vnfmMigrateUrl ?? '';
    expect(url.startsWith(`${fx.lab.apiRoot}/vnflab/v1/ve-vnfm/`)).toBe(true);
    const post = (to: string, body: unknown) =>
      fetch(to, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
    // The EM's entry point still needs the OAuth token; the VNF's own URL does not.
    const emPath = `${fx.lab.apiRoot}/vnflab/v1/vnf_instances/${created.body.id as string}/migrate`;
    expect((await post(emPath, { initiator: 'EM', vResourceType: 'any' })).status).toBe(401);
    expect((await post(url, { initiator: 'EM', vResourceType: 'any' })).status).toBe(400);
    expect(
      (
        await post(url.replace(/ve-vnfm\/[^/]+/, 've-vnfm/forged'), {
          initiator: 'VNF',
          vResourceType: 'any',
        })
      ).status,
    ).toBe(404);
    const asked = await post(url, { initiator: 'VNF', vResourceType: 'vNIC' });
    expect(asked.status).toBe(202);
    const metadata = (await fx.call('GET', inst, undefined, bearer)).body.metadata as Record<string, unknown>;
    expect(metadata[LAST_MIGRATION_METADATA_KEY]).toMatchObject({ initiator: 'VNF', vResourceType: 'vNIC' });
  });
});

/** A LoadSource whose rates the test sets. */
class FakeLoad implements LoadSource {
  readonly rates = new Map<string, number>();
  failing = false;
  packetRateHz(serverId: string): Promise<number> {
    if (this.failing) return Promise.reject(new Error('counter unavailable'));
    return Promise.resolve(this.rates.get(serverId) ?? 0);
  }
}

describe('LoadPolicy', () => {
  const target: WatchedServer = { vnfInstanceId: 'i', serverId: 's' };
  const make = (load: FakeLoad, migrated: WatchedServer[], cooldownMs?: number) =>
    new LoadPolicy(
      { thresholdPps: 1000, sustainMs: 500, ...(cooldownMs === undefined ? {} : { cooldownMs }) },
      {
        source: load,
        servers: () => [target],
        migrate: (t) => {
          migrated.push(t);
          return Promise.resolve();
        },
      },
    );

  it('migrates only after the rate stayed above the threshold for sustainMs', async () => {
    const load = new FakeLoad();
    const migrated: WatchedServer[] = [];
    const policy = make(load, migrated, 0);
    load.rates.set('s', 1500);
    await policy.sample(0);
    await policy.sample(499);
    expect(migrated).toEqual([]);
    await policy.sample(500);
    expect(migrated).toEqual([target]);
    expect(policy.events).toMatchObject([{ type: 'triggered', serverId: 's', rateHz: 1500 }]);
    // Afterwards the load must be sustained again before the next trigger.
    await policy.sample(600);
    await policy.sample(1000);
    expect(migrated).toHaveLength(1);
    await policy.sample(1100);
    expect(migrated).toHaveLength(2);
  });

  it('leaves a migrated server alone for cooldownMs (60 s by default), then wants sustained load again', async () => {
    const load = new FakeLoad();
    const migrated: WatchedServer[] = [];
    const policy = make(load, migrated, 2000);
    load.rates.set('s', 1500);
    await policy.sample(0);
    await policy.sample(500);
    expect(migrated).toHaveLength(1);
    // Still loaded after the move (a vNIC move within the host): no second move during the cooldown.
    for (const t of [600, 1100, 1600, 2499]) await policy.sample(t);
    expect(migrated).toHaveLength(1);
    await policy.sample(2500); // cooldown over: the load must be sustained afresh
    await policy.sample(2999);
    expect(migrated).toHaveLength(1);
    await policy.sample(3000);
    expect(migrated).toHaveLength(2);

    const byDefault: WatchedServer[] = [];
    const p2 = make(load, byDefault);
    await p2.sample(0);
    await p2.sample(500);
    for (const t of [1000, 30_000, 60_499]) await p2.sample(t);
    expect(byDefault).toHaveLength(1);
    await p2.sample(60_500);
    await p2.sample(61_000);
    expect(byDefault).toHaveLength(2);
  });

  it('starts over when the rate dips to the threshold or cannot be read', async () => {
    const load = new FakeLoad();
    const migrated: WatchedServer[] = [];
    const policy = make(load, migrated);
    load.rates.set('s', 1500);
    await policy.sample(0);
    load.rates.set('s', 1000);
    await policy.sample(300);
    load.rates.set('s', 1500);
    await policy.sample(400);
    await policy.sample(800);
    expect(migrated).toEqual([]);
    load.failing = true;
    await policy.sample(900);
    load.failing = false;
    await policy.sample(1000);
    await policy.sample(1400);
    expect(migrated).toEqual([]);
    expect(policy.events.some((e) => e.type === 'sample-failed')).toBe(true);
    await policy.sample(1500);
    expect(migrated).toHaveLength(1);
  });

  it('records a refused migration and keeps watching', async () => {
    const load = new FakeLoad();
    load.rates.set('s', 5000);
    const policy = new LoadPolicy(
      { thresholdPps: 1000, sustainMs: 0 },
      { source: load, servers: () => [target], migrate: () => Promise.reject(new Error('busy')) },
    );
    await policy.sample(0);
    expect(policy.events).toMatchObject([{ type: 'triggered' }, { type: 'migrate-failed', error: 'busy' }]);
    // Nothing moved, so no cooldown: the next sample tries again.
    await policy.sample(10);
    expect(policy.events.filter((e) => e.type === 'migrate-failed')).toHaveLength(2);
    expect(
      () =>
        new LoadPolicy(
          { thresholdPps: -1, sustainMs: 1 },
          { source: load, servers: () => [], migrate: () => Promise.resolve() },
        ),
    ).toThrow(InvalidArgumentError);
  });

  it('in the lab VNFM: migrates a running server under sustained load, recording initiator POLICY', async () => {
    const load = new FakeLoad();
    f = await startLabFixture({
      loadPolicy: { thresholdPps: 1000, sustainMs: 60, pollIntervalMs: 10, source: load },
    });
    const { inst, serverId } = await started(f);
    const before = (await f.vim.getServer(serverId))?.host;
    load.rates.set(serverId, 2000);
    const deadline = Date.now() + 5000;
    let metadata: Record<string, { initiator?: string }> = {};
    while (Date.now() < deadline) {
      metadata = (await f.call('GET', inst)).body.metadata as typeof metadata;
      if (metadata[LAST_MIGRATION_METADATA_KEY]) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(metadata[LAST_MIGRATION_METADATA_KEY]?.initiator).toBe('POLICY');
    // Unconfigured, the policy moves the whole VNF.
    expect(metadata[LAST_MIGRATION_METADATA_KEY]).toMatchObject({ vResourceType: 'any' });
    expect((await f.vim.getServer(serverId))?.host).not.toBe(before);
    expect(f.lab.loadPolicyEvents[0]).toMatchObject({ type: 'triggered', serverId });
  });

  it('in the lab VNFM: moves the vResource type its policy names', async () => {
    const load = new FakeLoad();
    f = await startLabFixture({
      loadPolicy: {
        thresholdPps: 1000,
        sustainMs: 0,
        pollIntervalMs: 10,
        vResourceType: 'vStorage',
        source: load,
      },
    });
    const { inst, serverId } = await started(f);
    load.rates.set(serverId, 2000);
    const deadline = Date.now() + 5000;
    let metadata: Record<string, unknown> = {};
    while (Date.now() < deadline && !metadata[LAST_MIGRATION_METADATA_KEY]) {
      metadata = (await f.call('GET', inst)).body.metadata as typeof metadata;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(metadata[LAST_MIGRATION_METADATA_KEY]).toMatchObject({
      initiator: 'POLICY',
      vResourceType: 'vStorage',
    });
  });

  it('in the lab VNFM: leaves a stopped VNF alone however high its reading', async () => {
    const load = new FakeLoad();
    f = await startLabFixture({
      loadPolicy: { thresholdPps: 10, sustainMs: 0, pollIntervalMs: 5, source: load },
    });
    const inst = await f.instantiated();
    const view = (await f.call('GET', inst)).body as {
      instantiatedVnfInfo: { vnfcResourceInfo: { computeResource: { resourceId: string } }[] };
    };
    load.rates.set(view.instantiatedVnfInfo.vnfcResourceInfo[0]?.computeResource.resourceId ?? '', 1e6);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(f.lab.loadPolicyEvents).toEqual([]);
    expect(f.vim.calls.some((c) => c.startsWith('liveMigrate'))).toBe(false);
  });
});
