/**
 * createEnvironment with external drivers: what the config names is what
 * gets built, with paths relative to the config file. Nothing here talks to
 * a VNFM or VIM (the drivers connect lazily); only iperf3's server starts.
 */
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config/load.js';
import { iperf3Available } from '../drivers/iperf3/iperf3-process.js';
import { CleanupStack } from '../runner/cleanup-stack.js';
import { createEnvironment } from './environment.js';

const CA_FILE = fileURLToPath(new URL('../../test/fakes/openstack/ca.crt', import.meta.url));
const hasIperf3 = await iperf3Available();

const KUBECONFIG = `apiVersion: v1
kind: Config
clusters:
  - name: nfv
    cluster: { server: 'https://192.0.2.1:6443', insecure-skip-tls-verify: true }
users:
  - name: vnflab
    user: { token: t0ken }
contexts:
  - name: nfv-cluster
    context: { cluster: nfv, user: vnflab, namespace: from-context }
current-context: nfv-cluster
`;

/** A config folder holding `run.yaml` and the files it names, relative to itself. */
function configDir(yaml: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'vnflab-env-'));
  mkdirSync(join(dir, 'kube'));
  writeFileSync(join(dir, 'kube', 'config'), KUBECONFIG);
  mkdirSync(join(dir, 'certs'));
  copyFileSync(CA_FILE, join(dir, 'certs', 'ca.pem'));
  writeFileSync(join(dir, 'run.yaml'), yaml);
  return dir;
}

describe('createEnvironment with external drivers', () => {
  it.skipIf(!hasIperf3)(
    'sol003 with a token, kubevirt with a relative kubeconfig, iperf3 traffic; all released by the cleanup stack',
    async () => {
      const dir = configDir(`vnfm:
  driver: sol003
  baseUrl: http://192.0.2.1:9890/vnflcm/v2
  token: abc
migrator:
  driver: kubevirt
  kubeconfig: kube/config
  namespace: vnf-prod
traffic:
  driver: iperf3
`);
      const config = await loadConfig({ file: join(dir, 'run.yaml') });
      const cleanup = new CleanupStack();
      try {
        const env = await createEnvironment(config, cleanup, dir);
        expect([env.vnfm.name, env.migrator.name, env.traffic.name]).toEqual([
          'sol003',
          'kubevirt',
          'iperf3',
        ]);
        expect(env.description).toMatchObject({
          vnfm: { driver: 'sol003', baseUrl: 'http://192.0.2.1:9890/vnflcm/v2', auth: 'bearer' },
          migrator: { driver: 'kubevirt', server: 'https://192.0.2.1:6443', namespace: 'vnf-prod' },
          traffic: { driver: 'iperf3', sink: { host: '127.0.0.1' } },
        });
        expect(env.description.lab).toBeUndefined();
        expect(env.harnessInstantiateParams).toEqual({});
      } finally {
        const records = await cleanup.unwind();
        expect(records.map((r) => [r.name, r.status])).toEqual([
          ['close traffic', 'DONE'],
          ['close migrator driver', 'DONE'],
          ['close VNFM driver', 'DONE'],
        ]);
      }
    },
  );

  it('nova: the secret from the named variable, the CA file beside the config (read when the driver is built)', async () => {
    const variable = `VNFLAB_TEST_SECRET_${process.pid}`;
    const dir = configDir(`vnfm:
  driver: sol003
  baseUrl: http://192.0.2.1:9890/vnflcm/v2
  noAuth: true
migrator:
  driver: nova
  authUrl: https://192.0.2.1:5000/v3
  applicationCredentialId: cred
  applicationCredentialSecretEnv: ${variable}
  caFile: certs/ca.pem
`);
    const config = await loadConfig({ file: join(dir, 'run.yaml') });
    process.env[variable] = 's3cret';
    const cleanup = new CleanupStack();
    try {
      const env = await createEnvironment(config, cleanup, dir);
      expect(env.migrator.name).toBe('nova');
      expect(env.description.migrator).toEqual({ driver: 'nova', authUrl: 'https://192.0.2.1:5000/v3' });
      expect(env.description.vnfm).toMatchObject({ auth: 'none' });
      // The builtin traffic (the default) says which socket I/O it took: in the record and once in the log.
      expect(env.description.traffic).toMatchObject({
        driver: 'builtin',
        io: 'native',
        ioReason: expect.stringMatching(/^udp_batch addon loaded from /) as unknown,
      });
      expect(env.notes).toEqual([expect.stringMatching(/^Traffic I\/O: native \(udp_batch addon: /)]);
    } finally {
      delete process.env[variable];
      await cleanup.unwind();
    }
    // From another folder the relative CA file is not there: the Nova driver says so when it is built.
    const elsewhere = new CleanupStack();
    process.env[variable] = 's3cret';
    try {
      await expect(createEnvironment(config, elsewhere, tmpdir())).rejects.toThrow(
        /TLS CA file .*certs\/ca\.pem/,
      );
    } finally {
      delete process.env[variable];
      await elsewhere.unwind();
    }
  });
});
