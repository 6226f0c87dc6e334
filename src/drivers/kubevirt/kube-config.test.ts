import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadKubeAccess, SERVICE_ACCOUNT_DIR } from './kube-config.js';
import { KubevirtMigrator } from './kubevirt-migrator.js';
import { startFakeKubeApi, type FakeKubeApi } from '../../../test/fakes/kubevirt/fake-kube-api.js';

const CA_FILE = fileURLToPath(new URL('../../../test/fakes/openstack/ca.crt', import.meta.url));

describe('in-cluster config (service account)', () => {
  let kube: FakeKubeApi;
  let prefix: string;
  const savedEnv = { host: process.env.KUBERNETES_SERVICE_HOST, port: process.env.KUBERNETES_SERVICE_PORT };
  beforeAll(async () => {
    kube = await startFakeKubeApi({ namespace: 'from-sa' });
    prefix = mkdtempSync(join(tmpdir(), 'vnflab-sa-'));
    const dir = `${prefix}${SERVICE_ACCOUNT_DIR}`;
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'token'), kube.token);
    writeFileSync(join(dir, 'namespace'), 'from-sa\n');
    copyFileSync(CA_FILE, join(dir, 'ca.crt'));
  });
  afterEach(() => {
    for (const [key, value] of [
      ['KUBERNETES_SERVICE_HOST', savedEnv.host],
      ['KUBERNETES_SERVICE_PORT', savedEnv.port],
    ] as const)
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
  });
  afterAll(async () => {
    rmSync(prefix, { recursive: true, force: true });
    await kube.close();
  });

  it('reads the API address from the environment, the token, CA and namespace from the mount', async () => {
    const url = new URL(kube.server);
    process.env.KUBERNETES_SERVICE_HOST = url.hostname;
    process.env.KUBERNETES_SERVICE_PORT = url.port;
    const access = loadKubeAccess({ inCluster: true }, prefix);
    expect(access.namespace).toBe('from-sa');
    expect(access.server).toBe(kube.server);
    const migrator = new KubevirtMigrator({ inCluster: true }, prefix);
    kube.addVmi({ name: 'vm-in-cluster', node: 'node-a', liveMigratable: true });
    expect(await migrator.findAllocatedVResources(['vm-in-cluster', 'nope'])).toEqual(['vm-in-cluster']);
    expect(loadKubeAccess({ inCluster: true, namespace: 'explicit' }, prefix).namespace).toBe('explicit');
  });

  it('KUBEVIRT_CONFIG_INVALID outside a pod (no service env) or without the token', () => {
    delete process.env.KUBERNETES_SERVICE_HOST;
    expect(() => loadKubeAccess({ inCluster: true }, prefix)).toThrow(/KUBERNETES_SERVICE_HOST/);
    process.env.KUBERNETES_SERVICE_HOST = '127.0.0.1';
    process.env.KUBERNETES_SERVICE_PORT = '6443';
    expect(() => loadKubeAccess({ inCluster: true }, join(prefix, 'elsewhere'))).toThrow(
      expect.objectContaining({ code: 'KUBEVIRT_CONFIG_INVALID' }) as Error,
    );
  });
});
