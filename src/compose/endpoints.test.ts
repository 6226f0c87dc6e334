import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import {
  createServer as createTcpServer,
  type AddressInfo,
  type Server as TcpServer,
  type Socket,
} from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../config/load.js';
import { driverConfigs } from './driver-configs.js';
import { endpointsOf, probe } from './endpoints.js';

const fakes = new URL('../../test/fakes/openstack/', import.meta.url);
const pem = (name: string): string => readFileSync(new URL(name, fakes), 'utf8');
const CA = fileURLToPath(new URL('ca.crt', fakes));
const OTHER_CA = fileURLToPath(new URL('other-ca.crt', fakes));

const servers: (Server | TcpServer)[] = [];
/** Every server-side socket, TLS handshakes cut short included: closed at the end so close() returns. */
const sockets = new Set<Socket>();
async function listen(server: Server | TcpServer): Promise<number> {
  servers.push(server);
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as AddressInfo).port;
}
let http = 0;
let https = 0;
let silent = 0;
beforeAll(async () => {
  http = await listen(createHttpServer((_req, res) => res.end()));
  https = await listen(
    createHttpsServer({ key: pem('server.key'), cert: pem('server.crt') }, (_q, r) => r.end()),
  );
  // Accepts connections and never says a word: no TLS handshake.
  silent = await listen(createTcpServer(() => undefined));
});
afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
});

const tls = (caFile?: string, verify = true) => ({
  ...(caFile ? { caFile } : {}),
  verify,
  caField: 'vnfm.tls.caFile',
});

describe('endpoint checks before a run', () => {
  it('the URLs the drivers will reach, by field', () => {
    const config = parseConfig({
      vnfm: {
        driver: 'sol003',
        baseUrl: 'https://tacker:9890/vnflcm/v2',
        oauth2: { tokenUrl: 'https://keystone/token', clientId: 'c', clientSecret: 's' },
        tls: { caFile: 'ca.pem' },
      },
      migrator: {
        driver: 'nova',
        authUrl: 'https://keystone/v3',
        computeUrl: 'https://nova/v2.1',
        applicationCredentialId: 'a',
        applicationCredentialSecret: 's',
        insecure: true,
      },
    });
    expect(endpointsOf(driverConfigs(config, '/etc/vnflab', {}))).toEqual([
      { field: 'vnfm.baseUrl', url: 'https://tacker:9890/vnflcm/v2', tls: tls('/etc/vnflab/ca.pem') },
      { field: 'vnfm.oauth2.tokenUrl', url: 'https://keystone/token', tls: tls('/etc/vnflab/ca.pem') },
      {
        field: 'migrator.authUrl',
        url: 'https://keystone/v3',
        tls: { verify: false, caField: 'migrator.caFile' },
      },
      {
        field: 'migrator.computeUrl',
        url: 'https://nova/v2.1',
        tls: { verify: false, caField: 'migrator.caFile' },
      },
    ]);
    // The embedded lab's are its own business.
    expect(endpointsOf(driverConfigs(parseConfig({}), '/', {}))).toEqual([]);
  });

  it('reachable: http, https with the CA that signed it, https without verification', async () => {
    const at = (url: string, t = tls()) => probe({ field: 'vnfm.baseUrl', url, tls: t }, 2_000);
    expect(await at(`http://127.0.0.1:${http}/vnflcm/v2`)).toBeNull();
    expect(await at(`https://localhost:${https}/vnflcm/v2`, tls(CA))).toBeNull();
    expect(await at(`https://127.0.0.1:${https}/vnflcm/v2`, tls(undefined, false))).toBeNull();
  });

  it('a certificate the configured CA did not sign: the TLS reason and the field to fix', async () => {
    const url = `https://127.0.0.1:${https}/x`;
    expect(await probe({ field: 'vnfm.baseUrl', url, tls: tls(OTHER_CA) }, 2_000)).toMatch(
      new RegExp(
        `^vnfm\\.baseUrl ${url.replace(/[.]/g, '\\.')}: TLS handshake with 127\\.0\\.0\\.1:${https} failed \\([A-Z_]+ .+\\): set vnfm\\.tls\\.caFile to the CA that signed its certificate, or check that it serves https$`,
      ),
    );
  });

  it('no handshake in time, and an unreadable CA file, are said as such', async () => {
    expect(
      await probe({ field: 'vnfm.baseUrl', url: `https://127.0.0.1:${silent}/x`, tls: tls() }, 200),
    ).toBe(
      `vnfm.baseUrl https://127.0.0.1:${silent}/x: no TLS handshake from 127.0.0.1:${silent} within 200 ms: set vnfm.tls.caFile to the CA that signed its certificate, or check that it serves https`,
    );
    expect(
      await probe(
        { field: 'vnfm.baseUrl', url: `https://127.0.0.1:${https}/x`, tls: tls('/nonexistent/ca.pem') },
        200,
      ),
    ).toMatch(/^vnfm\.baseUrl https:\/\/127\.0\.0\.1:\d+\/x: cannot read vnfm\.tls\.caFile \(ENOENT/);
  });
});
