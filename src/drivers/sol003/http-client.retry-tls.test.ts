import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { parseRetryAfterMs, retryDelayMs, Sol003HttpClient } from './http-client.js';
import { json, type StubServer, startStubServer } from '../../../test/fakes/sol003/stub-server.js';

const testdata = new URL('../../../test/fakes/openstack/', import.meta.url);
const pem = (name: string): string => readFileSync(new URL(name, testdata), 'utf8');

let stub: StubServer | null = null;
let https: Server | null = null;
const clients: Sol003HttpClient[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await stub?.close();
  stub = null;
  if (https) {
    const s = https;
    await new Promise<void>((resolve) => {
      s.close(() => resolve());
      s.closeAllConnections();
    });
    https = null;
  }
});

function client(opts: Partial<ConstructorParameters<typeof Sol003HttpClient>[0]> = {}): Sol003HttpClient {
  const c = new Sol003HttpClient({
    apiVersion: '2.0.0',
    requestTimeoutMs: 2000,
    retry: { attempts: 3, baseDelayMs: 5, maxDelayMs: 40 },
    ...opts,
  });
  clients.push(c);
  return c;
}

describe('retry policy', () => {
  it('draws a full-jitter delay below the exponential ceiling; Retry-After is a floor', () => {
    const policy = { attempts: 5, baseDelayMs: 100, maxDelayMs: 1000 };
    expect(retryDelayMs(policy, 1, () => 0, null)).toBe(0);
    expect(retryDelayMs(policy, 1, () => 0.999999, null)).toBe(100);
    expect(retryDelayMs(policy, 3, () => 0.5, null)).toBe(200);
    expect(retryDelayMs(policy, 10, () => 0.999999, null)).toBe(1000);
    expect(retryDelayMs(policy, 1, () => 0, 700)).toBe(700);
    expect(retryDelayMs(policy, 1, () => 0, 5000)).toBe(1000);
  });

  it('reads Retry-After as seconds or an HTTP-date', () => {
    expect(parseRetryAfterMs('3')).toBe(3000);
    expect(
      parseRetryAfterMs('Wed, 21 Oct 2015 07:28:05 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT')),
    ).toBe(5000);
    expect(parseRetryAfterMs('soon')).toBeNull();
    expect(parseRetryAfterMs(null)).toBeNull();
  });

  it('retries a GET answered 429, waiting at least Retry-After', async () => {
    let calls = 0;
    stub = await startStubServer((_req, res) => {
      calls++;
      if (calls === 1) json(res, 429, { status: 429, detail: 'slow down' }, { 'Retry-After': '0' });
      else json(res, 200, { ok: true });
    });
    const answer = await client().request('GET', `${stub.url}/x`);
    expect(answer.body).toEqual({ ok: true });
    expect(calls).toBe(2);
  });

  it('does not retry a POST answered 429 or 503', async () => {
    stub = await startStubServer((_req, res) => json(res, 429, { status: 429, detail: 'slow down' }));
    await expect(client().request('POST', `${stub.url}/x`, {})).rejects.toMatchObject({ status: 429 });
    expect(stub.requests).toHaveLength(1);
  });

  it('spreads retries with the jitter source', async () => {
    const draws: number[] = [];
    stub = await startStubServer((_req, res) => json(res, 503, { status: 503, detail: 'busy' }));
    const c = client({
      retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 4 },
      random: () => {
        draws.push(1);
        return 0.5;
      },
    });
    await expect(c.request('GET', `${stub.url}/x`)).rejects.toMatchObject({ status: 503 });
    expect(stub.requests).toHaveLength(3);
    expect(draws).toHaveLength(2);
  });
});

describe('TLS', () => {
  async function startHttps(): Promise<string> {
    const server = createServer({ key: pem('server.key'), cert: pem('server.crt') }, (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{"secure":true}');
    });
    https = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `https://127.0.0.1:${(server.address() as AddressInfo).port}/x`;
  }

  it('verifies the certificate by default, trusts a CA file, and skips verification only when told', async () => {
    const url = await startHttps();
    const untrusted = client({ retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 } }).request('GET', url);
    await expect(untrusted).rejects.toMatchObject({ code: 'SOL003_CONNECTION' });
    // The TLS reason, not a bare "fetch failed".
    await expect(untrusted).rejects.toThrow(
      /: fetch failed: (UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT) /,
    );
    const caFile = new URL('ca.crt', testdata).pathname;
    expect((await client({ tls: { caFile } }).request('GET', url)).body).toEqual({ secure: true });
    const otherCa = new URL('other-ca.crt', testdata).pathname;
    await expect(
      client({ tls: { caFile: otherCa }, retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 } }).request(
        'GET',
        url,
      ),
    ).rejects.toMatchObject({ code: 'SOL003_CONNECTION' });
    expect((await client({ tls: { verify: false } }).request('GET', url)).body).toEqual({ secure: true });
  });
});

describe('connection errors', () => {
  /** A port nothing listens on. */
  async function closedPort(): Promise<number> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    return port;
  }
  const once = { retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 } };

  it('name the errno and the address they tried', async () => {
    const port = await closedPort();
    await expect(client(once).request('GET', `http://127.0.0.1:${port}/vnflcm/v2/x`)).rejects.toThrow(
      `GET http://127.0.0.1:${port}/vnflcm/v2/x: fetch failed: connect ECONNREFUSED 127.0.0.1:${port}`,
    );
  });

  it('name the OAuth 2.0 token endpoint when that is what cannot be reached', async () => {
    const port = await closedPort();
    stub = await startStubServer((_req, res) => json(res, 200, {}));
    const tokenUrl = `http://127.0.0.1:${port}/token`;
    await expect(
      client({ ...once, auth: { type: 'oauth2', tokenUrl, clientId: 'c', clientSecret: 's' } }).request(
        'GET',
        `${stub.url}/x`,
      ),
    ).rejects.toThrow(
      `OAuth 2.0 token request to ${tokenUrl}: fetch failed: connect ECONNREFUSED 127.0.0.1:${port}`,
    );
    expect(stub.requests).toHaveLength(0);
  });
});
