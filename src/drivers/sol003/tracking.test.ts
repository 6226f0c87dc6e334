import { afterEach, describe, expect, it } from 'vitest';
import type { VnfRecord } from '../../ports/vnfm.js';
import type { Server, ServerCreateRequest } from '../../lab/vim/vim.js';
import { FakeVim } from '../../../test/fakes/lab/fake-vim.js';
import { UDP_FORWARDER_VNFD } from '../../lab/vnfm/lab-vnfd.js';
import { type LabVnfm, startLabVnfm } from '../../lab/vnfm/server.js';
import { NotificationListener } from './notification-listener.js';
import { type Sol003VnfmConfig, Sol003Vnfm } from './sol003-vnfm.js';
import { json, type StubServer, startStubServer } from '../../../test/fakes/sol003/stub-server.js';

/** A FakeVim whose createServer waits until released. */
class GatedVim extends FakeVim {
  private gate: (() => void) | null = null;
  gated = false;
  override async createServer(req: ServerCreateRequest): Promise<Server> {
    if (this.gated) await new Promise<void>((resolve) => (this.gate = resolve));
    return super.createServer(req);
  }
  release(): void {
    this.gated = false;
    this.gate?.();
  }
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function lab(vim = new FakeVim()): Promise<{ vim: FakeVim; lab: LabVnfm }> {
  const l = await startLabVnfm({ vim, auth: { oauth2: { clientId: 'c', clientSecret: 's' } } });
  cleanups.push(async () => {
    await l.close();
    await vim.close();
  });
  return { vim, lab: l };
}

function driver(l: LabVnfm, config: Partial<Sol003VnfmConfig> = {}): Sol003Vnfm {
  const vnfm = new Sol003Vnfm({
    baseUrl: l.baseUrl,
    requestTimeoutMs: 5000,
    auth: { type: 'oauth2', tokenUrl: l.tokenUrl ?? '', clientId: 'c', clientSecret: 's' },
    ...config,
  });
  cleanups.push(() => vnfm.close());
  return vnfm;
}

const callbackUrl = 'http://127.0.0.1:0/vnflab/lcm-notifications';

describe('Sol003Vnfm: tracking occurrences', () => {
  it('by notification: subscribes before the first task, wakes on the RESULT (no polling), unsubscribes on close', async () => {
    const vim = new GatedVim();
    const { lab: l } = await lab(vim);
    // Polling so slow that only a notification can end the wait in time.
    const vnfm = driver(l, { notifications: { callbackUrl }, poll: { initialMs: 60_000 } });
    const vnf = await vnfm.createVnfRecord({ vnfdId: UDP_FORWARDER_VNFD.vnfdId, vnfInstanceName: 'n' });
    vim.gated = true;
    const op = await vnfm.instantiate(vnf, { flavourId: 'default', swImageId: 'sw-vnflab-udp-fwd-1.0' });
    expect(vnfm.trackingMode).toBe('notification');
    const subs = (await (
      await fetch(`${l.baseUrl}/subscriptions`, {
        headers: { Version: '2.0.0', Authorization: `Bearer ${await token(l)}` },
      })
    ).json()) as { callbackUri: string }[];
    expect(subs).toHaveLength(1);
    expect(subs[0]?.callbackUri).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/vnflab\/lcm-notifications$/);
    const waiting = vnfm.awaitLcmOperation(op.id, { timeoutMs: 10_000 });
    // The wait is asleep (its safety poll is 5 s away) when the operation finishes.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const releasedAt = Date.now();
    vim.release();
    expect((await waiting).state).toBe('COMPLETED');
    expect(Date.now() - releasedAt).toBeLessThan(2000);
    expect(l.deliveries.length).toBeGreaterThan(0);
    expect(l.deliveries.every((d) => d.ok)).toBe(true);
    await vnfm.close();
    const after = (await (
      await fetch(`${l.baseUrl}/subscriptions`, {
        headers: { Version: '2.0.0', Authorization: `Bearer ${await token(l)}` },
      })
    ).json()) as unknown[];
    expect(after).toEqual([]);
  });

  it('by polling with backoff when no callback is configured; times out with SOL003_OPERATION_TIMEOUT', async () => {
    const vim = new GatedVim();
    const { lab: l } = await lab(vim);
    const vnfm = driver(l, { poll: { initialMs: 5, factor: 2, maxMs: 40 } });
    const vnf = await vnfm.createVnfRecord({ vnfdId: UDP_FORWARDER_VNFD.vnfdId, vnfInstanceName: 'p' });
    vim.gated = true;
    const op = await vnfm.instantiate(vnf, { flavourId: 'default', swImageId: 'sw-vnflab-udp-fwd-1.0' });
    expect(vnfm.trackingMode).toBe('polling');
    await expect(vnfm.awaitLcmOperation(op.id, { timeoutMs: 150 })).rejects.toMatchObject({
      code: 'SOL003_OPERATION_TIMEOUT',
    });
    vim.release();
    expect((await vnfm.awaitLcmOperation(op.id, { timeoutMs: 5000 })).state).toBe('COMPLETED');
  });

  it('falls back to polling, saying why, when the VNFM refuses the subscription', async () => {
    let stub: StubServer | null = null;
    stub = await startStubServer((req, res) => {
      if (req.path === '/vnflcm/v2/subscriptions')
        json(res, 422, { status: 422, detail: 'callback unreachable' });
      else json(res, 404, { status: 404, detail: 'no' });
    });
    cleanups.push(() => stub?.close() ?? Promise.resolve());
    const vnfm = new Sol003Vnfm({ baseUrl: `${stub.url}/vnflcm/v2`, notifications: { callbackUrl } });
    cleanups.push(() => vnfm.close());
    await vnfm.startTracking();
    expect(vnfm.trackingMode).toBe('polling');
    expect(vnfm.trackingProblem).toContain('callback unreachable');
  });

  it('reports FAILED_TEMP with the reason; with rollbackOnFailedTemp rolls back and reports ROLLED_BACK with it', async () => {
    const { vim, lab: l } = await lab();
    const plain = driver(l);
    const vnf1 = await plain.createVnfRecord({ vnfdId: UDP_FORWARDER_VNFD.vnfdId, vnfInstanceName: 'f1' });
    vim.failNext('createServer', 'No valid host was found');
    const op1 = await plain.instantiate(vnf1, { flavourId: 'default', swImageId: 'sw-vnflab-udp-fwd-1.0' });
    expect(await plain.awaitLcmOperation(op1.id, { timeoutMs: 5000 })).toMatchObject({
      state: 'FAILED_TEMP',
      error: expect.stringContaining('No valid host') as unknown,
    });

    const rolling = driver(l, { rollbackOnFailedTemp: true, notifications: { callbackUrl } });
    const vnf2 = await rolling.createVnfRecord({ vnfdId: UDP_FORWARDER_VNFD.vnfdId, vnfInstanceName: 'f2' });
    vim.failNext('createServer', 'No valid host was found');
    const op2 = await rolling.instantiate(vnf2, { flavourId: 'default', swImageId: 'sw-vnflab-udp-fwd-1.0' });
    expect(await rolling.awaitLcmOperation(op2.id, { timeoutMs: 5000 })).toMatchObject({
      state: 'ROLLED_BACK',
      error: expect.stringContaining('No valid host') as unknown,
    });
    // Rolled back: the instance is free again.
    const retry = await rolling.instantiate(vnf2, {
      flavourId: 'default',
      swImageId: 'sw-vnflab-udp-fwd-1.0',
    });
    expect((await rolling.awaitLcmOperation(retry.id, { timeoutMs: 5000 })).state).toBe('COMPLETED');
  });
});

