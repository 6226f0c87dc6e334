import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { NovaClient, type NovaClientConfig } from './nova-client.js';
import {
  startFakeOpenStack,
  TEST_CA_FILE,
  type FakeOpenStack,
} from '../../../test/fakes/openstack/fake-openstack.js';

const appCredential = { id: 'ac-1', name: 'ci', secret: 'very-secret', userName: 'bot' };
const user = { name: 'alice', password: 'pw', projectId: 'p-1' };

describe('NovaClient against a TLS OpenStack (application credential, regions, 401)', () => {
  let os: FakeOpenStack;
  const clients: NovaClient[] = [];
  beforeAll(async () => {
    os = await startFakeOpenStack({ appCredential, user, regions: ['RegionOne', 'RegionTwo'] });
  });
  afterEach(async () => {
    os.refuseAllTokens = false;
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });
  afterAll(() => os.close());

  function client(over: Partial<NovaClientConfig> = {}): NovaClient {
    const c = new NovaClient({
      authUrl: os.authUrl,
      applicationCredentialId: appCredential.id,
      applicationCredentialSecret: appCredential.secret,
      caFile: TEST_CA_FILE,
      ...over,
    });
    clients.push(c);
    return c;
  }

  const tokenCalls = (): number => os.requests.filter((r) => r.path.endsWith('/auth/tokens')).length;

  it('calls the compute endpoint of the chosen region and interface with the token and microversion', async () => {
    const c = client({ region: 'RegionTwo', endpointInterface: 'internal', microversion: '2.80' });
    const res = await c.request('GET', '/servers/detail');
    expect(res.status).toBe(200);
    expect(res.requestId).toMatch(/^req-/);
    const last = os.requests.at(-1);
    expect(last?.path).toBe('/compute/RegionTwo/internal/v2.1/servers/detail');
    expect(last?.headers.get('openstack-api-version')).toBe('compute 2.80');
    expect(last?.headers.get('x-auth-token')).toMatch(/^gAAAAA/);
  });

  it('authenticates again once on a 401 and retries the request', async () => {
    const c = client();
    await c.request('GET', '/servers/detail');
    const before = tokenCalls();
    os.revokeTokens();
    expect((await c.request('GET', '/servers/detail')).status).toBe(200);
    expect(tokenCalls()).toBe(before + 1);
  });

  it('a 401 that survives re-authentication is an error, after exactly one retry', async () => {
    const c = client();
    await c.request('GET', '/servers/detail');
    const before = tokenCalls();
    os.refuseAllTokens = true;
    await expect(c.request('GET', '/servers/detail')).rejects.toMatchObject({
      code: 'NOVA_HTTP_ERROR',
      status: 401,
    });
    expect(tokenCalls()).toBe(before + 1);
  });

  it('NOVA_NO_COMPUTE_ENDPOINT for a region the catalog lacks, listing what it offers', async () => {
    const c = client({ region: 'RegionNine' });
    const failure = c.microversion();
    await expect(failure).rejects.toMatchObject({ code: 'NOVA_NO_COMPUTE_ENDPOINT' });
    await expect(failure).rejects.toThrow(/region RegionNine.*public@RegionOne.*admin@RegionTwo/);
  });

  it('an explicit computeUrl wins over the catalog', async () => {
    const c = client({ computeUrl: os.computeUrl('RegionTwo', 'admin'), region: 'RegionNine' });
    await c.request('GET', '/servers/detail');
    expect(os.requests.at(-1)?.path).toBe('/compute/RegionTwo/admin/v2.1/servers/detail');
  });

  it('password auth by project id over TLS', async () => {
    const c = new NovaClient({
      authUrl: os.authUrl,
      username: user.name,
      password: user.password,
      projectId: user.projectId,
      caFile: TEST_CA_FILE,
    });
    clients.push(c);
    expect((await c.request('GET', '/servers/detail')).status).toBe(200);
  });

  it('refuses incomplete credentials at construction', () => {
    expect(() => new NovaClient({ authUrl: os.authUrl, username: 'u', caFile: TEST_CA_FILE })).toThrow(
      expect.objectContaining({ code: 'NOVA_AUTH_FAILED' }) as Error,
    );
  });

  it('without the CA the TLS failure is reported, not hidden', async () => {
    const c = new NovaClient({
      authUrl: os.authUrl,
      applicationCredentialId: appCredential.id,
      applicationCredentialSecret: appCredential.secret,
    });
    clients.push(c);
    const failure = c.microversion();
    await expect(failure).rejects.toMatchObject({ code: 'NOVA_AUTH_FAILED' });
    await expect(failure).rejects.toThrow(/UNABLE_TO_VERIFY_LEAF_SIGNATURE/);
  });
});
