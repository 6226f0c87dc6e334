import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeVim } from '../../../test/fakes/lab/fake-vim.js';
import { HostError } from '../hypervisor/process/errors.js';
import { LabAuthenticator } from './auth.js';
import { type LabVnfm, startLabVnfm, type LabVnfmOptions } from './server.js';

interface Answer {
  status: number;
  headers: Headers;
  body: Record<string, unknown> & { detail?: string };
}

let vim: FakeVim;
let lab: LabVnfm;

async function start(options: Partial<LabVnfmOptions> = {}): Promise<void> {
  vim = new FakeVim();
  lab = await startLabVnfm({ vim, ...options });
}

afterEach(async () => {
  await lab.close();
  await vim.close();
});

async function call(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const raw = typeof body === 'string';
  const res = await fetch(`${lab.apiRoot}${path}`, {
    method,
    headers: {
      Version: '2.0.0',
      ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      ...headers,
    },
    ...(body !== undefined ? { body: raw ? body : JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as Answer['body']) : {} };
}

async function settle(location: string | null): Promise<Answer['body']> {
  const path = new URL(location ?? '').pathname;
  for (let i = 0; i < 200; i++) {
    const { body } = await call('GET', path);
    if (!['STARTING', 'PROCESSING', 'ROLLING_BACK'].includes(body.operationState as string)) return body;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error('operation did not settle');
}

async function created(vnfdId = 'vnfd-vnflab-udp-fwd'): Promise<string> {
  const { status, body } = await call('POST', '/vnflcm/v2/vnf_instances', { vnfdId, vnfInstanceName: 't' });
  expect(status).toBe(201);
  return `/vnflcm/v2/vnf_instances/${body.id as string}`;
}

async function instantiated(additionalParams: Record<string, unknown> = {}): Promise<string> {
  const inst = await created();
  const res = await call('POST', `${inst}/instantiate`, { flavourId: 'default', additionalParams });
  expect((await settle(res.headers.get('location'))).operationState).toBe('COMPLETED');
  return inst;
}

describe('lab VNFM: protocol rules', () => {
  it('listens on 127.0.0.1 with baseUrl ending /vnflcm/v2 and answers with Version 2.0.0', async () => {
    await start();
    expect(lab.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/vnflcm\/v2$/);
    const res = await call('GET', '/vnflcm/v2/api_versions');
    expect(res.status).toBe(200);
    expect(res.headers.get('version')).toBe('2.0.0');
    expect(res.body).toEqual({
      uriPrefix: lab.baseUrl,
      apiVersions: [{ version: '2.0.0', isDeprecated: false }],
    });
  });

  it('requires the Version header (400) and refuses versions it does not serve (406)', async () => {
    await start();
    const missing = await fetch(`${lab.baseUrl}/vnf_instances`);
    expect(missing.status).toBe(400);
    expect(missing.headers.get('content-type')).toBe('application/problem+json');
    expect(((await missing.json()) as { detail: string }).detail).toContain("'Version' header is required");
    const old = await call('GET', '/vnflcm/v2/vnf_instances', undefined, { Version: '1.3.0' });
    expect(old.status).toBe(406);
    expect(old.body.status).toBe(406);
  });

  it('names the offending field of a malformed body (400), refuses non-JSON (400 / 415)', async () => {
    await start();
    const noVnfd = await call('POST', '/vnflcm/v2/vnf_instances', { vnfInstanceName: 'x' });
    expect(noVnfd.status).toBe(400);
    expect(noVnfd.body.detail).toContain("'vnfdId' is required");
    const inst = await created();
    const noFlavour = await call('POST', `${inst}/instantiate`, { additionalParams: {} });
    expect(noFlavour.body.detail).toContain("'flavourId' is required");
    const badPort = await call('POST', `${inst}/instantiate`, {
      flavourId: 'default',
      additionalParams: { egress: { host: '127.0.0.1', port: 'nine' } },
    });
    expect(badPort.status).toBe(400);
    expect(badPort.body.detail).toContain('additionalParams.egress.port');
    const badState = await call('POST', `${inst}/operate`, { changeStateTo: 'RUNNING' });
    expect(badState.body.detail).toContain('changeStateTo');
    expect((await call('POST', '/vnflcm/v2/vnf_instances', '{"vnfdId":')).status).toBe(400);
    expect(
      (await call('POST', '/vnflcm/v2/vnf_instances', 'vnfdId=x', { 'Content-Type': 'text/plain' })).status,
    ).toBe(415);
  });

  it('answers 404 for unknown resources, 405 for an unsupported method, 422 for an unknown VNFD', async () => {
    await start();
    expect((await call('GET', '/vnflcm/v2/vnf_instances/none')).status).toBe(404);
    expect((await call('GET', '/vnflcm/v2/vnf_lcm_op_occs/none')).status).toBe(404);
    expect((await call('POST', '/vnflcm/v2/vnf_instances/none/scale', {})).status).toBe(404);
    const put = await call('PUT', '/vnflcm/v2/vnf_instances/none', {});
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')).toBe('GET, DELETE, PATCH');
    const unknown = await call('POST', '/vnflcm/v2/vnf_instances', { vnfdId: 'nope' });
    expect(unknown.status).toBe(422);
    expect(unknown.body.detail).toContain('vnfd-vnflab-udp-fwd');
  });
});

describe('lab VNFM: lifecycle against the VIM', () => {
  it('instantiates with the VDU flavor and lab inputs, SHUTOFF; starts; shows host, allocations, ingress', async () => {
    await start({ defaultDirtyPagesPerSec: 250 });
    const license = { licensee: 'lab', product: 'udp-forwarder', expires: '2999-01-01', key: 'k' };
    const inst = await instantiated({
      swImageId: 'sw-vnflab-udp-fwd-1.0',
      egress: { host: '127.0.0.1', port: 5000 },
      license,
      vnfConfig: { mode: 'forward' },
      memoryMiB: 256,
      computeHost: 'compute-2',
    });
    const [server] = await vim.listServers();
    expect(server).toMatchObject({
      status: 'SHUTOFF',
      host: 'compute-2',
      imageId: 'sw-vnflab-udp-fwd-1.0',
      liveMigratable: true,
      flavor: { vCpu: 1, memoryMiB: 256, storageGiB: 1, nics: 2, specializedNics: 0 },
    });
    const view = (await call('GET', inst)).body as {
      instantiationState: string;
      instantiatedVnfInfo: { vnfState: string; vnfcResourceInfo: Record<string, unknown>[] };
      metadata: Record<string, unknown>;
    };
    expect(view.instantiationState).toBe('INSTANTIATED');
    expect(view.instantiatedVnfInfo.vnfState).toBe('STOPPED');

    const op = await call('POST', `${inst}/operate`, { changeStateTo: 'STARTED' });
    expect((await settle(op.headers.get('location'))).operationState).toBe('COMPLETED');
    const running = (await vim.getServer(server?.id ?? ''))!;
    expect(running.status).toBe('ACTIVE');
    const after = (await call('GET', inst)).body as typeof view;
    expect(after.instantiatedVnfInfo.vnfState).toBe('STARTED');
    const vnfc = after.instantiatedVnfInfo.vnfcResourceInfo[0];
    expect(vnfc).toMatchObject({
      vduId: 'fwd',
      computeResource: { resourceId: running.id, vimLevelResourceType: 'OS::Nova::Server' },
      metadata: {
        'vnflab.compute': {
          host: 'compute-2',
          status: 'ACTIVE',
          allocations: running.allocations.map(({ host: _host, ...a }) => a),
        },
      },
    });
    expect(after.metadata['vnflab.dataPlane']).toEqual({ ingress: running.dataPlane?.ingress });
  });

  it('passes the boot config to the VIM: egress, license, config, dirty rate (default from options)', async () => {
    const seen: unknown[] = [];
    await start({ defaultDirtyPagesPerSec: 250 });
    const create = vim.createServer.bind(vim);
    vim.createServer = (req) => {
      seen.push(req.vnf);
      return create(req);
    };
    await instantiated({ egress: { host: '127.0.0.1', port: 5001 }, vnfConfig: { a: 1 } });
    const capabilityUrl: unknown = expect.stringMatching(
      /^http:\/\/127\.0\.0\.1:\d+\/vnflab\/v1\/ve-vnfm\/[\w-]{24}\/migrate$/,
    );
    expect(seen).toEqual([
      {
        egress: { host: '127.0.0.1', port: 5001 },
        dirtyPagesPerSec: 250,
        config: { a: 1 },
        // Trigger type `vnf`: where the VNF asks for its migration, a per-instance capability URL.
        vnfmMigrateUrl: capabilityUrl,
      },
    ]);
  });

  it('marks the SR-IOV VNFD not live-migratable', async () => {
    await start();
    const inst = await created('vnfd-vnflab-udp-fwd-sriov');
    const res = await call('POST', `${inst}/instantiate`, { flavourId: 'default' });
    expect((await settle(res.headers.get('location'))).operationState).toBe('COMPLETED');
    const [server] = await vim.listServers();
    expect(server?.liveMigratable).toBe(false);
    expect(server?.allocations.filter((a) => a.kind === 'vNIC').map((a) => a.specialized ?? false)).toEqual([
      false,
      true,
    ]);
  });

  it('fails an instantiation from an undeclared software image, naming it and the declared ones', async () => {
    await start();
    const inst = await created();
    const res = await call('POST', `${inst}/instantiate`, {
      flavourId: 'default',
      additionalParams: { swImageId: 'sw-other-2.0' },
    });
    expect(res.status).toBe(202);
    const occ = await settle(res.headers.get('location'));
    expect(occ.operationState).toBe('FAILED_TEMP');
    expect(occ.error).toMatchObject({ status: 422 });
    expect((occ.error as { detail: string }).detail).toBe(
      "swImageId 'sw-other-2.0' is not a software image of VNFD 'vnfd-vnflab-udp-fwd' (swImageDesc: sw-vnflab-udp-fwd-1.0)",
    );
    expect(await vim.listServers()).toEqual([]);
  });

  it('turns a VIM failure into FAILED_TEMP with the VIM message; rollback releases what was created', async () => {
    await start();
    const inst = await instantiated();
    vim.failNext('startServer', 'license expired on 2020-01-01', 409);
    const res = await call('POST', `${inst}/operate`, { changeStateTo: 'STARTED' });
    const occ = await settle(res.headers.get('location'));
    expect(occ.operationState).toBe('FAILED_TEMP');
    expect((occ.error as { detail: string }).detail).toContain('license expired on 2020-01-01');
    expect((occ._links as Record<string, unknown>).fail).toBeDefined();
    // Blocked until resolved (SOL003; Tacker counts FAILED_TEMP as in progress).
    const blocked = await call('POST', `${inst}/terminate`, { terminationType: 'FORCEFUL' });
    expect(blocked.status).toBe(409);
    expect(blocked.body.detail).toContain('FAILED_TEMP');
    const opPath = new URL(res.headers.get('location') ?? '').pathname;
    expect((await call('POST', `${opPath}/rollback`)).status).toBe(409); // OPERATE: fail only
    const failed = await call('POST', `${opPath}/fail`);
    expect(failed.status).toBe(200);
    expect(failed.body.operationState).toBe('FAILED');
    const term = await call('POST', `${inst}/terminate`, { terminationType: 'FORCEFUL' });
    expect((await settle(term.headers.get('location'))).operationState).toBe('COMPLETED');
    expect(await vim.listServers()).toEqual([]);
  });

  it('refuses a second operation while one runs (409), operate before instantiate (409), delete while instantiated (409)', async () => {
    await start();
    const inst = await created();
    expect((await call('POST', `${inst}/operate`, { changeStateTo: 'STARTED' })).status).toBe(409);
    const first = await call('POST', `${inst}/instantiate`, { flavourId: 'default' });
    expect(first.status).toBe(202);
    const second = await call('POST', `${inst}/instantiate`, { flavourId: 'default' });
    expect(second.status).toBe(409);
    await settle(first.headers.get('location'));
    const del = await call('DELETE', inst);
    expect(del.status).toBe(409);
    expect(del.body.detail).toContain('INSTANTIATED');
  });

  it('terminates GRACEFUL by stopping first, then deleting; records ADDED / REMOVED resource changes', async () => {
    await start();
    const inst = await instantiated();
    await settle(
      (await call('POST', `${inst}/operate`, { changeStateTo: 'STARTED' })).headers.get('location'),
    );
    const [server] = await vim.listServers();
    const term = await call('POST', `${inst}/terminate`, {
      terminationType: 'GRACEFUL',
      gracefulTerminationTimeout: 5,
    });
    const occ = await settle(term.headers.get('location'));
    const changes = (
      occ.resourceChanges as { affectedVnfcs: { changeType: string; computeResource: object }[] }
    ).affectedVnfcs;
    expect(changes).toHaveLength(1);
    expect(changes[0]?.changeType).toBe('REMOVED');
    expect(changes[0]?.computeResource).toMatchObject({ resourceId: server?.id });
    expect(vim.calls.slice(-2)).toEqual([`stopServer ${server?.id}`, `deleteServer ${server?.id}`]);
    const view = (await call('GET', inst)).body;
    expect(view.instantiationState).toBe('NOT_INSTANTIATED');
    expect(view.instantiatedVnfInfo).toBeUndefined();
    expect((await call('DELETE', inst)).status).toBe(204);
    expect((await call('GET', inst)).status).toBe(404);
  });

  it('filters lists (SOL013 §5.2) and serves the lab VNFDs', async () => {
    await start();
    const a = await instantiated();
    await created();
    const id = a.split('/').pop() ?? '';
    const list = await fetch(`${lab.baseUrl}/vnf_instances?filter=(eq,instantiationState,INSTANTIATED)`, {
      headers: { Version: '2.0.0' },
    });
    expect(((await list.json()) as { id: string }[]).map((i) => i.id)).toEqual([id]);
    const ops = await fetch(
      `${lab.baseUrl}/vnf_lcm_op_occs?filter=(eq,vnfInstanceId,${id});(eq,operation,INSTANTIATE)`,
      {
        headers: { Version: '2.0.0' },
      },
    );
    expect(((await ops.json()) as unknown[]).length).toBe(1);
    expect((await call('GET', '/vnflcm/v2/vnf_instances?filter=(bogus')).status).toBe(400);
    const vnfd = await fetch(`${lab.apiRoot}/vnflab/v1/vnfds/vnfd-vnflab-udp-fwd-sriov`);
    expect(await vnfd.json()).toMatchObject({ vdus: [{ specializedNics: 1, migration: 'OFFLINE' }] });
    expect((await fetch(`${lab.apiRoot}/vnflab/v1/vnfds/none`)).status).toBe(404);
  });
});

describe('lab VNFM: waiting on the VIM', () => {
  /** A VIM whose servers stay in BUILD. */
  const stuckInBuild = (): void => {
    const create = vim.createServer.bind(vim);
    const get = vim.getServer.bind(vim);
    vim.createServer = async (req) => ({ ...(await create(req)), status: 'BUILD' });
    vim.getServer = async (id) => {
      const server = await get(id);
      return server && { ...server, status: 'BUILD' };
    };
  };

  it('fails an operation whose server does not reach the wanted status in time', async () => {
    await start({ serverWaitTimeoutMs: 100 });
    stuckInBuild();
    const inst = await created();
    const res = await call('POST', `${inst}/instantiate`, { flavourId: 'default' });
    const occ = await settle(res.headers.get('location'));
    expect(occ.operationState).toBe('FAILED_TEMP');
    expect((occ.error as { detail: string }).detail).toMatch(/is BUILD, not SHUTOFF, after 100 ms/);
  });

  it('closes promptly while an operation waits, without leaving it running', async () => {
    await start();
    stuckInBuild();
    const inst = await created();
    expect((await call('POST', `${inst}/instantiate`, { flavourId: 'default' })).status).toBe(202);
    await new Promise((resolve) => setTimeout(resolve, 30));
    const started = Date.now();
    await lab.close();
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

describe('lab VNFM: a VIM that does not answer (real time)', () => {
  it('answers 503 ProblemDetails at its request deadline instead of keeping the client waiting', async () => {
    await start({ requestTimeoutMs: 200 });
    const inst = await created();
    vim.getServer = () => new Promise<never>(() => undefined); // a compute host that never answers
    await call('POST', `${inst}/instantiate`, { flavourId: 'default' });
    const t0 = performance.now();
    const res = await call('GET', inst);
    expect(performance.now() - t0).toBeLessThan(200 + 2_000);
    expect(res.status).toBe(503);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.headers.get('version')).toBe('2.0.0');
    expect(res.body).toEqual({
      title: 'Service Unavailable',
      status: 503,
      detail: 'the lab VNFM could not complete the request within 200 ms',
    });
    // The connection is fine for the next request.
    expect((await call('GET', '/vnflcm/v2/api_versions')).status).toBe(200);
  });

  it('answers 503 when a compute host did not answer the VIM in time', async () => {
    await start();
    const inst = await created();
    await call('POST', `${inst}/instantiate`, { flavourId: 'default' });
    vim.getServer = () =>
      Promise.reject(
        new HostError('TIMEOUT', 'host compute-1 did not answer inventory: no answer within 5000 ms'),
      );
    const res = await call('GET', inst);
    expect(res.status).toBe(503);
    expect(res.body.detail).toBe(
      'the VIM is unavailable: host compute-1 did not answer inventory: no answer within 5000 ms',
    );
  });
});

describe('lab VNFM: optional authentication', () => {
  it('is open by default', async () => {
    await start();
    expect(lab.tokenUrl).toBeNull();
    expect((await call('GET', '/vnflcm/v2/vnf_instances')).status).toBe(200);
  });

  it('checks HTTP Basic credentials', async () => {
    await start({ auth: { basic: { username: 'u', password: 'p' } } });
    const none = await call('GET', '/vnflcm/v2/vnf_instances');
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Basic realm="vnflab"');
    const basic = (u: string, p: string) => ({
      Authorization: `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`,
    });
    expect((await call('GET', '/vnflcm/v2/vnf_instances', undefined, basic('u', 'x'))).status).toBe(401);
    expect((await call('GET', '/vnflcm/v2/vnf_instances', undefined, basic('u', 'p'))).status).toBe(200);
  });

  it('issues OAuth 2.0 client-credentials tokens and accepts them as bearer tokens', async () => {
    await start({ auth: { oauth2: { clientId: 'vnflab', clientSecret: 's3cret' } } });
    const tokenUrl = lab.tokenUrl ?? '';
    const ask = (secret: string, grant = 'client_credentials') =>
      fetch(tokenUrl, {
        method: 'POST',
        headers: {
          Authorization: `Basic ${Buffer.from(`vnflab:${secret}`).toString('base64')}`,
          'Content-Type': 'application/x-www-form-urlencoded',
        },
        body: `grant_type=${grant}`,
      });
    expect((await ask('wrong')).status).toBe(401);
    expect((await ask('s3cret', 'password')).status).toBe(400);
    const granted = (await (await ask('s3cret')).json()) as { access_token: string; token_type: string };
    expect(granted.token_type).toBe('Bearer');
    const bearer = { Authorization: `Bearer ${granted.access_token}` };
    expect((await call('GET', '/vnflcm/v2/vnf_instances', undefined, bearer)).status).toBe(200);
    expect(
      (await call('GET', '/vnflcm/v2/vnf_instances', undefined, { Authorization: 'Bearer forged' })).status,
    ).toBe(401);
  });
});

describe('lab VNFM: what it keeps is bounded', () => {
  const oauth2 = { clientId: 'vnflab', clientSecret: 's3cret' };
  const token = async (): Promise<string> => {
    const res = await fetch(lab.tokenUrl ?? '', {
      method: 'POST',
      headers: {
        Authorization: `Basic ${Buffer.from('vnflab:s3cret').toString('base64')}`,
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials',
    });
    return ((await res.json()) as { access_token: string }).access_token;
  };
  const listWith = async (t: string): Promise<number> =>
    (await call('GET', '/vnflcm/v2/vnf_instances', undefined, { Authorization: `Bearer ${t}` })).status;

  it('keeps at most maxTokens live OAuth tokens: a new one replaces the oldest', async () => {
    await start({ auth: { oauth2: { ...oauth2, maxTokens: 2 } } });
    const [first, second, third] = [await token(), await token(), await token()];
    expect(await listWith(first)).toBe(401);
    expect(await listWith(second)).toBe(200);
    expect(await listWith(third)).toBe(200);
  });

  // Real time: a token lives one second.
  it('purges expired tokens (real time)', async () => {
    await start({ auth: { oauth2: { ...oauth2, tokenTtlS: 1 } } });
    const old = await token();
    expect(await listWith(old)).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect(await listWith(old)).toBe(401);

    // Kept in memory until then? The authenticator on its own: expired tokens go when the next is issued.
    const auth = new LabAuthenticator({ oauth2: { ...oauth2, tokenTtlS: 1 } });
    const issue = async (): Promise<void> => {
      const req = Object.assign(Readable.from([Buffer.from('grant_type=client_credentials')]), {
        method: 'POST',
        headers: { authorization: `Basic ${Buffer.from('vnflab:s3cret').toString('base64')}` },
      });
      const res = { headersSent: false, writableEnded: false, writeHead: () => res, end: () => res };
      await auth.handleTokenRequest(req as unknown as IncomingMessage, res as unknown as ServerResponse);
    };
    await issue();
    await issue();
    expect(auth.liveTokens).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await issue();
    expect(auth.liveTokens).toBe(1);
  });

  it('holds at most maxVnfInstances instance records (422 beyond, until one is deleted)', async () => {
    await start({ limits: { maxVnfInstances: 2 } });
    const first = await created();
    await created();
    const refused = await call('POST', '/vnflcm/v2/vnf_instances', { vnfdId: 'vnfd-vnflab-udp-fwd' });
    expect(refused.status).toBe(422);
    expect(refused.body.detail).toMatch(/holds 2 VNF instances, its limit/);
    expect((await call('DELETE', first)).status).toBe(204);
    expect((await call('POST', '/vnflcm/v2/vnf_instances', { vnfdId: 'vnfd-vnflab-udp-fwd' })).status).toBe(
      201,
    );
  });

  it('keeps the newest keptLcmOpOccs occurrences, of deleted instances first, never an open one', async () => {
    await start({ limits: { keptLcmOpOccs: 2 } });
    const opOf = (res: Answer): string => new URL(res.headers.get('location') ?? '').pathname;
    const gone = await created();
    const goneOp = opOf(await call('POST', `${gone}/instantiate`, { flavourId: 'default' }));
    await settle(`${lab.apiRoot}${goneOp}`);
    const goneTerm = opOf(await call('POST', `${gone}/terminate`, { terminationType: 'FORCEFUL' }));
    await settle(`${lab.apiRoot}${goneTerm}`);
    const kept = await created();
    const keptOp = opOf(await call('POST', `${kept}/instantiate`, { flavourId: 'default' }));
    await settle(`${lab.apiRoot}${keptOp}`);
    // Three occurrences, two kept: the oldest one goes.
    expect((await call('GET', goneOp)).status).toBe(404);
    expect((await call('GET', goneTerm)).status).toBe(200);
    // Once its instance is deleted, its occurrences go before those of a live instance.
    expect((await call('DELETE', gone)).status).toBe(204);
    const start2 = opOf(await call('POST', `${kept}/operate`, { changeStateTo: 'STARTED' }));
    expect((await call('GET', goneTerm)).status).toBe(404);
    expect((await call('GET', keptOp)).status).toBe(200);
    expect((await call('GET', start2)).status).toBe(200);
  });
});

describe('lab VNFM: paged lists (SOL013 §5.4.2.3)', () => {
  /** Every item of a list, page by page; and how many pages it took. */
  async function walk(path: string): Promise<{ ids: string[]; pages: number }> {
    const ids: string[] = [];
    let next: string | null = path;
    let pages = 0;
    while (next !== null) {
      const page = await call('GET', next);
      expect(page.status).toBe(200);
      ids.push(...(page.body as unknown as { id: string }[]).map((item) => item.id));
      pages++;
      const link = /^<([^>]+)>; rel="next"$/.exec(page.headers.get('link') ?? '')?.[1];
      next = link === undefined ? null : `${new URL(link).pathname}${new URL(link).search}`;
      if (link !== undefined) expect(new URL(link).searchParams.get('nextpage_opaque_marker')).toBeTruthy();
    }
    return { ids, pages };
  }

  it('pages vnf_instances and vnf_lcm_op_occs with Link rel="next", keeping the filter', async () => {
    await start({ pageSize: 2 });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await created()).split('/').pop() ?? '');
    expect(await walk('/vnflcm/v2/vnf_instances')).toEqual({ ids, pages: 3 });
    const last = (await call('GET', '/vnflcm/v2/vnf_instances?nextpage_opaque_marker=' + 'x'.repeat(3)))
      .status;
    expect(last).toBe(400);

    const inst = `/vnflcm/v2/vnf_instances/${ids[0]}`;
    const ops: string[] = [];
    for (const change of ['instantiate', 'start', 'stop']) {
      const res =
        change === 'instantiate'
          ? await call('POST', `${inst}/instantiate`, { flavourId: 'default' })
          : await call('POST', `${inst}/operate`, {
              changeStateTo: change === 'start' ? 'STARTED' : 'STOPPED',
            });
      ops.push(new URL(res.headers.get('location') ?? '').pathname.split('/').pop() ?? '');
      await settle(res.headers.get('location'));
    }
    await call('POST', `/vnflcm/v2/vnf_instances/${ids[1]}/instantiate`, { flavourId: 'default' });
    const filter = encodeURIComponent(`(eq,vnfInstanceId,${ids[0]})`);
    expect(await walk(`/vnflcm/v2/vnf_lcm_op_occs?filter=${filter}`)).toEqual({ ids: ops, pages: 2 });
    expect((await walk('/vnflcm/v2/vnf_lcm_op_occs')).ids).toHaveLength(4);
  });

  it('a page picks up after the last item seen, even when items were deleted meanwhile', async () => {
    await start({ pageSize: 2 });
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push((await created()).split('/').pop() ?? '');
    const first = await call('GET', '/vnflcm/v2/vnf_instances');
    const next = /^<([^>]+)>/.exec(first.headers.get('link') ?? '')?.[1] ?? '';
    expect((await call('DELETE', `/vnflcm/v2/vnf_instances/${ids[1]}`)).status).toBe(204);
    const second = await call('GET', `${new URL(next).pathname}${new URL(next).search}`);
    expect((second.body as unknown as { id: string }[]).map((v) => v.id)).toEqual(ids.slice(2));
    expect(second.headers.get('link')).toBeNull();
  });
});