describe('NotificationListener', () => {
  it('answers the test GET with 204 only with its credentials, and hands on occurrence notifications', async () => {
    const listener = await NotificationListener.start({ callbackUrl: 'http://127.0.0.1:0/cb' });
    cleanups.push(() => listener.close());
    const auth = `Basic ${Buffer.from(`${listener.username}:${listener.password}`).toString('base64')}`;
    expect((await fetch(listener.callbackUri)).status).toBe(401);
    expect((await fetch(listener.callbackUri, { headers: { Authorization: auth } })).status).toBe(204);
    expect(
      (await fetch(listener.callbackUri.replace('/cb', '/other'), { headers: { Authorization: auth } }))
        .status,
    ).toBe(404);
    const seen: string[] = [];
    listener.onOpOcc((n) => seen.push(`${n.vnfLcmOpOccId} ${n.operationState}`));
    const post = (body: unknown) =>
      fetch(listener.callbackUri, {
        method: 'POST',
        headers: { Authorization: auth, 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect(
      (
        await post({
          notificationType: 'VnfLcmOperationOccurrenceNotification',
          vnfLcmOpOccId: 'op-1',
          operationState: 'COMPLETED',
          notificationStatus: 'RESULT',
        })
      ).status,
    ).toBe(204);
    expect(
      (await post({ notificationType: 'VnfIdentifierCreationNotification', vnfInstanceId: 'i' })).status,
    ).toBe(204);
    expect((await post({ notificationType: 'VnfLcmOperationOccurrenceNotification' })).status).toBe(400);
    expect(seen).toEqual(['op-1 COMPLETED']);
    expect(listener.refused).toBe(2);
  });
});

describe('Sol003Vnfm: Tacker differences', () => {
  const instance = (vnfState: 'STARTED' | 'STOPPED') => ({
    id: 'inst-1',
    vnfdId: 'd',
    vnfProvider: 'p',
    vnfProductName: 'n',
    vnfSoftwareVersion: '1',
    vnfdVersion: '1',
    instantiationState: 'INSTANTIATED',
    instantiatedVnfInfo: { flavourId: 'default', vnfState },
    _links: { self: { href: '/x' } },
  });

  it('without an operate resource: start of a running VNF is a no-op, anything else SOL003_UNSUPPORTED', async () => {
    let state: 'STARTED' | 'STOPPED' = 'STARTED';
    const stub = await startStubServer((req, res) => {
      if (req.path === '/vnflcm/v2/vnf_instances/inst-1') json(res, 200, instance(state));
      else json(res, 404, { status: 404, detail: 'The resource could not be found.' });
    });
    cleanups.push(() => stub.close());
    const vnf: VnfRecord = { vnfInstanceId: 'inst-1', vnfdId: 'd', vnfInstanceName: 'x' };
    const vnfm = new Sol003Vnfm({ baseUrl: `${stub.url}/vnflcm/v2`, retry: { attempts: 1 } });
    cleanups.push(() => vnfm.close());
    const op = await vnfm.start(vnf);
    expect(op).toMatchObject({ operation: 'OPERATE', state: 'COMPLETED' });
    expect(await vnfm.getLcmOperation(op.id)).toEqual(op);
    await expect(vnfm.stop(vnf)).rejects.toMatchObject({ code: 'SOL003_UNSUPPORTED' });
    state = 'STOPPED';
    await expect(vnfm.start(vnf)).rejects.toMatchObject({
      code: 'SOL003_UNSUPPORTED',
      message: expect.stringContaining("Tacker's v2 API") as unknown,
    });
    const strict = new Sol003Vnfm({ baseUrl: `${stub.url}/vnflcm/v2`, operateUnsupported: 'error' });
    cleanups.push(() => strict.close());
    await expect(strict.stop(vnf)).rejects.toMatchObject({ code: 'SOL003_UNSUPPORTED' });
    // An unknown instance stays an unknown instance.
    await expect(vnfm.start({ ...vnf, vnfInstanceId: 'ghost' })).rejects.toMatchObject({
      code: 'SOL003_NOT_FOUND',
    });
  });

  it('sends the configured vimConnectionInfo map in InstantiateVnfRequest', async () => {
    const stub = await startStubServer((req, res) => {
      if (req.method === 'POST') {
        res.writeHead(202, { Location: `/vnflcm/v2/vnf_lcm_op_occs/op-1` });
        res.end();
      } else
        json(res, 200, {
          id: 'op-1',
          operationState: 'STARTING',
          operation: 'INSTANTIATE',
          vnfInstanceId: 'inst-1',
          startTime: '2026-01-01T00:00:00Z',
        });
    });
    cleanups.push(() => stub.close());
    const vimConnectionInfo = {
      vim1: {
        vimId: 'c3369b54-e376-4423-bb61-afd255900fea',
        vimType: 'ETSINFV.OPENSTACK_KEYSTONE.V_3',
        interfaceInfo: { endpoint: 'http://keystone:5000/v3' },
        accessInfo: {
          username: 'nfv_user',
          region: 'RegionOne',
          password: 'x',
          project: 'nfv',
          projectDomain: 'Default',
          userDomain: 'Default',
        },
      },
    };
    const vnfm = new Sol003Vnfm({ baseUrl: `${stub.url}/vnflcm/v2`, vimConnectionInfo });
    cleanups.push(() => vnfm.close());
    await vnfm.instantiate(
      { vnfInstanceId: 'inst-1', vnfdId: 'd', vnfInstanceName: 'x' },
      { flavourId: 'simple', swImageId: 'img' },
    );
    const body = JSON.parse(stub.requests.find((r) => r.method === 'POST')?.body ?? '{}') as Record<
      string,
      unknown
    >;
    expect(body.vimConnectionInfo).toEqual(vimConnectionInfo);
  });
});

async function token(l: LabVnfm): Promise<string> {
  const res = await fetch(l.tokenUrl ?? '', {
    method: 'POST',
    headers: {
      Authorization: `Basic ${Buffer.from('c:s').toString('base64')}`,
      'Content-Type': 'application/x-www-form-urlencoded',
    },
    body: 'grant_type=client_credentials',
  });
  return ((await res.json()) as { access_token: string }).access_token;
}
