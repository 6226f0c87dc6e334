import { afterEach, describe, expect, it } from 'vitest';
import { runVnfmContract } from '../../../test/contracts/vnfm.contract.js';
import type { LcmOperation, Vnfm, VnfRecord } from '../../ports/vnfm.js';
import { FakeVim } from '../../../test/fakes/lab/fake-vim.js';
import { UDP_FORWARDER_VNFD } from '../../lab/vnfm/lab-vnfd.js';
import { type LabVnfm, type LabVnfmOptions, startLabVnfm } from '../../lab/vnfm/server.js';
import { type Sol003VnfmConfig, Sol003Vnfm } from './sol003-vnfm.js';
import { json, type StubServer, startStubServer } from '../../../test/fakes/sol003/stub-server.js';

/** The lab VNFM with OAuth 2.0 on, as `vnflab lab up` runs it, and a driver configured for it. */
async function oauth2Subject(notifications: boolean, labOptions: Partial<LabVnfmOptions> = {}) {
  const vim = new FakeVim();
  const lab = await startLabVnfm({
    vim,
    auth: { oauth2: { clientId: 'contract', clientSecret: 'secret' } },
    ...labOptions,
  });
  const vnfm = new Sol003Vnfm({
    baseUrl: lab.baseUrl,
    requestTimeoutMs: 5000,
    auth: { type: 'oauth2', tokenUrl: lab.tokenUrl ?? '', clientId: 'contract', clientSecret: 'secret' },
    ...(notifications
      ? { notifications: { callbackUrl: 'http://127.0.0.1:0/vnflab/lcm-notifications' } }
      : {}),
  });
  return {
    vnfm,
    vnfdId: UDP_FORWARDER_VNFD.vnfdId,
    swImageId: 'sw-vnflab-udp-fwd-1.0',
    flavourId: 'default',
    close: async () => {
      await lab.close();
      await vim.close();
    },
  };
}

runVnfmContract({
  name: 'Sol003Vnfm against the lab VNFM over HTTP, OAuth 2.0 on, polling',
  create: () => oauth2Subject(false),
});

runVnfmContract({
  name: 'Sol003Vnfm against the lab VNFM over HTTP, OAuth 2.0 on, tracking by notification',
  create: () => oauth2Subject(true),
});

runVnfmContract({
  name: 'Sol003Vnfm against the lab VNFM paging every list one item at a time',
  create: () => oauth2Subject(false, { pageSize: 1 }),
});

