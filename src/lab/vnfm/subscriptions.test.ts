import { afterEach, describe, expect, it } from 'vitest';
import {
  type CallbackReceiver,
  startCallbackReceiver,
} from '../../../test/fakes/sol003/callback-receiver.js';
import { type LabFixture, startLabFixture } from '../../../test/fakes/sol003/lab-api.js';
import { filterMatches, type LcmEvent } from './subscriptions.js';

let f: LabFixture;
const receivers: CallbackReceiver[] = [];
afterEach(async () => {
  await f.close();
  for (const r of receivers.splice(0)) await r.close();
});

async function receiver(): Promise<CallbackReceiver> {
  const r = await startCallbackReceiver();
  receivers.push(r);
  return r;
}

describe('lab VNFM: subscriptions', () => {
  it('tests the callback with a GET (204) before creating; 201 + Location; get, list, delete', async () => {
    f = await startLabFixture();
    const r = await receiver();
    const created = await f.call('POST', '/vnflcm/v2/subscriptions', { callbackUri: r.uri });
    expect(created.status).toBe(201);
    expect(r.received.map((x) => x.method)).toEqual(['GET']);
    expect(r.received[0]?.headers.version).toBe('2.0.0');
    const id = created.body.id as string;
    const self = `${f.lab.baseUrl}/subscriptions/${id}`;
    expect(created.headers.get('location')).toBe(self);
    expect(created.body).toEqual({
      id,
      callbackUri: r.uri,
      verbosity: 'FULL',
      _links: { self: { href: self } },
    });
    expect((await f.call('GET', `/vnflcm/v2/subscriptions/${id}`)).body).toEqual(created.body);
    expect((await f.call('GET', '/vnflcm/v2/subscriptions')).body).toEqual([created.body]);
    expect((await f.call('DELETE', `/vnflcm/v2/subscriptions/${id}`)).status).toBe(204);
    expect((await f.call('GET', `/vnflcm/v2/subscriptions/${id}`)).status).toBe(404);
    expect((await f.call('DELETE', `/vnflcm/v2/subscriptions/${id}`)).status).toBe(404);
  });

  it('answers 303 See Other to the existing subscription for the same callback and filter', async () => {
    f = await startLabFixture();
    const r = await receiver();
    const filter = { notificationTypes: ['VnfIdentifierCreationNotification'] };
    const first = await f.call('POST', '/vnflcm/v2/subscriptions', { callbackUri: r.uri, filter });
    const again = await f.call('POST', '/vnflcm/v2/subscriptions', { callbackUri: r.uri, filter });
    expect(again.status).toBe(303);
    expect(again.headers.get('location')).toBe(first.headers.get('location'));
    // Another filter is another subscription.
    const other = await f.call('POST', '/vnflcm/v2/subscriptions', { callbackUri: r.uri });
    expect(other.status).toBe(201);
    expect(((await f.call('GET', '/vnflcm/v2/subscriptions')).body as unknown as unknown[]).length).toBe(2);
  });

  it('refuses a callback that fails the test (422) and a malformed request (400); keeps the secret out of GET', async () => {
    const logged: string[] = [];
    f = await startLabFixture({ callbackTimeoutMs: 1000, log: (line) => logged.push(line) });
    const r = await receiver();
    r.probeStatus = 200;
    const refused = await f.call('POST', '/vnflcm/v2/subscriptions', { callbackUri: r.uri });
    expect(refused.status).toBe(422);
    // The client learns the test failed, not what the endpoint answered: the lab's log has that.
    const generic =
      'callback endpoint test failed: the GET to callbackUri did not get 204 No Content (SOL003 §5.4.20.3.2)';
    expect(refused.body.detail).toBe(generic);
    expect(logged).toEqual([expect.stringMatching(new RegExp(`${r.uri}.*answered 200, not 204`))]);
    const closed = await f.call('POST', '/vnflcm/v2/subscriptions', { callbackUri: 'http://127.0.0.1:9/x' });
    expect(closed.status).toBe(422);
    expect(closed.body.detail).toBe(generic);
    expect(logged[1]).toContain('http://127.0.0.1:9/x');
    expect((await f.call('POST', '/vnflcm/v2/subscriptions', { callbackUri: 'not a uri' })).status).toBe(400);
    expect(
      (await f.call('POST', '/vnflcm/v2/subscriptions', { callbackUri: r.uri, verbosity: 'LOUD' })).status,
    ).toBe(400);
    r.probeStatus = 204;
    const withAuth = await f.call('POST', '/vnflcm/v2/subscriptions', {
      callbackUri: r.uri,
      authentication: { authType: ['BASIC'], paramsBasic: { userName: 'nfvo', password: 'pw' } },
    });
    expect(withAuth.status).toBe(201);
    expect(withAuth.body).not.toHaveProperty('authentication');
    const probe = r.received.at(-1);
    expect(probe?.headers.authorization).toBe(`Basic ${Buffer.from('nfvo:pw').toString('base64')}`);
  });
});

