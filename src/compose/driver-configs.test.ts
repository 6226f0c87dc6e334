import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { ConfigError } from '../util/errors.js';
import { loadConfig, parseConfig } from '../config/load.js';
import { driverConfigs } from './driver-configs.js';

const examples = resolve(import.meta.dirname, '../../examples');
const example = (name: string): string => join(examples, name);
const dir = mkdtempSync(join(tmpdir(), 'vnflab-drivers-'));

/** A config file in a fresh folder (so relative paths have somewhere to resolve against). */
function configFile(yaml: string): string {
  const file = join(mkdtempSync(join(dir, 'c-')), 'run.yaml');
  writeFileSync(file, yaml);
  return file;
}

const NOVA = 'migrator:\n  driver: nova\n  authUrl: https://keystone.example.net/v3\n';

describe('driver configurations from the documented examples (run config schema, as createEnvironment builds them)', () => {
  it('examples/tacker.yaml: SOL003 with Keystone, TLS, vimConnectionInfo, notifications; Nova with a password', async () => {
    const config = await loadConfig({ file: example('tacker.yaml') });
    const drivers = driverConfigs(config, examples, { OS_PASSWORD: 'nova-pw' });
    expect(drivers.vnfm).toEqual({
      driver: 'sol003',
      config: {
        baseUrl: 'https://tacker.example.net:9890/vnflcm/v2',
        apiVersion: '2.0.0',
        requestTimeoutMs: 30_000,
        rollbackOnFailedTemp: false,
        operateUnsupported: 'noop-if-in-state',
        auth: {
          type: 'keystone',
          credentials: {
            authUrl: 'https://keystone.example.net/identity/v3',
            username: 'nfv_user',
            password: '<password>',
            projectName: 'nfv',
            userDomainName: 'Default',
            projectDomainName: 'Default',
          },
        },
        // Relative to the config file's folder; an absolute path stays.
        vnfdFile: join(examples, 'vnfd/Definitions/sample_vnfd_df_simple.yaml'),
        tls: { verify: true, caFile: '/etc/ssl/certs/openstack-ca.pem' },
        notifications: { callbackUrl: 'http://192.0.2.10:9099/vnflab/lcm-notifications' },
        vimConnectionInfo: {
          vim1: {
            vimId: '<vim-uuid>',
            vimType: 'ETSINFV.OPENSTACK_KEYSTONE.V_3',
            interfaceInfo: { endpoint: 'https://keystone.example.net/identity/v3' },
            accessInfo: {
              username: 'nfv_user',
              password: '<password>',
              project: 'nfv',
              projectDomain: 'Default',
              userDomain: 'Default',
              region: 'RegionOne',
            },
          },
        },
      },
    });
    expect(drivers.migrator).toEqual({
      driver: 'nova',
      config: {
        authUrl: 'https://keystone.example.net/identity/v3',
        username: 'nfv_user',
        password: 'nova-pw',
        projectName: 'nfv',
        userDomainName: 'Default',
        projectDomainName: 'Default',
        endpointInterface: 'public',
        insecure: false,
        requestTimeoutMs: 30_000,
      },
    });
    expect(drivers.traffic).toEqual({ driver: 'builtin' });
  });

  it('README\'s "Use with Tacker" YAML is examples/tacker.yaml\'s, field for field', () => {
    const readme = readFileSync(resolve(examples, '../README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Use with Tacker'));
    const yaml = /```yaml\n([\s\S]*?)```/.exec(section)?.[1];
    expect(yaml).toBeDefined();
    const tacker: unknown = parseYaml(readFileSync(example('tacker.yaml'), 'utf8'));
    expect(tacker).toMatchObject(parseYaml(yaml ?? '') as object);
  });

  it('examples/openstack.yaml: an application credential whose secret comes from the environment, CA file beside the config', async () => {
    const config = await loadConfig({ file: example('openstack.yaml') });
    const drivers = driverConfigs(config, examples, { OS_APPLICATION_CREDENTIAL_SECRET: 'from-env' });
    expect(drivers.migrator).toEqual({
      driver: 'nova',
      config: {
        authUrl: 'https://keystone.example.net:5000/v3',
        applicationCredentialId: '21dced0fd20347869b93710d2b98aae0',
        applicationCredentialSecret: 'from-env',
        region: 'RegionOne',
        endpointInterface: 'public',
        caFile: join(examples, 'certs/openstack-ca.pem'),
        insecure: false,
        microversion: '2.80',
        requestTimeoutMs: 30_000,
      },
    });
    expect(drivers.vnfm).toMatchObject({
      driver: 'sol003',
      config: {
        baseUrl: 'https://tacker.example.net:9890/vnflcm/v2',
        auth: { type: 'bearer', token: 'replace-me' },
      },
    });
    expect(config.migration.targetHost).toBe('compute-02');
  });

  it('examples/kubevirt.yaml: kubeconfig beside the config, context and namespace', async () => {
    const config = await loadConfig({ file: example('kubevirt.yaml') });
    expect(driverConfigs(config, examples, {}).migrator).toEqual({
      driver: 'kubevirt',
      config: {
        kubeconfig: join(examples, 'kube/vnflab.kubeconfig'),
        context: 'nfv-cluster',
        namespace: 'vnf-prod',
        inCluster: false,
        requestTimeoutMs: 30_000,
      },
    });
  });

  it('examples/lab.yaml: the embedded lab and the builtin traffic', async () => {
    const config = await loadConfig({ file: example('lab.yaml') });
    expect(driverConfigs(config, examples, {})).toEqual({
      vnfm: { driver: 'lab' },
      migrator: { driver: 'lab' },
      traffic: { driver: 'builtin' },
    });
  });
});

