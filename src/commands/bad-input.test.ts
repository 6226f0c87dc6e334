/**
 * The bad-input corpus, through runCommand (what `vnflab run` calls): flags,
 * config fields, files, URLs, credentials, unreachable endpoints, malformed
 * YAML. Each must be refused before anything starts: a ConfigError (the CLI
 * prints `vnflab: <message>`, exit 2) of one line naming the flag, field or
 * file and the fix, no results folder, no process started. The handful whose
 * exit path differs in the CLI (commander's usage errors, --out, a spawned
 * lab) run through the built binary in test/e2e/bad-input.e2e.test.ts.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../util/errors.js';
import { runCommand, type RunCommandOptions } from './run.js';

const dir = mkdtempSync(join(tmpdir(), 'vnflab-bad-input-'));
const fakes = new URL('../../test/fakes/openstack/', import.meta.url);
const pem = (name: string): string => readFileSync(new URL(name, fakes), 'utf8');

/** A file in the corpus folder. */
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** Pids of this process's children now (Linux /proc): a refused run starts none. */
function children(): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === process.pid)
        found.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return found.sort();
}

const servers: Server[] = [];
/** Every server-side socket, TLS handshakes cut short included: closed at the end so close() returns. */
const sockets = new Set<Socket>();
let closedPort = 0;
let httpUrl = '';
let httpsUrl = '';
beforeAll(async () => {
  const listen = async (server: Server): Promise<number> => {
    servers.push(server);
    server.on('connection', (socket: Socket) => {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return (server.address() as AddressInfo).port;
  };
  const http = createHttpServer((_req, res) => res.end('{}'));
  httpUrl = `http://127.0.0.1:${await listen(http)}`;
  const https = createHttpsServer({ key: pem('server.key'), cert: pem('server.crt') }, (_req, res) =>
    res.end('{}'),
  );
  httpsUrl = `https://127.0.0.1:${await listen(https)}`;
  const probe = createTcpServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  closedPort = (probe.address() as AddressInfo).port;
  await new Promise((r) => probe.close(r));
});
afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  rmSync(dir, { recursive: true, force: true });
});

interface BadInput {
  readonly what: string;
  /** runCommand's options (testCase defaults to TC_VNF_MIGRATE_002); built when the servers are up. */
  readonly opts: () => Omit<RunCommandOptions, 'testCase'> & { testCase?: string };
  /** The one line: names the flag / field / file and says what to do. */
  readonly says: () => RegExp;
}

/** A config file holding `yaml`, for one case. */
let configs = 0;
const config = (yaml: string): (() => Omit<RunCommandOptions, 'testCase'>) => {
  const path = file(`config-${++configs}.yaml`, yaml);
  return () => ({ config: path });
};
/** An external VNFM (sol003 with a token) at `baseUrl`, plus `extra` YAML. */
const sol003 = (baseUrl: () => string, extra = ''): (() => Omit<RunCommandOptions, 'testCase'>) => {
  const n = ++configs;
  return () => ({
    config: file(
      `config-${n}.yaml`,
      `vnfm:\n  driver: sol003\n  baseUrl: ${baseUrl()}\n  token: t\n${extra}`,
    ),
  });
};
const unset = `VNFLAB_CORPUS_UNSET_${process.pid}`;
const aFile = file('a-file', 'x');
const license = (text: string): string => file(`license-${++configs}.yaml`, text);