describe('Sol003Vnfm against the lab VNFM', () => {
  let vim: FakeVim;
  let lab: LabVnfm;
  let vnfm: Sol003Vnfm;

  async function start(
    config: Partial<Sol003VnfmConfig> = {},
    labOptions: Partial<LabVnfmOptions> = {},
  ): Promise<void> {
    vim = new FakeVim();
    lab = await startLabVnfm({ vim, ...labOptions });
    vnfm = new Sol003Vnfm({ baseUrl: lab.baseUrl, requestTimeoutMs: 5000, ...config });
  }

  afterEach(async () => {
    await vnfm.close();
    await lab.close();
    await vim.close();
  });

  async function settle(op: LcmOperation, on: Vnfm = vnfm): Promise<LcmOperation> {
    let current = op;
    for (let i = 0; i < 200 && ['STARTING', 'PROCESSING', 'ROLLING_BACK'].includes(current.state); i++) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      current = await on.getLcmOperation(op.id);
    }
    return current;
  }

  async function activeVnf(on: Vnfm = vnfm): Promise<VnfRecord> {
    const vnf = await on.createVnfRecord({ vnfdId: UDP_FORWARDER_VNFD.vnfdId, vnfInstanceName: 'drv' });
    await settle(
      await on.instantiate(vnf, {
        flavourId: 'default',
        swImageId: 'sw-vnflab-udp-fwd-1.0',
        additionalParams: { egress: { host: '127.0.0.1', port: 7 } },
      }),
      on,
    );
    await settle(await on.start(vnf), on);
    return vnf;
  }

  it('returns the occurrence named by the 202 Location, read once', async () => {
    await start();
    const vnf = await vnfm.createVnfRecord({ vnfdId: UDP_FORWARDER_VNFD.vnfdId, vnfInstanceName: 'x' });
    expect(vnf.vnfInstanceName).toBe('x');
    const op = await vnfm.instantiate(vnf, { flavourId: 'default', swImageId: 'sw-vnflab-udp-fwd-1.0' });
    expect(op.operation).toBe('INSTANTIATE');
    const listed = await fetch(
      `${lab.baseUrl}/vnf_lcm_op_occs?filter=(eq,vnfInstanceId,${vnf.vnfInstanceId})`,
      {
        headers: { Version: '2.0.0' },
      },
    );
    expect(((await listed.json()) as { id: string }[]).map((o) => o.id)).toEqual([op.id]);
    expect((await settle(op)).state).toBe('COMPLETED');
  });

  it('reports ERROR with the failed operation detail, then cleans up by rolling back', async () => {
    await start();
    const vnf = await vnfm.createVnfRecord({ vnfdId: UDP_FORWARDER_VNFD.vnfdId, vnfInstanceName: 'x' });
    vim.failNext('createServer', 'No valid host was found');
    const op = await settle(
      await vnfm.instantiate(vnf, { flavourId: 'default', swImageId: 'sw-vnflab-udp-fwd-1.0' }),
    );
    expect(op).toMatchObject({ state: 'FAILED_TEMP' });
    expect(op.error).toContain('No valid host was found');
    const state = await vnfm.getVnfState(vnf);
    expect(state).toMatchObject({ state: 'ERROR', instantiationState: 'NOT_INSTANTIATED' });
    expect(state.error).toContain('INSTANTIATE FAILED_TEMP: vim.createServer');
    await vnfm.deleteVnfRecord(vnf);
    await expect(vnfm.getVnfState(vnf)).rejects.toMatchObject({ code: 'SOL003_NOT_FOUND', status: 404 });
    const occ = (await (
      await fetch(`${lab.baseUrl}/vnf_lcm_op_occs/${op.id}`, { headers: { Version: '2.0.0' } })
    ).json()) as {
      operationState: string;
    };
    expect(occ.operationState).toBe('ROLLED_BACK');
  });

  it('follows Link rel="next" through every page of a paging VNFM (SOL013 §5.4.2.3) to the newest occurrence', async () => {
    await start({}, { pageSize: 1 });
    const vnf = await activeVnf();
    // The newest of three occurrences, on the third page of the instance's list, failed.
    vim.failNext('stopServer', 'the hypervisor did not answer');
    expect((await settle(await vnfm.stop(vnf))).state).toBe('FAILED_TEMP');
    const firstPage = await fetch(
      `${lab.baseUrl}/vnf_lcm_op_occs?filter=(eq,vnfInstanceId,${vnf.vnfInstanceId})`,
      { headers: { Version: '2.0.0' } },
    );
    expect(((await firstPage.json()) as unknown[]).length).toBe(1);
    expect(firstPage.headers.get('link')).toMatch(/nextpage_opaque_marker=.*>; rel="next"$/);
    expect(await vnfm.getVnfState(vnf)).toMatchObject({
      state: 'ERROR',
      error: expect.stringContaining('OPERATE FAILED_TEMP') as unknown,
    });
  });

  it('leaves a FAILED_TEMP occurrence alone when told to (409 Sol003Error)', async () => {
    await start({ resolveFailedOperations: false });
    const vnf = await vnfm.createVnfRecord({ vnfdId: UDP_FORWARDER_VNFD.vnfdId, vnfInstanceName: 'x' });
    vim.failNext('createServer', 'boom');
    await settle(await vnfm.instantiate(vnf, { flavourId: 'default', swImageId: 'sw-vnflab-udp-fwd-1.0' }));
    const err = await vnfm.deleteVnfRecord(vnf).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'Sol003Error', code: 'SOL003_CONFLICT', status: 409 });
    expect((err as Error).message).toContain('FAILED_TEMP');
  });

  it('terminates after a failed stop by failing the stuck occurrence first', async () => {
    await start();
    const vnf = await activeVnf();
    vim.failNext('stopServer', 'hypervisor not responding');
    expect((await settle(await vnfm.stop(vnf))).state).toBe('FAILED_TEMP');
    expect((await settle(await vnfm.terminate(vnf))).state).toBe('COMPLETED');
    expect((await vnfm.getVnfState(vnf)).state).toBe('NOT_INSTANTIATED');
    expect(await vim.listServers()).toEqual([]);
  });

  it('sees a migration in the vResource list: same server, new host and allocation ids', async () => {
    await start();
    const vnf = await activeVnf();
    const before = await vnfm.getVResourceList(vnf);
    expect(before.map((r) => r.kind).sort()).toEqual(['vCPU', 'vMemory', 'vNIC', 'vStorage']);
    const serverId = before[0]?.computeResourceId ?? '';
    const migration = await vim.liveMigrate(serverId);
    const after = await vnfm.getVResourceList(vnf);
    expect(after.every((r) => r.computeResourceId === serverId && r.host === migration.destHost)).toBe(true);
    expect(before.every((r) => r.host === migration.sourceHost)).toBe(true);
    expect(after.map((r) => r.id).filter((id) => before.some((b) => b.id === id))).toEqual([]);
    expect(await vim.findAllocated(before.map((r) => r.id))).toEqual([]);
  });

  it('reads the data-plane ingress from the lab metadata', async () => {
    await start();
    const vnf = await activeVnf();
    const [server] = await vim.listServers();
    expect(await vnfm.getDataPlane(vnf)).toEqual({ ingress: server?.dataPlane?.ingress });
  });

  it('authenticates with OAuth 2.0 client credentials against the lab', async () => {
    vim = new FakeVim();
    lab = await startLabVnfm({ vim, auth: { oauth2: { clientId: 'c', clientSecret: 's' } } });
    const anonymous = new Sol003Vnfm({ baseUrl: lab.baseUrl });
    await expect(
      anonymous.createVnfRecord({ vnfdId: UDP_FORWARDER_VNFD.vnfdId, vnfInstanceName: 'x' }),
    ).rejects.toMatchObject({
      code: 'SOL003_UNAUTHORIZED',
    });
    await anonymous.close();
    vnfm = new Sol003Vnfm({
      baseUrl: lab.baseUrl,
      auth: { type: 'oauth2', tokenUrl: lab.tokenUrl ?? '', clientId: 'c', clientSecret: 's' },
    });
    const vnf = await activeVnf();
    expect((await vnfm.getVnfState(vnf)).state).toBe('ACTIVE');
    expect((await vnfm.getVnfdVResourceList(UDP_FORWARDER_VNFD.vnfdId)).vdus).toHaveLength(1);
  });

  it('explains that a VNFD cannot be read without the lab endpoint or a vnfdFile', async () => {
    await start();
    await expect(vnfm.getVnfdVResourceList('nope')).rejects.toMatchObject({
      code: 'SOL003_VNFD_UNAVAILABLE',
      message: expect.stringContaining("needs 'vnfdFile'") as unknown,
    });
  });
});