describe('lab VNFM: notifications', () => {
  it('POSTs creation, START/RESULT for each state of an occurrence, and deletion, in order', async () => {
    f = await startLabFixture();
    const r = await receiver();
    const sub = await f.call('POST', '/vnflcm/v2/subscriptions', { callbackUri: r.uri });
    const subId = sub.body.id as string;
    const inst = await f.instantiated();
    const instId = inst.split('/').pop() ?? '';
    const term = await f.call('POST', `${inst}/terminate`, { terminationType: 'FORCEFUL' });
    await f.settle(term.headers.get('location'));
    expect((await f.call('DELETE', inst)).status).toBe(204);
    await r.waitFor((n) => n.some((x) => x.notificationType === 'VnfIdentifierDeletionNotification'));
    const seen = r
      .notifications()
      .map((n) =>
        n.notificationType === 'VnfLcmOperationOccurrenceNotification'
          ? `${n.operation as string} ${n.notificationStatus as string} ${n.operationState as string}`
          : (n.notificationType as string),
      );
    expect(seen).toEqual([
      'VnfIdentifierCreationNotification',
      'INSTANTIATE START STARTING',
      'INSTANTIATE START PROCESSING',
      'INSTANTIATE RESULT COMPLETED',
      'TERMINATE START STARTING',
      'TERMINATE START PROCESSING',
      'TERMINATE RESULT COMPLETED',
      'VnfIdentifierDeletionNotification',
    ]);
    const result = r.notifications()[3] ?? {};
    expect(result).toMatchObject({
      subscriptionId: subId,
      vnfInstanceId: instId,
      isAutomaticInvocation: false,
      _links: {
        vnfInstance: { href: `${f.lab.apiRoot}${inst}` },
        subscription: { href: `${f.lab.baseUrl}/subscriptions/${subId}` },
      },
    });
    expect((result.affectedVnfcs as unknown[]).length).toBe(1);
    const post = r.received.find((x) => x.method === 'POST');
    expect(post?.headers['content-type']).toBe('application/json');
    expect(post?.headers.version).toBe('2.0.0');
    expect(f.lab.deliveries.every((d) => d.ok)).toBe(true);
  });

  it('honours filters: instance, operation type and state, notification type; SHORT verbosity', async () => {
    f = await startLabFixture();
    const all = await receiver();
    const results = await receiver();
    const other = await receiver();
    await f.call('POST', '/vnflcm/v2/subscriptions', { callbackUri: all.uri, verbosity: 'SHORT' });
    await f.call('POST', '/vnflcm/v2/subscriptions', {
      callbackUri: results.uri,
      filter: {
        vnfInstanceSubscriptionFilter: { vnfdIds: ['vnfd-vnflab-udp-fwd'] },
        notificationTypes: ['VnfLcmOperationOccurrenceNotification'],
        operationTypes: ['INSTANTIATE'],
        operationStates: ['COMPLETED', 'FAILED_TEMP'],
      },
    });
    await f.call('POST', '/vnflcm/v2/subscriptions', {
      callbackUri: other.uri,
      filter: { vnfInstanceSubscriptionFilter: { vnfdIds: ['some-other-vnfd'] } },
    });
    const inst = await f.instantiated();
    const op = await f.call('POST', `${inst}/operate`, { changeStateTo: 'STARTED' });
    await f.settle(op.headers.get('location'));
    await all.waitFor((n) => n.filter((x) => x.operation === 'OPERATE').length === 3);
    await f.lab.drainNotifications();
    expect(results.notifications().map((n) => [n.operation, n.operationState])).toEqual([
      ['INSTANTIATE', 'COMPLETED'],
    ]);
    expect(other.notifications()).toEqual([]);
    const shortResult = all.notifications().find((n) => n.operationState === 'COMPLETED');
    expect(shortResult?.verbosity).toBe('SHORT');
    expect(shortResult).not.toHaveProperty('affectedVnfcs');
  });

  it('reports the error in a FAILED_TEMP result', async () => {
    f = await startLabFixture();
    const r = await receiver();
    await f.call('POST', '/vnflcm/v2/subscriptions', { callbackUri: r.uri });
    const inst = await f.created();
    f.vim.failNext('createServer', 'No valid host was found');
    const res = await f.call('POST', `${inst}/instantiate`, { flavourId: 'default' });
    await f.settle(res.headers.get('location'));
    await r.waitFor((n) => n.some((x) => x.operationState === 'FAILED_TEMP'));
    const failed = r.notifications().find((x) => x.operationState === 'FAILED_TEMP');
    expect(failed).toMatchObject({ notificationStatus: 'RESULT', error: { status: 500 } });
    expect((failed?.error as { detail: string }).detail).toContain('No valid host');
  });

  it('records a delivery the subscriber does not accept', async () => {
    f = await startLabFixture({ callbackTimeoutMs: 1000 });
    const r = await receiver();
    await f.call('POST', '/vnflcm/v2/subscriptions', { callbackUri: r.uri });
    await r.close();
    await f.created();
    await f.lab.drainNotifications();
    expect(f.lab.deliveries).toMatchObject([
      { notificationType: 'VnfIdentifierCreationNotification', ok: false },
    ]);
  });
});

