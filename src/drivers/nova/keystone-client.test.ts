import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFakeLab } from '../../../test/fakes/lab/fake-host.js';
import { LabVim } from '../../lab/vim/lab-vim.js';
import { startNovaApi } from '../../lab/vim/nova/nova-api.js';
import {
  authenticate,
  authMethodOf,
  authRequestBody,
  tlsDispatcher,
  type KeystoneCredentials,
} from './keystone-client.js';
import {
  OTHER_CA_FILE,
  startFakeOpenStack,
  TEST_CA_FILE,
  type FakeOpenStack,
} from '../../../test/fakes/openstack/fake-openstack.js';

const appCredential = { id: 'a1b2c3', name: 'vnflab-ci', secret: 's3cr3t', userName: 'ci-bot' };
const user = { name: 'alice', password: 'pw', projectId: '0123456789abcdef0123456789abcdef' };

describe('Keystone request bodies (Identity API v3)', () => {
  it('password auth scoped to a project by name and domain name', () => {
    const c = { authUrl: 'x', username: 'u', password: 'p', projectName: 'proj' };
    expect(authRequestBody(c)).toEqual({
      auth: {
        identity: {
          methods: ['password'],
          password: { user: { name: 'u', domain: { name: 'Default' }, password: 'p' } },
        },
        scope: { project: { name: 'proj', domain: { name: 'Default' } } },
      },
    });
  });

  it('password auth with ids: project id wins, domain ids win over names', () => {
    const c = {
      authUrl: 'x',
      username: 'u',
      password: 'p',
      projectName: 'ignored',
      projectId: 'pid',
      userDomainId: 'default',
      userDomainName: 'Ignored',
    };
    const body = authRequestBody(c);
    expect(body.auth.scope).toEqual({ project: { id: 'pid' } });
    expect(body.auth.identity).toMatchObject({ password: { user: { domain: { id: 'default' } } } });
  });

  it('application credential by id: no scope (it carries its own)', () => {
    expect(
      authRequestBody({ authUrl: 'x', applicationCredentialId: 'id1', applicationCredentialSecret: 'sec' }),
    ).toEqual({
      auth: {
        identity: {
          methods: ['application_credential'],
          application_credential: { id: 'id1', secret: 'sec' },
        },
      },
    });
  });

  it('application credential by name names its owner with a domain', () => {
    const body = authRequestBody({
      authUrl: 'x',
      applicationCredentialName: 'n',
      applicationCredentialSecret: 'sec',
      username: 'owner',
      userDomainName: 'ldap',
    });
    expect(body.auth.identity).toEqual({
      methods: ['application_credential'],
      application_credential: { name: 'n', secret: 'sec', user: { name: 'owner', domain: { name: 'ldap' } } },
    });
    expect(body.auth.scope).toBeUndefined();
  });

  it('incomplete credentials are refused before any request, naming what is missing', () => {
    expect(() => authMethodOf({ authUrl: 'x', username: 'u' })).toThrow(/password, projectName or projectId/);
    expect(() => authMethodOf({ authUrl: 'x', applicationCredentialSecret: 's' })).toThrow(
      expect.objectContaining({ code: 'NOVA_AUTH_FAILED' }) as Error,
    );
    expect(authMethodOf({ authUrl: 'x', username: 'u', password: 'p', projectId: 'i' })).toBe('password');
  });
});

describe("password auth against the lab's Keystone", () => {
  const credentials = { username: 'vnflab', password: 'secret', projectName: 'vnflab' };
  let close: () => Promise<void>;
  let authUrl: string;
  beforeAll(async () => {
    const lab = createFakeLab([
      { name: 'compute-1', capacity: { vCpu: 1, memoryMiB: 1, storageGiB: 1, nics: 1 } },
    ]);
    const vim = new LabVim({ hosts: lab.hosts, fabric: lab.fabric });
    const api = await startNovaApi({ vim, credentials });
    authUrl = api.authUrl;
    close = async () => {
      await api.close();
      await vim.close();
    };
  });
  afterAll(() => close());

  it('gets a token and the compute endpoint of the catalog', async () => {
    const session = await authenticate({ authUrl, ...credentials }, { timeoutMs: 5_000 });
    expect(session.method).toBe('password');
    expect(session.token.length).toBeGreaterThan(10);
    expect(session.expiresAtMs).toBeGreaterThan(Date.now());
    expect(session.computeUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/.*v2\.1/);
    expect(session.computeEndpoints.map((e) => e.interface).sort()).toEqual(['admin', 'internal', 'public']);
  });

  it('NOVA_AUTH_FAILED with the HTTP status on a wrong password', async () => {
    await expect(
      authenticate({ authUrl, ...credentials, password: 'wrong' }, { timeoutMs: 5_000 }),
    ).rejects.toMatchObject({ code: 'NOVA_AUTH_FAILED', status: 401 });
  });
});

