import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sleep } from '../../../util/clock.js';
import { createFakeLab, type FakeLab } from '../../../../test/fakes/lab/fake-host.js';
import { FakeVim } from '../../../../test/fakes/lab/fake-vim.js';
import { HostError } from '../../hypervisor/process/errors.js';
import { LabVim } from '../lab-vim.js';
import type { ServerCreateRequest } from '../vim.js';
import { startNovaApi, type NovaApi } from './nova-api.js';

const credentials = { username: 'alice', password: 's3cret', projectName: 'nfv' };

const request = (over: Partial<ServerCreateRequest> = {}): ServerCreateRequest => ({
  name: 'vnfc',
  imageId: 'img-vnf',
  flavor: { vCpu: 1, memoryMiB: 128, storageGiB: 1, nics: 2 },
  vnf: { egress: { host: '127.0.0.1', port: 9 }, dirtyPagesPerSec: 0 },
  liveMigratable: true,
  ...over,
});

function passwordAuth(password: string, project = 'nfv'): unknown {
  return {
    auth: {
      identity: {
        methods: ['password'],
        password: { user: { name: 'alice', domain: { name: 'Default' }, password } },
      },
      scope: { project: { name: project, domain: { name: 'Default' } } },
    },
  };
}

describe('lab Nova API', () => {
  let lab: FakeLab;
  let vim: LabVim;
  let api: NovaApi;
  let token = '';

  const call = async (
    method: string,
    path: string,
    opts: { version?: string; body?: unknown; token?: string | null; headers?: Record<string, string> } = {},
  ): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> => {
    const auth = opts.token === null ? {} : { 'X-Auth-Token': opts.token ?? token };
    const res = await fetch(`${api.baseUrl}${path}`, {
      method,
      headers: {
        ...auth,
        ...(opts.version === undefined ? {} : { 'OpenStack-API-Version': `compute ${opts.version}` }),
        ...(opts.body === undefined ? {} : { 'Content-Type': 'application/json' }),
        ...opts.headers,
      },
      ...(opts.body === undefined ? {} : { body: JSON.stringify(opts.body) }),
    });
    const text = await res.text();
    return {
      status: res.status,
      body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>),
      headers: res.headers,
    };
  };

  const running = async (over: Partial<ServerCreateRequest> = {}): Promise<string> => {
    const s = await vim.createServer(request(over));
    await vim.startServer(s.id);
    return s.id;
  };

  beforeAll(async () => {
    const capacity = { vCpu: 32, memoryMiB: 32_768, storageGiB: 100, nics: 32 };
    lab = createFakeLab([
      { name: 'compute-1', capacity },
      { name: 'compute-2', capacity },
    ]);
    vim = new LabVim({ hosts: lab.hosts, fabric: lab.fabric });
    api = await startNovaApi({ vim, credentials });
    const res = await fetch(`${api.authUrl}/auth/tokens`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(passwordAuth('s3cret')),
    });
    token = res.headers.get('X-Subject-Token') ?? '';
  });
  afterAll(async () => {
    await api?.close();
    await vim?.close();
  });

  describe('Keystone v3', () => {
    it('issues a token (201, X-Subject-Token) with the compute endpoint in the catalog', async () => {
      const res = await fetch(`${api.authUrl}/auth/tokens`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(passwordAuth('s3cret')),
      });
      expect(res.status).toBe(201);
      expect(res.headers.get('X-Subject-Token')).toMatch(/^gAAAAA/);
      const body = (await res.json()) as {
        token: {
          catalog: { type: string; endpoints: { interface: string; url: string }[] }[];
          project: { name: string };
        };
      };
      const compute = body.token.catalog.find((s) => s.type === 'compute');
      expect(compute?.endpoints.find((e) => e.interface === 'public')?.url).toBe(api.baseUrl);
      expect(body.token.project.name).toBe('nfv');
    });

    it('answers 401 with a Keystone error body for a wrong password or project', async () => {
      for (const body of [passwordAuth('nope'), passwordAuth('s3cret', 'other')]) {
        const res = await fetch(`${api.authUrl}/auth/tokens`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify(body),
        });
        expect(res.status).toBe(401);
        expect(await res.json()).toMatchObject({ error: { code: 401, title: 'Unauthorized' } });
      }
    });
  });

  describe('authentication and microversions', () => {
    it('serves the version documents without a token', async () => {
      const root = api.baseUrl.replace(/\/v2\.1$/, '');
      const list = (await (await fetch(`${root}/`)).json()) as {
        versions: { id: string; version: string; min_version: string }[];
      };
      expect(list.versions).toEqual([
        expect.objectContaining({ id: 'v2.1', version: '2.80', min_version: '2.1' }),
      ]);
      const one = await call('GET', '/', { token: null });
      expect(one.status).toBe(200);
      expect(one.body.version).toMatchObject({ id: 'v2.1', version: '2.80' });
    });

    it('requires X-Auth-Token on the compute API (401 otherwise)', async () => {
      expect((await call('GET', '/servers', { token: null })).status).toBe(401);
      const bad = await call('GET', '/servers', { token: 'forged' });
      expect(bad.status).toBe(401);
      expect(bad.headers.get('WWW-Authenticate')).toContain('Keystone uri=');
    });

    it('echoes the negotiated microversion; 2.1 without a header, max for latest', async () => {
      const cases: [Record<string, string>, string][] = [
        [{}, '2.1'],
        [{ 'OpenStack-API-Version': 'compute 2.60' }, '2.60'],
        [{ 'OpenStack-API-Version': 'volume 3.0, compute 2.42' }, '2.42'],
        [{ 'X-OpenStack-Nova-API-Version': '2.25' }, '2.25'],
        [{ 'OpenStack-API-Version': 'compute latest' }, '2.80'],
      ];
      for (const [headers, served] of cases) {
        const res = await call('GET', '/servers', { headers });
        expect(res.status).toBe(200);
        expect(res.headers.get('OpenStack-API-Version')).toBe(`compute ${served}`);
        expect(res.headers.get('X-OpenStack-Nova-API-Version')).toBe(served);
      }
    });

    it('answers 406 for an unsupported microversion and 400 for a malformed one', async () => {
      const high = await call('GET', '/servers', { version: '2.81' });
      expect(high.status).toBe(406);
      expect(JSON.stringify(high.body)).toContain('Minimum is 2.1 and maximum is 2.80');
      expect((await call('GET', '/servers', { version: '2.0' })).status).toBe(406);
      expect((await call('GET', '/servers', { version: 'two' })).status).toBe(400);
    });

    it('serves server migrations from 2.23 and their abort from 2.24 only (404 below, as Nova)', async () => {
      const id = await running();
      expect((await call('GET', `/servers/${id}/migrations`, { version: '2.22' })).status).toBe(404);
      expect((await call('GET', `/servers/${id}/migrations`, { version: '2.23' })).status).toBe(200);
      expect((await call('DELETE', `/servers/${id}/migrations/1`, { version: '2.23' })).status).toBe(404);
    });
  });

  describe('servers and actions', () => {
    it('shows a server with Nova fields and the vnflab: allocations and data plane', async () => {
      const id = await running();
      const res = await call('GET', `/servers/${id}`, { version: '2.80' });
      const server = res.body.server as Record<string, unknown>;
      const vim_ = (await vim.getServer(id))!;
      expect(server).toMatchObject({
        id,
        status: 'ACTIVE',
        'OS-EXT-SRV-ATTR:host': vim_.host,
        'OS-EXT-STS:task_state': null,
        'OS-EXT-STS:vm_state': 'active',
        'OS-EXT-STS:power_state': 1,
        flavor: { vcpus: 1, ram: 128, disk: 1, extra_specs: { 'vnflab:nics': '2' } },
        'vnflab:data_plane': { ingress: vim_.dataPlane?.ingress },
        'vnflab:live_migratable': true,
      });
      const allocations = server['vnflab:allocations'] as { id: string; host: string }[];
      expect(allocations.map((a) => a.id).sort()).toEqual(vim_.allocations.map((a) => a.id).sort());
      expect(new Set(allocations.map((a) => a.host))).toEqual(new Set([vim_.host]));
    });

    it('lists servers and their details', async () => {
      const id = await running();
      const list = await call('GET', '/servers');
      expect((list.body.servers as { id: string }[]).map((s) => s.id)).toContain(id);
      const detail = await call('GET', '/servers/detail');
      expect((detail.body.servers as Record<string, unknown>[]).find((s) => s.id === id)).toHaveProperty(
        'status',
        'ACTIVE',
      );
    });

    it('runs os-stop / os-start (202) and answers 409 conflictingRequest for a wrong state', async () => {
      const id = await running();
      const stop = await call('POST', `/servers/${id}/action`, { body: { 'os-stop': null } });
      expect(stop.status).toBe(202);
      expect((await vim.getServer(id))?.status).toBe('SHUTOFF');
      const again = await call('POST', `/servers/${id}/action`, { body: { 'os-stop': null } });
      expect(again.status).toBe(409);
      expect(again.body).toEqual({
        conflictingRequest: {
          code: 409,
          message: `Cannot 'stop' instance ${id} while it is in vm_state stopped`,
        },
      });
      const migrate = await call('POST', `/servers/${id}/action`, {
        version: '2.80',
        body: { 'os-migrateLive': { host: null, block_migration: 'auto' } },
      });
      expect(migrate.status).toBe(409);
      expect((await call('POST', `/servers/${id}/action`, { body: { 'os-start': null } })).status).toBe(202);
      expect((await vim.getServer(id))?.status).toBe('ACTIVE');
    });

    it('answers itemNotFound for an unknown server and badRequest for a bad body', async () => {
      const missing = await call('GET', '/servers/nope');
      expect(missing.body).toEqual({
        itemNotFound: { code: 404, message: 'Instance nope could not be found.' },
      });
      const id = await running();
      const bad = await call('POST', `/servers/${id}/action`, {
        version: '2.25',
        body: { 'os-migrateLive': { block_migration: 'auto' } },
      });
      expect(bad.status).toBe(400);
      expect(JSON.stringify(bad.body)).toContain("'host' is a required property");
      const old = await call('POST', `/servers/${id}/action`, {
        version: '2.24',
        body: { 'os-migrateLive': { host: null, block_migration: 'auto', disk_over_commit: false } },
      });
      expect(old.status).toBe(400);
    });

    it('answers 400 NoValidHost when nothing fits and 400 for an unknown host', async () => {
      const id = await running({ flavor: { vCpu: 1, memoryMiB: 30_000, storageGiB: 1, nics: 1 } });
      await running({ flavor: { vCpu: 1, memoryMiB: 30_000, storageGiB: 1, nics: 1 } });
      const res = await call('POST', `/servers/${id}/action`, {
        version: '2.80',
        body: { 'os-migrateLive': { host: null, block_migration: 'auto' } },
      });
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body)).toContain('No valid host was found');
      const unknown = await call('POST', `/servers/${id}/action`, {
        version: '2.80',
        body: { 'os-migrateLive': { host: 'compute-9', block_migration: 'auto' } },
      });
      expect(unknown.body).toEqual({
        badRequest: { code: 400, message: 'Compute host compute-9 could not be found.' },
      });
      await vim.deleteServer(id);
    });
  });

  describe('migrations', () => {
    it('follows a live migration: in progress with progress and both hosts allocated, then completed', async () => {
      lab.next = { behaviour: { rounds: 40, roundDelayMs: 10 } };
      const id = await running();
      const post = await call('POST', `/servers/${id}/action`, {
        version: '2.80',
        body: { 'os-migrateLive': { host: null, block_migration: 'auto' } },
      });
      expect(post.status).toBe(202);
      const requestId = post.headers.get('x-openstack-request-id');
      expect(requestId).toMatch(/^req-/);

      await sleep(60);
      const list = await call('GET', `/servers/${id}/migrations`, { version: '2.80' });
      const [m] = list.body.migrations as Record<string, unknown>[];
      expect(m).toMatchObject({ server_uuid: id, status: 'running', dest_host: '127.0.0.1' });
      expect(m?.memory_total_bytes).toBe(128 * 1024 * 1024);
      expect(m?.memory_remaining_bytes as number).toBeLessThan(128 * 1024 * 1024);
      const server = (await call('GET', `/servers/${id}`, { version: '2.80' })).body.server as Record<
        string,
        unknown
      >;
      expect(server).toMatchObject({ status: 'MIGRATING', 'OS-EXT-STS:task_state': 'migrating' });
      const hosts = new Set((server['vnflab:allocations'] as { host: string }[]).map((a) => a.host));
      expect(hosts.size).toBe(2);

      for (let i = 0; i < 300 && (await vim.listMigrations({ serverId: id }))[0]?.status !== 'completed'; i++)
        await sleep(5);
      expect((await call('GET', `/servers/${id}/migrations`, { version: '2.80' })).body.migrations).toEqual(
        [],
      );
      expect(
        (await call('GET', `/servers/${id}/migrations/${m?.id as number}`, { version: '2.80' })).status,
      ).toBe(404);
      const all = await call('GET', `/os-migrations?instance_uuid=${id}`, { version: '2.80' });
      const [done] = all.body.migrations as Record<string, unknown>[];
      expect(done).toMatchObject({
        instance_uuid: id,
        status: 'completed',
        migration_type: 'live-migration',
      });
      expect(done?.['vnflab:downtime_ms']).toEqual(expect.any(Number));
      expect(done?.['vnflab:memory_verified']).toBe(true);
      expect((done?.['vnflab:released_allocation_ids'] as string[]).length).toBe(5);

      const action = await call('GET', `/servers/${id}/os-instance-actions/${requestId}`, {
        version: '2.80',
      });
      expect(action.body.instanceAction).toMatchObject({
        action: 'live-migration',
        request_id: requestId,
        message: null,
      });
    });

    it('aborts with DELETE (202): the migration ends cancelled', async () => {
      lab.next = { behaviour: { rounds: 1000, roundDelayMs: 5 } };
      const id = await running();
      await call('POST', `/servers/${id}/action`, {
        version: '2.80',
        body: { 'os-migrateLive': { host: null, block_migration: 'auto' } },
      });
      await sleep(30);
      const [m] = (await call('GET', `/servers/${id}/migrations`, { version: '2.80' })).body.migrations as {
        id: number;
      }[];
      const del = await call('DELETE', `/servers/${id}/migrations/${m!.id}`, { version: '2.80' });
      expect(del.status).toBe(202);
      for (let i = 0; i < 300 && (await vim.listMigrations({ serverId: id }))[0]?.status !== 'cancelled'; i++)
        await sleep(5);
      const [done] = (await call('GET', `/os-migrations?instance_uuid=${id}`, { version: '2.80' })).body
        .migrations as Record<string, unknown>[];
      expect(done?.status).toBe('cancelled');
      const again = await call('DELETE', `/servers/${id}/migrations/${m!.id}`, { version: '2.80' });
      expect(again.status).toBe(400);
    });

    it('shows a cold migration as RESIZE, with Nova cold statuses, and not among live migrations', async () => {
      lab.next = { behaviour: { roundDelayMs: 150 } };
      const id = await running();
      const post = await call('POST', `/servers/${id}/action`, { version: '2.56', body: { migrate: null } });
      expect(post.status).toBe(202);
      const server = (await call('GET', `/servers/${id}`, { version: '2.80' })).body.server as Record<
        string,
        unknown
      >;
      expect(server).toMatchObject({ status: 'RESIZE', 'OS-EXT-STS:task_state': 'resize_migrating' });
      expect((await call('GET', `/servers/${id}/migrations`, { version: '2.80' })).body.migrations).toEqual(
        [],
      );
      for (let i = 0; i < 300 && (await vim.listMigrations({ serverId: id }))[0]?.status !== 'completed'; i++)
        await sleep(5);
      const [m] = (await call('GET', `/os-migrations?instance_uuid=${id}`, { version: '2.80' })).body
        .migrations as Record<string, unknown>[];
      expect(m).toMatchObject({ migration_type: 'migration', status: 'confirmed' });
      expect(m).not.toHaveProperty('links');
      const old = await call('POST', `/servers/${id}/action`, {
        version: '2.55',
        body: { migrate: { host: 'compute-1' } },
      });
      expect(old.status).toBe(400);
    });

    it('pages os-migrations with limit and marker (2.59)', async () => {
      const all = (await call('GET', '/os-migrations', { version: '2.59' })).body.migrations as {
        uuid: string;
      }[];
      expect(all.length).toBeGreaterThanOrEqual(2);
      const first = await call('GET', '/os-migrations?limit=1', { version: '2.59' });
      expect((first.body.migrations as { uuid: string }[]).map((m) => m.uuid)).toEqual([all[0]?.uuid]);
      const next = (first.body.migrations_links as { href: string }[])[0]?.href ?? '';
      expect(next).toContain(`marker=${all[0]?.uuid}`);
      const second = await call('GET', `/os-migrations?limit=1&marker=${all[0]?.uuid}`, { version: '2.59' });
      expect((second.body.migrations as { uuid: string }[]).map((m) => m.uuid)).toEqual([all[1]?.uuid]);
      expect((await call('GET', '/os-migrations?marker=nope', { version: '2.59' })).status).toBe(400);
    });
  });

  describe('vnflab:vresource_type (lab extension of os-migrateLive)', () => {
    it('moves only the named vResource within the host and shows what changed on the record', async () => {
      const id = await running();
      const res = await call('POST', `/servers/${id}/action`, {
        version: '2.80',
        body: { 'os-migrateLive': { host: null, block_migration: 'auto', 'vnflab:vresource_type': 'vNIC' } },
      });
      expect(res.status).toBe(202);
      let m: Record<string, unknown> | undefined;
      for (let i = 0; i < 500; i++) {
        const list = await call('GET', `/os-migrations?instance_uuid=${id}`, { version: '2.80' });
        m = (list.body.migrations as Record<string, unknown>[])[0];
        if (m?.status === 'completed') break;
        await sleep(5);
      }
      expect(m).toMatchObject({
        status: 'completed',
        migration_type: 'live-migration',
        'vnflab:vresource_type': 'vNIC',
        'vnflab:vresource_changes': { vResourceType: 'vNIC', moved: 'vNIC' },
      });
      expect(m?.source_compute).toBe(m?.dest_compute);
      expect(m?.['vnflab:released_allocation_ids']).toHaveLength(1);
      const server = await call('GET', `/servers/${id}`, { version: '2.80' });
      const s = server.body.server as Record<string, unknown>;
      expect(s['OS-EXT-SRV-ATTR:host']).toBe(m?.source_compute);
      expect(s).toHaveProperty('vnflab:management');
    });

    it('refuses an unknown vResource type with 400', async () => {
      const id = await running();
      const res = await call('POST', `/servers/${id}/action`, {
        version: '2.80',
        body: { 'os-migrateLive': { host: null, block_migration: 'auto', 'vnflab:vresource_type': 'vGPU' } },
      });
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body)).toContain('vnflab:vresource_type');
    });
  });
});