const CORPUS: readonly BadInput[] = [
  // flags
  {
    what: '--rate not a number',
    opts: () => ({ rate: 'fast' }),
    says: () => /^--rate 'fast': give a positive number/,
  },
  { what: '--rate 0', opts: () => ({ rate: '0' }), says: () => /^--rate '0': give a positive number/ },
  {
    what: '--rate negative',
    opts: () => ({ rate: '-5' }),
    says: () => /^--rate '-5': give a positive number/,
  },
  {
    what: '--resource unknown',
    opts: () => ({ resource: 'vGPU' }),
    says: () => /field 'tcInput\.vResourceType': Invalid option: expected one of "vMemory"/,
  },
  {
    what: '--trigger unknown',
    opts: () => ({ trigger: 'nms' }),
    says: () => /field 'tcInput\.triggerType': Invalid option: expected one of "vnfm"/,
  },
  {
    what: '--lab unknown',
    opts: () => ({ lab: 'kvm' }),
    says: () => /field 'lab\.hypervisor': Invalid option/,
  },
  {
    what: '--lab-fault without =',
    opts: () => ({ labFaults: ['vnfm.instantiate'] }),
    says: () =>
      /^--lab-fault 'vnfm\.instantiate' is not a fault: write TARGET=FAULT, e\.g\. vnfm\.instantiate=http500/,
  },
  {
    what: '--lab-fault unknown VNFM operation',
    opts: () => ({ labFaults: ['vnfm.scale=http500'] }),
    says: () =>
      /^--lab-fault 'vnfm\.scale=http500': unknown VNFM operation 'scale': use one of create, instantiate/,
  },
  {
    what: '--lab-fault occurrence state of a synchronous operation',
    opts: () => ({ labFaults: ['vnfm.query=failed_temp'] }),
    says: () => /^--lab-fault 'vnfm\.query=failed_temp': failed_temp is the state of an operation occurrence/,
  },
  {
    what: '--lab-fault host fault without a moment',
    opts: () => ({ labFaults: ['host.source=sigkill'] }),
    says: () => /^--lab-fault 'host\.source=sigkill' needs a moment: add @stepN/,
  },
  {
    what: '--lab-fault past the last step',
    opts: () => ({ labFaults: ['fabric=sigstop@step14'] }),
    says: () =>
      /^lab\.faults \(--lab-fault\) 'fabric=sigstop@step14': TC_VNF_MIGRATE_002 has 13 steps: give @step1 to @step13/,
  },
  {
    what: 'lab.faults with a bad fault',
    opts: () => ({ config: file('fault.yaml', 'lab:\n  faults: [traffic=stall@step7]\n') }),
    says: () => /field 'lab\.faults\.0': 'traffic=stall@step7': unknown traffic fault 'stall': use die/,
  },
  {
    what: 'lab.faults on a run without the lab',
    opts: () => ({
      config: file(
        'fault-nova.yaml',
        'lab:\n  faults: [migration=fail-halfway]\nmigrator:\n  driver: nova\n  authUrl: http://127.0.0.1:1/identity/v3\n  username: u\n  password: p\n  projectName: p\n',
      ),
    }),
    says: () =>
      /^lab\.faults \(--lab-fault\) 'migration=fail-halfway': only the embedded lab's VIM and hosts can be made to fail: set migrator\.driver: lab/,
  },
  {
    what: 'unknown test case',
    opts: () => ({ testCase: 'TC_NOPE' }),
    says: () => /^testCase 'TC_NOPE' is unknown: run 'vnflab list'/,
  },
  {
    what: '--trigger em without an EM',
    opts: () => ({ trigger: 'em' }),
    says: () => /^tcInput\.triggerType 'em' needs tcInput\.emVnfSystem: true \(and emConfigFile\)/,
  },
  // --out
  {
    what: '--out under /proc',
    opts: () => ({ out: '/proc/vnflab-out' }),
    says: () => /^--out \/proc\/vnflab-out: \/proc is a kernel filesystem.*: give a folder on disk/,
  },
  {
    what: '--out under /sys',
    opts: () => ({ out: '/sys/vnflab-out' }),
    says: () => /^--out \/sys\/vnflab-out: \/sys is a kernel filesystem/,
  },
  {
    what: '--out a file',
    opts: () => ({ out: aFile }),
    says: () => /^--out .*a-file: a file, not a folder: give a folder/,
  },
  {
    what: '--out under a file',
    opts: () => ({ out: join(aFile, 'out') }),
    says: () =>
      /^--out .*a-file\/out: .*a-file is a file, so no folder can be made under it: give another path/,
  },
  // files given by flag
  {
    what: '--config missing',
    opts: () => ({ config: join(dir, 'none.yaml') }),
    says: () => /^config file .*none\.yaml: cannot read it \(ENOENT\): check the path/,
  },
  {
    what: '--config a folder',
    opts: () => ({ config: dir }),
    says: () => /^config file .*: cannot read it \(EISDIR\): check the path/,
  },
  {
    what: '--license missing',
    opts: () => ({ license: join(dir, 'no-license.yaml') }),
    says: () =>
      /^tcInput\.vnfLicenseFile \(--license\): cannot read .*no-license\.yaml \(ENOENT\): check the path/,
  },
  {
    what: '--license a folder',
    opts: () => ({ license: dir }),
    says: () => /^tcInput\.vnfLicenseFile \(--license\): cannot read .* \(EISDIR\): check the path/,
  },
  {
    what: '--license malformed YAML',
    opts: () => ({ license: license('licensee: lab\nproduct: [udp\n') }),
    says: () =>
      /^tcInput\.vnfLicenseFile \(--license\): .*license-\d+\.yaml, line 3, column 1: not valid YAML\/JSON: Flow sequence/,
  },
  {
    what: '--license without its key',
    opts: () => ({ license: license('licensee: lab\nproduct: p\nexpires: 2030-01-01\n') }),
    says: () => /^tcInput\.vnfLicenseFile \(--license\): .*: field 'key' is missing or not a string: add it/,
  },
  {
    what: '--license expiry not a date',
    opts: () => ({ license: license('licensee: a\nproduct: p\nexpires: soon\nkey: k\n') }),
    says: () =>
      /^tcInput\.vnfLicenseFile \(--license\): .*: field 'expires' is not a date: write an ISO date/,
  },
  {
    what: '--license a list',
    opts: () => ({ license: license('- licensee\n- key\n') }),
    says: () =>
      /^tcInput\.vnfLicenseFile \(--license\): .*: the top level must be a mapping of keys to values/,
  },
  {
    what: '--vnf-config missing',
    opts: () => ({ vnfConfig: join(dir, 'no-vnf.yaml') }),
    says: () =>
      /^tcInput\.vnfConfigFile \(--vnf-config\): cannot read .*no-vnf\.yaml \(ENOENT\): check the path/,
  },
  {
    what: '--vnf-config malformed YAML',
    opts: () => ({ vnfConfig: file('vnf-bad.yaml', 'forwarding:\n\tttl: 64\n') }),
    says: () =>
      /^tcInput\.vnfConfigFile \(--vnf-config\): .*vnf-bad\.yaml, line 2, column 1 \("ttl: 64"\): not valid YAML\/JSON: Tabs are not allowed as indentation$/,
  },
  {
    what: '--em-config missing',
    opts: () => ({ emConfig: join(dir, 'no-em.yaml') }),
    says: () =>
      /^tcInput\.emConfigFile \(--em-config\): cannot read .*no-em\.yaml \(ENOENT\): check the path/,
  },
  {
    what: '--em-config without emName',
    opts: () => ({ emConfig: file('em-noname.yaml', 'vnfConfig: {}\n') }),
    says: () => /^tcInput\.emConfigFile \(--em-config\): .*: field 'emName' is missing: name the EM/,
  },
  {
    what: '--em-config malformed YAML',
    opts: () => ({ emConfig: file('em-bad.yaml', 'emName: a: b\n') }),
    says: () =>
      /^tcInput\.emConfigFile \(--em-config\): .*em-bad\.yaml, line 1, column 9 \("emName: a: b"\): not valid YAML\/JSON: Nested mappings are not allowed in compact mappings$/,
  },
  // the config file's YAML
  {
    what: 'YAML: a nested mapping on one line',
    opts: config('traffic:\n  flows: a: 2\n'),
    says: () =>
      /^config file .*config-\d+\.yaml, line 2, column 10 \("flows: a: 2"\): not valid YAML: Nested mappings are not allowed in compact mappings$/,
  },
  {
    what: 'YAML: a tab as indentation',
    opts: config('traffic:\n\tflows: 2\n'),
    says: () => /, line 2, column 1 \("flows: 2"\): not valid YAML: Tabs are not allowed as indentation$/,
  },
  {
    what: 'YAML: a key twice',
    opts: config('testCase: TC_VNF_MIGRATE_002\ntestCase: TC_VNF_MIGRATE_001\n'),
    says: () =>
      /, line 2, column 1 \("testCase: TC_VNF_MIGRATE_001"\): not valid YAML: Map keys must be unique$/,
  },
  {
    what: 'YAML: an unterminated quote',
    opts: config('tcInput:\n  vnfInstanceName: "vnf\n'),
    says: () => /^config file .*, line 3, column 1: not valid YAML: Missing closing "quote$/,
  },
  {
    what: 'YAML: a list at the top level',
    opts: config('- traffic\n- vnfm\n'),
    says: () =>
      /^config file .*: the top level must be a mapping of fields \(testCase:, tcInput:, traffic:, \.\.\.\), not a list$/,
  },
  // config fields
  {
    what: 'an unknown field',
    opts: config('trafic:\n  flows: 2\n'),
    says: () => /: unknown field 'trafic': remove it or check its spelling$/,
  },
  {
    what: 'an unknown nested field',
    opts: config('traffic:\n  flow: 2\n'),
    says: () => /: unknown field 'traffic\.flow': remove it or check its spelling$/,
  },
  {
    what: 'a packet too small',
    opts: config('traffic:\n  packetSizeBytes: 4\n'),
    says: () => /: field 'traffic\.packetSizeBytes': Too small: expected number to be >=32$/,
  },
  {
    what: 'a load level that does not exist',
    opts: config('traffic:\n  loadLevel: HIGH\n'),
    says: () => /: field 'traffic\.loadLevel': Invalid option: expected one of "LOW"\|"NORMAL"\|"MAX"$/,
  },
  {
    what: 'a negative poll interval',
    opts: config('timeouts:\n  pollIntervalMs: -1\n'),
    says: () => /: field 'timeouts\.pollIntervalMs': Too small: expected number to be >0$/,
  },
  {
    what: 'a lab of one host',
    opts: config('lab:\n  hosts: 1\n'),
    says: () => /: field 'lab\.hosts': Too small: expected number to be >=2$/,
  },
  {
    what: 'a traffic target without its port',
    opts: config('traffic:\n  target:\n    host: 192.0.2.7\n'),
    says: () => /: field 'traffic\.target\.port' is missing: add it \(number\)$/,
  },
  {
    what: 'emVnfSystem without an EM config file',
    opts: config('tcInput:\n  emVnfSystem: true\n'),
    says: () =>
      /^tcInput\.emConfigFile is required when tcInput\.emVnfSystem is true: give the EM config file$/,
  },
  {
    what: 'iperf3 options without the iperf3 driver',
    opts: config('traffic:\n  iperf3:\n    binary: iperf3\n'),
    says: () =>
      /: field 'traffic\.iperf3': only used with driver 'iperf3': set traffic\.driver: iperf3 or remove/,
  },
  {
    what: 'iperf3 through the process lab',
    opts: config('traffic:\n  driver: iperf3\n'),
    says: () =>
      /^traffic\.driver: iperf3 cannot run through the process lab's VNF .*: use traffic\.driver: builtin/,
  },
  {
    what: 'a VNFM driver that does not exist',
    opts: config('vnfm:\n  driver: tacker\n'),
    says: () => /: field 'vnfm\.driver': Invalid discriminator value\. Expected 'lab' \| 'sol003'$/,
  },
  // URLs
  {
    what: 'vnfm.baseUrl ftp://',
    opts: config('vnfm:\n  driver: sol003\n  baseUrl: ftp://tacker/vnflcm/v2\n  token: t\n'),
    says: () =>
      /: field 'vnfm\.baseUrl': "ftp:\/\/tacker\/vnflcm\/v2" is not an http:\/\/ or https:\/\/ URL: give one like https:\/\/tacker\.example\.net:9890\/vnflcm\/v2$/,
  },
  {
    what: 'vnfm.baseUrl without a scheme',
    opts: config('vnfm:\n  driver: sol003\n  baseUrl: tacker:9890\n  token: t\n'),
    says: () => /: field 'vnfm\.baseUrl': "tacker:9890" is not an http:\/\/ or https:\/\/ URL/,
  },
  {
    what: 'vnfm.baseUrl missing',
    opts: config('vnfm:\n  driver: sol003\n  token: t\n'),
    says: () => /: field 'vnfm\.baseUrl': required: give an http:\/\/ or https:\/\/ URL, e.g\. https:\/\//,
  },
  {
    what: 'vnfm.oauth2.tokenUrl ftp://',
    opts: config(
      'vnfm:\n  driver: sol003\n  baseUrl: http://v/vnflcm/v2\n  oauth2: { tokenUrl: "ftp://k/token", clientId: c, clientSecret: s }\n',
    ),
    says: () => /: field 'vnfm\.oauth2\.tokenUrl': "ftp:\/\/k\/token" is not an http:\/\/ or https:\/\/ URL/,
  },
  {
    what: 'migrator.authUrl without a scheme',
    opts: config(
      'migrator:\n  driver: nova\n  authUrl: keystone:5000\n  applicationCredentialId: a\n  applicationCredentialSecretEnv: S\n',
    ),
    says: () => /: field 'migrator\.authUrl': "keystone:5000" is not an http:\/\/ or https:\/\/ URL/,
  },
  // credentials
  {
    what: 'a SOL003 VNFM without credentials',
    opts: config('vnfm:\n  driver: sol003\n  baseUrl: http://v/vnflcm/v2\n'),
    says: () =>
      /: field 'vnfm': no credentials for the VNFM: give one of oauth2, keystone, token, or username \+ password \(or noAuth: true/,
  },
  {
    what: 'two ways to authenticate to the VNFM',
    opts: config('vnfm:\n  driver: sol003\n  baseUrl: http://v/vnflcm/v2\n  token: t\n  noAuth: true\n'),
    says: () => /: field 'vnfm': give one way to authenticate, not token and noAuth$/,
  },
  {
    what: 'a username without a password',
    opts: config('vnfm:\n  driver: sol003\n  baseUrl: http://v/vnflcm/v2\n  username: u\n'),
    says: () => /: field 'vnfm': username and password go together \(HTTP Basic\)$/,
  },
  {
    what: 'a Nova migrator without credentials',
    opts: config('migrator:\n  driver: nova\n  authUrl: https://k/v3\n'),
    says: () =>
      /: field 'migrator': no credentials: give applicationCredentialId \+ applicationCredentialSecretEnv/,
  },
  {
    what: 'a secret variable that is not set',
    opts: config(
      `migrator:\n  driver: nova\n  authUrl: https://k/v3\n  applicationCredentialId: a\n  applicationCredentialSecretEnv: ${unset}\n`,
    ),
    says: () =>
      new RegExp(
        `^migrator\\.applicationCredentialSecretEnv: environment variable ${unset} is not set: export ${unset}=<secret> before running vnflab$`,
      ),
  },
  {
    what: 'an application credential with a project',
    opts: config(
      'migrator:\n  driver: nova\n  authUrl: https://k/v3\n  applicationCredentialId: a\n  applicationCredentialSecret: s\n  projectName: p\n',
    ),
    says: () =>
      /: field 'migrator\.projectName': an application credential carries its own project scope: remove projectName$/,
  },
  // files the drivers read
  {
    what: 'vnfm.tls.caFile missing',
    opts: sol003(() => 'https://v/vnflcm/v2', '  tls: { caFile: no-ca.pem }\n'),
    says: () =>
      /^vnfm\.tls\.caFile .*\/no-ca\.pem: cannot read it \(ENOENT\): check the path \(a relative one is relative to the config file\)$/,
  },
  {
    what: 'vnfm.vnfdFile a folder',
    opts: sol003(() => 'https://v/vnflcm/v2', '  vnfdFile: .\n'),
    says: () => /^vnfm\.vnfdFile .*: not a file: check the path/,
  },
  {
    what: 'migrator.kubeconfig missing',
    opts: config('migrator:\n  driver: kubevirt\n  kubeconfig: kube/none\n'),
    says: () => /^migrator\.kubeconfig .*\/kube\/none: cannot read it \(ENOENT\): check the path/,
  },
  // unreachable endpoints
  {
    what: 'a VNFM where nothing listens',
    opts: sol003(() => `http://127.0.0.1:${closedPort}/vnflcm/v2`),
    says: () =>
      new RegExp(
        `^vnfm\\.baseUrl http://127\\.0\\.0\\.1:${closedPort}/vnflcm/v2: cannot connect to 127\\.0\\.0\\.1:${closedPort} \\(connect ECONNREFUSED 127\\.0\\.0\\.1:${closedPort}\\): check the URL, and that it is up and reachable from here$`,
      ),
  },
  {
    what: 'a VNFM host that does not resolve',
    opts: sol003(() => 'http://vnflab-no-such-host.invalid:9890/vnflcm/v2'),
    says: () =>
      /^vnfm\.baseUrl http:\/\/vnflab-no-such-host\.invalid:9890\/vnflcm\/v2: cannot connect to vnflab-no-such-host\.invalid:9890 \(getaddrinfo (ENOTFOUND|EAI_AGAIN) vnflab-no-such-host\.invalid\)/,
  },
  {
    what: 'an OAuth 2.0 token endpoint where nothing listens',
    opts: () => ({
      config: file(
        'oauth-closed.yaml',
        `vnfm:\n  driver: sol003\n  baseUrl: ${httpUrl}/vnflcm/v2\n  oauth2: { tokenUrl: "http://127.0.0.1:${closedPort}/token", clientId: c, clientSecret: s }\n`,
      ),
    }),
    says: () => /^vnfm\.oauth2\.tokenUrl http:\/\/127\.0\.0\.1:\d+\/token: cannot connect to .*ECONNREFUSED/,
  },
  {
    what: 'a VNFM whose certificate no trusted CA signed',
    opts: sol003(() => `${httpsUrl}/vnflcm/v2`),
    says: () =>
      /^vnfm\.baseUrl https:\/\/127\.0\.0\.1:\d+\/vnflcm\/v2: TLS handshake with 127\.0\.0\.1:\d+ failed \((UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN) .*\): set vnfm\.tls\.caFile to the CA that signed its certificate/,
  },
  {
    what: 'https to a VNFM that speaks http',
    opts: sol003(() => `${httpUrl.replace('http:', 'https:')}/vnflcm/v2`),
    says: () =>
      /^vnfm\.baseUrl https:\/\/127\.0\.0\.1:\d+\/vnflcm\/v2: TLS handshake with .* failed \(.*\): .*check that it serves https$/,
  },
  {
    what: 'Keystone where nothing listens',
    opts: () => ({
      config: file(
        'nova-closed.yaml',
        `migrator:\n  driver: nova\n  authUrl: http://127.0.0.1:${closedPort}/v3\n  applicationCredentialId: a\n  applicationCredentialSecret: s\n`,
      ),
    }),
    says: () => /^migrator\.authUrl http:\/\/127\.0\.0\.1:\d+\/v3: cannot connect to .*ECONNREFUSED/,
  },
];

describe(`bad input is refused before anything starts (${CORPUS.length} cases, through runCommand)`, () => {
  it('holds at least 40 cases', () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(40);
  });

  for (const [i, c] of CORPUS.entries()) {
    it(c.what, async () => {
      const outDir = join(dir, `out-${i}`);
      const started = children();
      // Already aborted: should a case be accepted by mistake, its run stops at once.
      const aborted = AbortSignal.abort(new Error('not meant to run'));
      const err: unknown = await runCommand({
        testCase: 'TC_VNF_MIGRATE_002',
        out: outDir,
        signal: aborted,
        reporters: [],
        ...c.opts(),
      }).catch((e: unknown) => e);
      expect(err, `accepted: ${c.what}`).toBeInstanceOf(ConfigError);
      const message = (err as Error).message;
      expect(message.split('\n'), message).toHaveLength(1);
      expect(message).toMatch(c.says());
      expect(existsSync(outDir), 'results folder created').toBe(false);
      expect(children(), 'process started').toEqual(started);
    });
  }
});