describe('configuration errors: one line naming the field and the fix', () => {
  it('a secret variable that is not set', async () => {
    const config = await loadConfig({ file: example('openstack.yaml') });
    expect(() => driverConfigs(config, examples, {})).toThrow(ConfigError);
    expect(() => driverConfigs(config, examples, { OS_APPLICATION_CREDENTIAL_SECRET: '' })).toThrow(
      'migrator.applicationCredentialSecretEnv: environment variable OS_APPLICATION_CREDENTIAL_SECRET is not set: export OS_APPLICATION_CREDENTIAL_SECRET=<secret> before running vnflab',
    );
    const password = parseConfig({
      migrator: {
        driver: 'nova',
        authUrl: 'https://k/v3',
        username: 'u',
        passwordEnv: 'MY_PW',
        projectId: 'p',
      },
    });
    expect(() => driverConfigs(password, dir, {})).toThrow(
      /^migrator\.passwordEnv: environment variable MY_PW/,
    );
    expect(driverConfigs(password, dir, { MY_PW: 'pw' }).migrator).toMatchObject({
      config: { username: 'u', password: 'pw', projectId: 'p' },
    });
  });

  it('an application credential and a password together', async () => {
    const file = configFile(
      `${NOVA}  applicationCredentialId: abc\n  applicationCredentialSecretEnv: S\n  passwordEnv: OS_PASSWORD\n`,
    );
    await expect(loadConfig({ file })).rejects.toThrow(
      `${file}: field 'migrator.passwordEnv': give an application credential or a password, not both: remove passwordEnv`,
    );
  });

  it('incomplete credentials name the missing field', () => {
    const nova = (extra: object) => () =>
      parseConfig({ migrator: { driver: 'nova', authUrl: 'https://k/v3', ...extra } });
    expect(nova({})).toThrow(
      "config: field 'migrator': no credentials: give applicationCredentialId + applicationCredentialSecretEnv, or username + passwordEnv + projectName",
    );
    expect(nova({ username: 'u', passwordEnv: 'P' })).toThrow(
      "field 'migrator.projectName': password auth needs a project scope: give projectName or projectId",
    );
    expect(nova({ username: 'u', projectName: 'p' })).toThrow(
      "field 'migrator.passwordEnv': password auth needs a password: give passwordEnv",
    );
    expect(nova({ applicationCredentialId: 'a' })).toThrow(
      "field 'migrator.applicationCredentialSecretEnv': the application credential needs its secret",
    );
    expect(nova({ applicationCredentialName: 'a', applicationCredentialSecret: 's' })).toThrow(
      "field 'migrator.applicationCredentialId': an application credential needs applicationCredentialId, or applicationCredentialName with username",
    );
    expect(
      nova({ applicationCredentialId: 'a', applicationCredentialSecretEnv: 'S', projectName: 'p' }),
    ).toThrow(
      "field 'migrator.projectName': an application credential carries its own project scope: remove projectName",
    );
    expect(nova({ username: 'u', passwordEnv: 'secret value', projectName: 'p' })).toThrow(
      "field 'migrator.passwordEnv': expected the name of an environment variable",
    );
  });

  it('an unknown field in a driver section', async () => {
    const file = configFile(
      `${NOVA}  applicationCredentialId: abc\n  applicationCredentialSecretEnv: S\n  projectname: x\n`,
    );
    await expect(loadConfig({ file })).rejects.toThrow(
      `${file}: unknown field 'migrator.projectname': remove it or check its spelling`,
    );
    expect(() => parseConfig({ migrator: { driver: 'kubevirt', kubeConfig: 'k' } })).toThrow(
      "unknown field 'migrator.kubeConfig'",
    );
    expect(() =>
      parseConfig({
        vnfm: {
          driver: 'sol003',
          baseUrl: 'https://v/vnflcm/v2',
          oauth2: { tokenUrl: 'https://v/t', clientId: 'c', clientSecret: 's', secret: 'x' },
        },
      }),
    ).toThrow("unknown field 'vnfm.oauth2.secret'");
  });

  it('two ways to authenticate to the VNFM', () => {
    expect(() =>
      parseConfig({
        vnfm: { driver: 'sol003', baseUrl: 'https://v/vnflcm/v2', token: 't', username: 'u', password: 'p' },
      }),
    ).toThrow("field 'vnfm': give one way to authenticate, not username/password and token");
  });

  it('kubevirt: inCluster with a kubeconfig', () => {
    expect(() => parseConfig({ migrator: { driver: 'kubevirt', inCluster: true, kubeconfig: 'k' } })).toThrow(
      "field 'migrator.kubeconfig': inCluster uses the pod's service account, not a kubeconfig: remove kubeconfig or inCluster",
    );
  });
});