describe('lab Nova API over a VIM that does not answer (real time)', () => {
  /** Keystone token, then one compute request; the status and how long it took. */
  async function timedCall(
    api: NovaApi,
    path: string,
  ): Promise<{ status: number; body: Record<string, unknown>; ms: number }> {
    const auth = await fetch(`${api.authUrl}/auth/tokens`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(passwordAuth(credentials.password)),
    });
    const token = auth.headers.get('X-Subject-Token') ?? '';
    const t0 = performance.now();
    const res = await fetch(`${api.baseUrl}${path}`, { headers: { 'X-Auth-Token': token } });
    return {
      status: res.status,
      body: (await res.json()) as Record<string, unknown>,
      ms: performance.now() - t0,
    };
  }

  it('answers 503 at its request deadline instead of keeping the client waiting', async () => {
    const vim = new FakeVim();
    vim.listServers = () => new Promise<never>(() => undefined); // a host that never answers
    const api = await startNovaApi({ vim, credentials, requestTimeoutMs: 200 });
    try {
      const res = await timedCall(api, '/servers/detail');
      expect(res.status).toBe(503);
      expect(res.body).toEqual({
        serviceUnavailable: {
          code: 503,
          message: 'The compute API could not complete the request within 200 ms.',
        },
      });
      expect(res.ms).toBeLessThan(200 + 2_000);
    } finally {
      await api.close();
    }
  });

  it('answers 503 when a compute host did not answer the VIM in time', async () => {
    const vim = new FakeVim();
    vim.listServers = () =>
      Promise.reject(
        new HostError('TIMEOUT', 'host compute-1 did not answer inventory: no answer within 5000 ms'),
      );
    const api = await startNovaApi({ vim, credentials });
    try {
      const res = await timedCall(api, '/servers/detail');
      expect(res.status).toBe(503);
      expect(JSON.stringify(res.body)).toContain('host compute-1 did not answer inventory');
    } finally {
      await api.close();
    }
  });
});