describe('filterMatches', () => {
  const instance = {
    id: 'i1',
    vnfdId: 'd1',
    vnfInstanceName: 'n1',
    vnfProvider: 'p',
    vnfProductName: 'prod',
    vnfSoftwareVersion: '1.0',
    vnfdVersion: '2.0',
  };
  const op: LcmEvent = {
    type: 'VnfLcmOperationOccurrenceNotification',
    instance,
    operation: 'OPERATE',
    operationState: 'COMPLETED',
  };
  it('requires every present attribute to match', () => {
    expect(filterMatches(undefined, op)).toBe(true);
    expect(filterMatches({ vnfInstanceSubscriptionFilter: { vnfInstanceIds: ['i1'] } }, op)).toBe(true);
    expect(filterMatches({ vnfInstanceSubscriptionFilter: { vnfInstanceIds: ['i2'] } }, op)).toBe(false);
    expect(filterMatches({ vnfInstanceSubscriptionFilter: { vnfInstanceNames: ['n1'] } }, op)).toBe(true);
    expect(filterMatches({ operationTypes: ['INSTANTIATE'] }, op)).toBe(false);
    expect(filterMatches({ operationStates: ['COMPLETED'] }, op)).toBe(true);
    // Operation filters do not apply to identifier notifications.
    expect(
      filterMatches(
        { operationTypes: ['INSTANTIATE'] },
        { type: 'VnfIdentifierCreationNotification', instance },
      ),
    ).toBe(true);
    const products = (versions: { vnfSoftwareVersion: string; vnfdVersions?: string[] }[]) => ({
      vnfInstanceSubscriptionFilter: {
        vnfProductsFromProviders: [{ vnfProvider: 'p', vnfProducts: [{ vnfProductName: 'prod', versions }] }],
      },
    });
    expect(filterMatches(products([{ vnfSoftwareVersion: '1.0', vnfdVersions: ['2.0'] }]), op)).toBe(true);
    expect(filterMatches(products([{ vnfSoftwareVersion: '1.0', vnfdVersions: ['3.0'] }]), op)).toBe(false);
    expect(filterMatches(products([{ vnfSoftwareVersion: '9' }]), op)).toBe(false);
  });
});

describe('lab VNFM: shutdown with a subscriber that does not answer', () => {
  it('closes without waiting for every queued delivery to time out', async () => {
    const { createServer } = await import('node:http');
    // Answers the test GET, then holds every POST unanswered.
    const held: import('node:http').ServerResponse[] = [];
    const hang = createServer((req, res) => {
      if (req.method === 'GET') {
        res.writeHead(204);
        res.end();
      } else held.push(res);
    });
    await new Promise<void>((resolve) => hang.listen(0, '127.0.0.1', resolve));
    const { port } = hang.address() as { port: number };
    try {
      f = await startLabFixture({ callbackTimeoutMs: 500 });
      await f.call('POST', '/vnflcm/v2/subscriptions', { callbackUri: `http://127.0.0.1:${port}/cb` });
      for (let i = 0; i < 6; i++) await f.created(`n${i}`);
      const started = Date.now();
      await f.lab.close();
      // One delivery in flight may run to its 500 ms timeout; the five queued behind it are dropped.
      expect(Date.now() - started).toBeLessThan(1500);
    } finally {
      for (const res of held) res.destroy();
      await new Promise<void>((resolve) => {
        hang.close(() => resolve());
        hang.closeAllConnections();
      });
    }
  });
});