describe('Sol003Vnfm against a VNFM without the lab extensions (Tacker-like stub)', () => {
  let stub: StubServer;
  afterEach(async () => {
    await stub.close();
  });

  const instance = {
    id: 'inst-1',
    vnfdId: 'vnfd-vnflab-udp-fwd',
    vnfProvider: 'p',
    vnfProductName: 'n',
    vnfSoftwareVersion: '1',
    vnfdVersion: '1',
    instantiationState: 'INSTANTIATED',
    instantiatedVnfInfo: {
      flavourId: 'default',
      vnfState: 'STARTED',
      vnfcResourceInfo: [
        {
          id: 'vnfc-1',
          vduId: 'fwd',
          computeResource: {
            vimConnectionId: 'vim',
            resourceId: 'nova-server-1',
            vimLevelResourceType: 'OS::Nova::Server',
          },
          storageResourceIds: ['st-1'],
        },
      ],
      virtualStorageResourceInfo: [
        { id: 'st-1', virtualStorageDescId: 'fwd-root', storageResource: { resourceId: 'cinder-vol-1' } },
      ],
    },
    _links: { self: { href: '/x' } },
  };

  it('maps each VNFC to a compute vResource (amounts from the VNFD file), no data plane; filters ops locally if refused', async () => {
    let filterRefused = 0;
    stub = await startStubServer((req, res) => {
      if (req.path === '/vnflcm/v2/vnf_instances/inst-1') json(res, 200, instance);
      else if (req.path.startsWith('/vnflcm/v2/vnf_lcm_op_occs?filter')) {
        filterRefused++;
        json(res, 400, { status: 400, detail: 'filter not supported' });
      } else if (req.path === '/vnflcm/v2/vnf_lcm_op_occs') {
        json(res, 200, [
          {
            id: 'o1',
            operationState: 'COMPLETED',
            operation: 'INSTANTIATE',
            vnfInstanceId: 'inst-1',
            startTime: '2026-01-01T00:00:00Z',
          },
          {
            id: 'o2',
            operationState: 'COMPLETED',
            operation: 'OPERATE',
            vnfInstanceId: 'inst-1',
            startTime: '2026-01-01T00:01:00Z',
          },
          {
            id: 'o3',
            operationState: 'FAILED_TEMP',
            operation: 'HEAL',
            vnfInstanceId: 'other',
            startTime: '2026-01-01T00:02:00Z',
          },
        ]);
      } else json(res, 404, { status: 404, detail: 'no such resource' });
    });
    const { mkdtemp, rm, writeFile } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const dir = await mkdtemp(`${tmpdir()}/vnflab-`);
    const vnfdFile = `${dir}/vnfd.json`;
    await writeFile(vnfdFile, JSON.stringify(UDP_FORWARDER_VNFD));
    const vnfm = new Sol003Vnfm({ baseUrl: `${stub.url}/vnflcm/v2`, vnfdFile });
    try {
      const vnf: VnfRecord = { vnfInstanceId: 'inst-1', vnfdId: 'vnfd-vnflab-udp-fwd', vnfInstanceName: 'x' };
      expect(await vnfm.getVResourceList(vnf)).toEqual([
        {
          id: 'nova-server-1',
          kind: 'vCPU',
          amount: 1,
          unit: 'count',
          host: '',
          vnfcId: 'vnfc-1',
          computeResourceId: 'nova-server-1',
        },
        {
          id: 'cinder-vol-1',
          kind: 'vStorage',
          amount: 1,
          unit: 'GiB',
          host: '',
          vnfcId: 'vnfc-1',
          computeResourceId: 'nova-server-1',
        },
      ]);
      expect(await vnfm.getDataPlane(vnf)).toBeNull();
      expect(await vnfm.getVnfState(vnf)).toEqual({
        state: 'ACTIVE',
        instantiationState: 'INSTANTIATED',
        vnfState: 'STARTED',
      });
      expect(filterRefused).toBe(1);
    } finally {
      await vnfm.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('treats a 202 without Location as a protocol error, and resolves a relative Location', async () => {
    let withLocation = false;
    stub = await startStubServer((req, res) => {
      if (req.method === 'POST') {
        res.writeHead(202, withLocation ? { Location: 'vnf_lcm_op_occs/op-9' } : {});
        res.end();
      } else if (req.path === '/vnflcm/v2/vnf_lcm_op_occs/op-9') {
        json(res, 200, {
          id: 'op-9',
          operationState: 'STARTING',
          operation: 'OPERATE',
          vnfInstanceId: 'i',
          startTime: '2026-01-01T00:00:00Z',
        });
      } else json(res, 404, { status: 404, detail: 'no' });
    });
    const vnfm = new Sol003Vnfm({ baseUrl: `${stub.url}/vnflcm/v2` });
    const vnf: VnfRecord = { vnfInstanceId: 'i', vnfdId: 'd', vnfInstanceName: 'x' };
    await expect(vnfm.start(vnf)).rejects.toMatchObject({ code: 'SOL003_PROTOCOL' });
    withLocation = true;
    expect(await vnfm.start(vnf)).toEqual({ id: 'op-9', operation: 'OPERATE', state: 'STARTING' });
    const bodies = stub.requests.filter((r) => r.method === 'POST').map((r) => JSON.parse(r.body) as unknown);
    expect(bodies).toEqual([{ changeStateTo: 'STARTED' }, { changeStateTo: 'STARTED' }]);
    await vnfm.close();
  });
});
