import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../util/errors.js';
import { Sol003Vnfm } from '../drivers/sol003/sol003-vnfm.js';
import { labSol003Config } from '../compose/lab-drivers.js';
import type { LabInfo } from '../lab/lab.js';
import { formatLabInfo, labUp, parsePort } from './lab-up.js';
import { isAlive as alive } from '../util/pid.js';

/** A port that was free a moment ago (bind port 0, read it, release it). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('vnflab lab up', () => {
  it('--json prints LabInfo first, serves SOL003 with OAuth 2.0 on the fixed --port, and tears down on abort', async () => {
    const port = await freePort();
    const lines: string[] = [];
    const abort = new AbortController();
    let firstLine: () => void = () => undefined;
    const printed = new Promise<void>((resolve) => (firstLine = resolve));
    const running = labUp({
      json: true,
      port,
      signal: abort.signal,
      out: (line) => {
        lines.push(line);
        firstLine();
      },
    });
    await Promise.race([printed, running]);
    const info = JSON.parse(lines[0] ?? '') as LabInfo;
    expect(info.sol003.baseUrl).toBe(`http://127.0.0.1:${port}/vnflcm/v2`);
    expect(info.sol003.tokenUrl).toBe(`http://127.0.0.1:${port}/oauth2/token`);
    expect(info.sol003.clientId).toBe('vnflab');
    expect(info.sol003.clientSecret?.length).toBeGreaterThanOrEqual(20);
    expect(info.vnfdId).toBeTruthy();
    expect(info.keystone.authUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+/);
    expect(info.nova.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+/);

    // Without a token: 401. With the advertised credentials: served.
    const anonymous = await fetch(`${info.sol003.baseUrl}/vnf_instances`, { headers: { Version: '2.0.0' } });
    expect(anonymous.status).toBe(401);
    const vnfm = new Sol003Vnfm(labSol003Config(info));
    try {
      const vnf = await vnfm.createVnfRecord({ vnfdId: info.vnfdId, vnfInstanceName: 'lab-up' });
      expect((await vnfm.getVnfState(vnf)).instantiationState).toBe('NOT_INSTANTIATED');
      await vnfm.deleteVnfRecord(vnf);
    } finally {
      await vnfm.close();
    }

    abort.abort();
    await running;
    await expect(fetch(`${info.sol003.baseUrl}/api_versions`)).rejects.toThrow();
    for (const host of info.hosts) if (host.pid !== null) expect(alive(host.pid)).toBe(false);
  });

  it('can run without authentication, and says so', async () => {
    const lines: string[] = [];
    const abort = new AbortController();
    let firstLine: () => void = () => undefined;
    const printed = new Promise<void>((resolve) => (firstLine = resolve));
    const running = labUp({
      json: false,
      auth: 'none',
      signal: abort.signal,
      out: (line) => {
        lines.push(line);
        firstLine();
      },
    });
    await Promise.race([printed, running]);
    abort.abort();
    await running;
    expect(lines[0]).toContain('Authentication:  none');
    expect(lines[0]).toMatch(/SOL003 VNF LCM: {2}http:\/\/127\.0\.0\.1:\d+\/vnflcm\/v2/);
  });

  it('formats the banner with the token endpoint and a curl that uses it', () => {
    const info: LabInfo = {
      sol003: {
        baseUrl: 'http://127.0.0.1:1/vnflcm/v2',
        tokenUrl: 'http://127.0.0.1:1/oauth2/token',
        clientId: 'vnflab',
        clientSecret: 's',
      },
      keystone: { authUrl: 'http://127.0.0.1:2/identity/v3', username: 'u', password: 'p', projectName: 'p' },
      nova: { baseUrl: 'http://127.0.0.1:3' },
      vnfdId: 'vnfd',
      hosts: [{ name: 'compute-1', pid: 7 }],
    };
    const text = formatLabInfo(info);
    expect(text).toContain('OAuth 2.0 token:  http://127.0.0.1:1/oauth2/token   client vnflab / s');
    expect(text).toContain(
      `curl -s -u 'vnflab:s' -d grant_type=client_credentials http://127.0.0.1:1/oauth2/token`,
    );
  });

  it('parses --port', () => {
    expect(parsePort('8080')).toBe(8080);
    for (const bad of ['0', '65536', 'x', '80.5', '-1', ''])
      expect(() => parsePort(bad)).toThrow(ConfigError);
  });
});