describe('lab VNFM: where it calls back', () => {
  it('calls back loopback only by default: another address is refused (422) before any request', async () => {
    f = await startLabFixture();
    for (const callbackUri of [
      'http://10.0.0.1:8080/cb',
      'http://[::ffff:192.168.1.1]/cb',
      'http://169.254.169.254/',
    ]) {
      const refused = await f.call('POST', '/vnflcm/v2/subscriptions', { callbackUri });
      expect(refused.status).toBe(422);
      expect(refused.body.detail).toMatch(/^callbackUri refused: .* is not in the lab's callback allow-list/);
    }
    const r = await receiver();
    const tokenEndpoint = await f.call('POST', '/vnflcm/v2/subscriptions', {
      callbackUri: r.uri,
      authentication: {
        authType: ['OAUTH2_CLIENT_CREDENTIALS'],
        paramsOauth2ClientCredentials: {
          clientId: 'c',
          clientPassword: 'p',
          tokenEndpoint: 'http://10.9.9.9/token',
        },
      },
    });
    expect(tokenEndpoint.status).toBe(422);
    expect(tokenEndpoint.body.detail).toMatch(
      /^authentication\.paramsOauth2ClientCredentials\.tokenEndpoint refused/,
    );
    expect(r.received).toEqual([]);
  });

  it('calls back what the allow-list names instead', async () => {
    const r = await receiver();
    // Loopback is no longer in the list: the receiver's address is refused.
    f = await startLabFixture({ callbackAllowList: ['10.0.0.0/8'] });
    const refused = await f.call('POST', '/vnflcm/v2/subscriptions', { callbackUri: r.uri });
    expect(refused.status).toBe(422);
    await f.close();
    f = await startLabFixture({ callbackAllowList: ['127.0.0.1/32'] });
    expect((await f.call('POST', '/vnflcm/v2/subscriptions', { callbackUri: r.uri })).status).toBe(201);
  });

  it('holds at most maxSubscriptions (422 beyond) and pages the list (SOL013 §5.4.2.3)', async () => {
    f = await startLabFixture({ limits: { maxSubscriptions: 5 }, pageSize: 2 });
    const r = await receiver();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const created = await f.call('POST', '/vnflcm/v2/subscriptions', { callbackUri: `${r.uri}?n=${i}` });
      expect(created.status).toBe(201);
      ids.push(created.body.id as string);
    }
    const full = await f.call('POST', '/vnflcm/v2/subscriptions', { callbackUri: `${r.uri}?n=5` });
    expect(full.status).toBe(422);
    expect(full.body.detail).toBe('the lab VNFM holds 5 subscriptions, its limit: delete one first');

    const seen: string[] = [];
    let path: string | null = '/vnflcm/v2/subscriptions';
    let pages = 0;
    while (path !== null) {
      const page = await f.call('GET', path);
      expect(page.status).toBe(200);
      const items = page.body as unknown as { id: string }[];
      expect(items.length).toBeLessThanOrEqual(2);
      seen.push(...items.map((s) => s.id));
      pages++;
      const link = /^<([^>]+)>; rel="next"$/.exec(page.headers.get('link') ?? '');
      path = link?.[1] === undefined ? null : new URL(link[1]).pathname + new URL(link[1]).search;
    }
    expect(pages).toBe(3);
    expect(seen).toEqual(ids);
    expect((await f.call('DELETE', `/vnflcm/v2/subscriptions/${ids[0]}`)).status).toBe(204);
    expect((await f.call('POST', '/vnflcm/v2/subscriptions', { callbackUri: `${r.uri}?n=5` })).status).toBe(
      201,
    );
    const bad = await f.call('GET', '/vnflcm/v2/subscriptions?nextpage_opaque_marker=nonsense');
    expect(bad.status).toBe(400);
  });
});