describe('Keystone over TLS with application credentials and regions', () => {
  let os: FakeOpenStack;
  beforeAll(async () => {
    os = await startFakeOpenStack({ appCredential, user, regions: ['RegionOne', 'RegionTwo'] });
  });
  afterAll(() => os.close());

  const appCred = (): KeystoneCredentials => ({
    authUrl: os.authUrl,
    applicationCredentialId: appCredential.id,
    applicationCredentialSecret: appCredential.secret,
  });

  async function withTls<T>(
    tls: { caFile?: string; insecure?: boolean },
    f: (d: ReturnType<typeof tlsDispatcher>) => Promise<T>,
  ): Promise<T> {
    const dispatcher = tlsDispatcher(tls);
    try {
      return await f(dispatcher);
    } finally {
      await dispatcher?.close();
    }
  }

  it('trusts the endpoint through the CA file; region and interface pick the endpoint', async () => {
    const session = await withTls({ caFile: TEST_CA_FILE }, (dispatcher) =>
      authenticate(appCred(), {
        timeoutMs: 5_000,
        region: 'RegionTwo',
        endpointInterface: 'internal',
        ...(dispatcher === undefined ? {} : { dispatcher }),
      }),
    );
    expect(session.method).toBe('application_credential');
    expect(session.computeUrl).toBe(os.computeUrl('RegionTwo', 'internal'));
    expect(session.computeEndpoints).toHaveLength(6);
    const sent = os.requests.at(-1)?.body;
    expect(sent).toEqual(authRequestBody(appCred()));
  });

  it('the first region listed when none is asked; null for a region the catalog lacks', async () => {
    await withTls({ caFile: TEST_CA_FILE }, async (dispatcher) => {
      const d = dispatcher === undefined ? {} : { dispatcher };
      expect((await authenticate(appCred(), { timeoutMs: 5_000, ...d })).computeUrl).toBe(
        os.computeUrl('RegionOne', 'public'),
      );
      const none = await authenticate(appCred(), { timeoutMs: 5_000, region: 'RegionNine', ...d });
      expect(none.computeUrl).toBeNull();
    });
  });

  it('application credential by name, and password auth by project id, over TLS', async () => {
    await withTls({ caFile: TEST_CA_FILE }, async (dispatcher) => {
      const d = dispatcher === undefined ? {} : { dispatcher };
      const byName = await authenticate(
        {
          authUrl: os.authUrl,
          applicationCredentialName: appCredential.name,
          applicationCredentialSecret: appCredential.secret,
          username: appCredential.userName,
        },
        { timeoutMs: 5_000, ...d },
      );
      expect(byName.method).toBe('application_credential');
      const pw = await authenticate(
        { authUrl: os.authUrl, username: user.name, password: user.password, projectId: user.projectId },
        { timeoutMs: 5_000, ...d },
      );
      expect(pw.method).toBe('password');
    });
  });

  it('a wrong application credential secret is NOVA_AUTH_FAILED 401', async () => {
    await withTls({ caFile: TEST_CA_FILE }, async (dispatcher) => {
      await expect(
        authenticate(
          { ...appCred(), applicationCredentialSecret: 'nope' },
          { timeoutMs: 5_000, ...(dispatcher === undefined ? {} : { dispatcher }) },
        ),
      ).rejects.toMatchObject({ code: 'NOVA_AUTH_FAILED', status: 401 });
    });
  });

  it('refuses the self-signed endpoint without the CA, and with an unrelated CA, saying why', async () => {
    await expect(authenticate(appCred(), { timeoutMs: 5_000 })).rejects.toThrow(
      /did not answer: fetch failed: UNABLE_TO_VERIFY_LEAF_SIGNATURE/,
    );
    await withTls({ caFile: OTHER_CA_FILE }, async (dispatcher) => {
      await expect(
        authenticate(appCred(), { timeoutMs: 5_000, ...(dispatcher === undefined ? {} : { dispatcher }) }),
      ).rejects.toThrow(/UNABLE_TO_VERIFY/);
    });
  });

  it('insecure skips verification', async () => {
    const session = await withTls({ insecure: true }, (dispatcher) =>
      authenticate(appCred(), { timeoutMs: 5_000, ...(dispatcher === undefined ? {} : { dispatcher }) }),
    );
    expect(session.token.length).toBeGreaterThan(10);
  });

  it('no dispatcher without TLS options; NOVA_AUTH_FAILED for a CA file that is not there', () => {
    expect(tlsDispatcher({})).toBeUndefined();
    expect(() => tlsDispatcher({ caFile: '/nonexistent/ca.pem' })).toThrow(/\/nonexistent\/ca\.pem/);
    expect(() => tlsDispatcher({ caFile: '/nonexistent/ca.pem' })).toThrow(
      expect.objectContaining({ code: 'NOVA_AUTH_FAILED' }) as Error,
    );
  });
});
