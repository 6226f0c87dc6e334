/**
 * The local OpenStack of test/openstack/setup.sh, as the openstack stage's
 * tests see it: where it is (the `export` lines setup.sh prints), whether
 * the stage runs here, and a small admin client that creates, stops and
 * deletes servers through Nova's API (what the tests need around the
 * driver; the driver itself never creates servers).
 */
import { randomUUID } from 'node:crypto';
import { NovaClient, type NovaClientConfig } from '../../src/drivers/nova/nova-client.js';
import { sleep } from '../../src/util/clock.js';

export interface LocalCloud {
  readonly authUrl: string;
  /** Nova's endpoint as the catalog lists it (setup.sh: http://127.0.0.1:8774/v2.1). */
  readonly computeUrl: string;
  readonly password: { username: string; password: string; projectName: string };
  readonly applicationCredential: { applicationCredentialId: string; applicationCredentialSecret: string };
  readonly imageId: string;
  readonly flavor: string;
  /** A flavor whose extra_specs ask for a PCI device (pci_passthrough:alias). */
  readonly pciFlavor: string;
  readonly hosts: readonly string[];
}

const VARS = [
  'OS_AUTH_URL',
  'OS_USERNAME',
  'OS_PASSWORD',
  'OS_PROJECT_NAME',
  'OS_APPLICATION_CREDENTIAL_ID',
  'OS_APPLICATION_CREDENTIAL_SECRET',
  'VNFLAB_OS_IMAGE_ID',
  'VNFLAB_OS_FLAVOR',
  'VNFLAB_OS_PCI_FLAVOR',
  'VNFLAB_OS_HOSTS',
] as const;

/**
 * Why the openstack stage's tests cannot run here, or null. They run only
 * under vitest.openstack.config.ts (VNFLAB_OPENSTACK_E2E=1; the default e2e
 * project skips test/openstack/) with setup.sh's exports in the environment.
 */
export function openstackSkipReason(): string | null {
  if (process.env['VNFLAB_OPENSTACK_E2E'] !== '1')
    return 'openstack stage only: eval "$(test/openstack/setup.sh)"; npx vitest run -c vitest.openstack.config.ts';
  const missing = VARS.filter((v) => (process.env[v] ?? '') === '');
  return missing.length === 0
    ? null
    : `not set: ${missing.join(', ')} (eval the export lines test/openstack/setup.sh prints)`;
}

/** The cloud from the environment; call only when openstackSkipReason() is null. */
export function localCloud(): LocalCloud {
  const env = (name: (typeof VARS)[number]): string => process.env[name] ?? '';
  return {
    authUrl: env('OS_AUTH_URL'),
    computeUrl: 'http://127.0.0.1:8774/v2.1',
    password: {
      username: env('OS_USERNAME'),
      password: env('OS_PASSWORD'),
      projectName: env('OS_PROJECT_NAME'),
    },
    applicationCredential: {
      applicationCredentialId: env('OS_APPLICATION_CREDENTIAL_ID'),
      applicationCredentialSecret: env('OS_APPLICATION_CREDENTIAL_SECRET'),
    },
    imageId: env('VNFLAB_OS_IMAGE_ID'),
    flavor: env('VNFLAB_OS_FLAVOR'),
    pciFlavor: env('VNFLAB_OS_PCI_FLAVOR'),
    hosts: env('VNFLAB_OS_HOSTS').split(','),
  };
}

export interface ServerView {
  readonly id: string;
  readonly status: string;
  readonly host: string | null;
  readonly taskState: string | null;
}

/** Servers made for the tests, deleted by close(). */
export class CloudAdmin {
  readonly nova: NovaClient;
  private readonly created: string[] = [];

  constructor(
    readonly cloud: LocalCloud,
    config: Partial<NovaClientConfig> = {},
  ) {
    this.nova = new NovaClient({ authUrl: cloud.authUrl, ...cloud.password, ...config });
  }

  /** A server from the test image; waits until it is ACTIVE (or ERROR when `settle` is 'any'). */
  async createServer(
    opts: { flavor?: string; host?: string; settle?: 'active' | 'any' } = {},
  ): Promise<string> {
    const res = await this.nova.request('POST', '/servers', {
      body: {
        server: {
          name: `vnflab-${randomUUID().slice(0, 8)}`,
          imageRef: this.cloud.imageId,
          flavorRef: opts.flavor ?? this.cloud.flavor,
          // 2.37+: no port at all (the fake driver has no data plane; Neutron is still asked about ports).
          networks: 'none',
          ...(opts.host === undefined ? {} : { host: opts.host }),
        },
      },
      expect: [202],
    });
    const id = (res.body as { server: { id: string } }).server.id;
    this.created.push(id);
    await this.waitFor(id, (s) =>
      opts.settle === 'any' ? ['ACTIVE', 'ERROR'].includes(s.status) : s.status === 'ACTIVE',
    );
    return id;
  }

  async server(id: string): Promise<ServerView> {
    const res = await this.nova.request('GET', `/servers/${id}`);
    const s = (res.body as { server: Record<string, unknown> }).server;
    return {
      id,
      status: String(s['status']),
      host: (s['OS-EXT-SRV-ATTR:host'] as string | null | undefined) ?? null,
      taskState: (s['OS-EXT-STS:task_state'] as string | null | undefined) ?? null,
    };
  }

  async waitFor(id: string, done: (s: ServerView) => boolean, timeoutMs = 60_000): Promise<ServerView> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const s = await this.server(id);
      if (done(s)) return s;
      if (s.status === 'ERROR') throw new Error(`server ${id} went to ERROR`);
      if (Date.now() > deadline) throw new Error(`server ${id}: still ${s.status} after ${timeoutMs} ms`);
      await sleep(250);
    }
  }

  async stop(id: string): Promise<void> {
    await this.nova.request('POST', `/servers/${id}/action`, { body: { 'os-stop': null }, expect: [202] });
    await this.waitFor(id, (s) => s.status === 'SHUTOFF' && s.taskState === null);
  }

  async close(): Promise<void> {
    for (const id of this.created.reverse())
      await this.nova.request('DELETE', `/servers/${id}`, { expect: [204, 404] }).catch(() => undefined);
    await this.nova.close();
  }
}