describe('traffic driver', () => {
  const external = {
    vnfm: { driver: 'sol003', baseUrl: 'https://v/vnflcm/v2', token: 't' },
    migrator: { driver: 'kubevirt' },
  };

  it('iperf3: its options, the sink address, and a binary path relative to the config file', () => {
    const config = parseConfig({
      ...external,
      traffic: {
        driver: 'iperf3',
        sinkHost: '192.0.2.7',
        sinkPort: 5201,
        iperf3: { binary: 'bin/iperf3', socketBufferBytes: 1_048_576 },
      },
    });
    expect(driverConfigs(config, '/etc/vnflab', {}).traffic).toEqual({
      driver: 'iperf3',
      options: {
        binary: '/etc/vnflab/bin/iperf3',
        socketBufferBytes: 1_048_576,
        sinkHost: '192.0.2.7',
        sinkPort: 5201,
      },
    });
    const onPath = parseConfig({ ...external, traffic: { driver: 'iperf3', iperf3: { binary: 'iperf3' } } });
    expect(driverConfigs(onPath, '/etc/vnflab', {}).traffic).toMatchObject({ options: { binary: 'iperf3' } });
  });

  it('iperf3 through the process lab is refused (its VNF forwards UDP only)', () => {
    expect(() => driverConfigs(parseConfig({ traffic: { driver: 'iperf3' } }), dir, {})).toThrow(
      /^traffic\.driver: iperf3 cannot run through the process lab's VNF/,
    );
  });

  it('iperf3 options without the iperf3 driver', () => {
    expect(() => parseConfig({ traffic: { iperf3: { binary: 'iperf3' } } })).toThrow(
      "field 'traffic.iperf3': only used with driver 'iperf3'",
    );
  });
});

describe('traffic.driver: none (no traffic generator: control plane only)', () => {
  it('builds the none traffic driver', () => {
    const config = parseConfig({ traffic: { driver: 'none' } });
    expect(driverConfigs(config, dir, {}).traffic).toEqual({ driver: 'none' });
  });

  it('refuses the load trigger and traffic criteria with one line naming the field and the fix', () => {
    const load = parseConfig({ traffic: { driver: 'none' }, tcInput: { triggerType: 'load' } });
    expect(() => driverConfigs(load, dir, {})).toThrow(
      'traffic.driver: none cannot go with tcInput.triggerType: load (the trigger raises the traffic): set traffic.driver: builtin or another triggerType',
    );
    const criterion = parseConfig({ traffic: { driver: 'none' }, criteria: { maxServiceDisruptionMs: 100 } });
    expect(() => driverConfigs(criterion, dir, {})).toThrow(
      'criteria.maxServiceDisruptionMs: traffic.driver: none sends no traffic, so nothing can judge it: remove criteria.maxServiceDisruptionMs (or its --max-* option), or set traffic.driver: builtin',
    );
    const time = parseConfig({ traffic: { driver: 'none' }, criteria: { maxMigrationTimeMs: 60_000 } });
    expect(driverConfigs(time, dir, {}).traffic).toEqual({ driver: 'none' });
  });
});
