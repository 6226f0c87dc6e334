import { afterEach, describe, expect, it } from 'vitest';
import { Sol003Error } from './errors.js';
import { nextLink, Sol003HttpClient } from './http-client.js';
import {
  json,
  type StubHandler,
  type StubServer,
  startStubServer,
} from '../../../test/fakes/sol003/stub-server.js';

let stub: StubServer | null = null;
let client: Sol003HttpClient | null = null;

async function setup(
  handler: StubHandler,
  opts: Partial<ConstructorParameters<typeof Sol003HttpClient>[0]> = {},
): Promise<{ stub: StubServer; client: Sol003HttpClient }> {
  stub = await startStubServer(handler);
  client = new Sol003HttpClient({
    apiVersion: '2.0.0',
    requestTimeoutMs: 2000,
    retry: { attempts: 3, baseDelayMs: 5, maxDelayMs: 20 },
    ...opts,
  });
  return { stub, client };
}

afterEach(async () => {
  client?.close();
  client = null;
  await stub?.close();
  stub = null;
});

const problem = { status: 503, detail: 'VNFM busy', title: 'Service Unavailable' };

describe('Sol003HttpClient', () => {
  it('sends Version, Accept and (with a body) Content-Type', async () => {
    const { stub, client } = await setup((_req, res) => json(res, 200, { ok: true }));
    await client.request('POST', `${stub.url}/x`, { a: 1 });
    await client.request('GET', `${stub.url}/y`);
    const [post, get] = stub.requests;
    expect(post?.headers).toMatchObject({
      version: '2.0.0',
      accept: 'application/json',
      'content-type': 'application/json',
    });
    expect(post?.body).toBe('{"a":1}');
    expect(get?.headers['content-type']).toBeUndefined();
    expect(get?.headers.authorization).toBeUndefined();
  });

  it('retries a GET on 5xx with backoff, and gives up after the attempts allowed', async () => {
    let hits = 0;
    const { stub, client } = await setup((_req, res) =>
      ++hits < 3 ? json(res, 503, problem) : json(res, 200, []),
    );
    expect((await client.request('GET', `${stub.url}/list`)).body).toEqual([]);
    expect(hits).toBe(3);
    hits = -10;
    const err = await client.request('GET', `${stub.url}/list`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Sol003Error);
    expect(err).toMatchObject({
      status: 503,
      detail: 'VNFM busy',
      title: 'Service Unavailable',
      code: 'SOL003_HTTP_ERROR',
    });
    expect(hits).toBe(-7);
  });

  it('does not retry a POST (it may have been executed)', async () => {
    const { stub, client } = await setup((_req, res) => json(res, 503, problem));
    await expect(client.request('POST', `${stub.url}/task`, {})).rejects.toMatchObject({ status: 503 });
    expect(stub.requests).toHaveLength(1);
  });

  it('retries a GET whose connection was reset', async () => {
    let hits = 0;
    const { stub, client } = await setup((_req, res, raw) => {
      if (++hits === 1) raw.socket.destroy();
      else json(res, 200, { ok: true });
    });
    expect((await client.request('GET', `${stub.url}/x`)).body).toEqual({ ok: true });
    expect(stub.requests).toHaveLength(2);
  });

  it('maps ProblemDetails to Sol003Error with a code by status', async () => {
    const { stub, client } = await setup((req, res) => {
      const status = Number(req.path.slice(1));
      json(res, status, { status, detail: `detail ${status}` });
    });
    for (const [status, code] of [
      [400, 'SOL003_BAD_REQUEST'],
      [401, 'SOL003_UNAUTHORIZED'],
      [404, 'SOL003_NOT_FOUND'],
      [409, 'SOL003_CONFLICT'],
      [422, 'SOL003_UNPROCESSABLE'],
    ] as const) {
      const err = await client.request('DELETE', `${stub.url}/${status}`).catch((e: unknown) => e);
      expect(err).toMatchObject({ status, code, detail: `detail ${status}` });
      expect((err as Error).message).toContain(`-> ${status}: detail ${status}`);
    }
  });

  it('times out a request that gets no answer', async () => {
    const { stub, client } = await setup(() => undefined, { requestTimeoutMs: 100 });
    const started = Date.now();
    await expect(client.request('POST', `${stub.url}/slow`, {})).rejects.toMatchObject({
      code: 'SOL003_TIMEOUT',
    });
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('fails a request in flight when closed', async () => {
    const { stub, client } = await setup(() => undefined);
    const pending = client.request('GET', `${stub.url}/slow`);
    client.close();
    await expect(pending).rejects.toMatchObject({ code: 'SOL003_CLOSED' });
    await expect(client.request('GET', `${stub.url}/x`)).rejects.toMatchObject({ code: 'SOL003_CLOSED' });
  });

  it('follows Link rel="next" pages of a list', async () => {
    const { stub, client } = await setup((req, res) => {
      if (req.path.includes('nextpage_opaque_marker=2')) json(res, 200, [{ n: 2 }]);
      else
        json(res, 200, [{ n: 1 }], {
          Link: `<${stub?.url}/occs?filter=(eq,a,b)&nextpage_opaque_marker=2>; rel="next"`,
        });
    });
    expect(await client.list(`${stub.url}/occs?filter=(eq,a,b)`)).toEqual([{ n: 1 }, { n: 2 }]);
  });

  it('sends basic and bearer credentials', async () => {
    const { stub } = await setup((_req, res) => json(res, 200, {}));
    const basic = new Sol003HttpClient({
      apiVersion: '2.0.0',
      requestTimeoutMs: 1000,
      retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 },
      auth: { type: 'basic', username: 'u', password: 'p' },
    });
    const bearer = new Sol003HttpClient({
      apiVersion: '2.0.0',
      requestTimeoutMs: 1000,
      retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 },
      auth: { type: 'bearer', token: 't0k' },
    });
    await basic.request('GET', stub.url);
    await bearer.request('GET', stub.url);
    basic.close();
    bearer.close();
    expect(stub.requests.map((r) => r.headers.authorization)).toEqual([
      `Basic ${Buffer.from('u:p').toString('base64')}`,
      'Bearer t0k',
    ]);
  });

  it('fetches an OAuth 2.0 token once, and a new one after a 401', async () => {
    let issued = 0;
    let valid = '';
    const { stub } = await setup((req, res) => {
      if (req.path === '/token') {
        valid = `tok-${++issued}`;
        json(res, 200, { access_token: valid, token_type: 'Bearer', expires_in: 3600 });
      } else if (req.headers.authorization === `Bearer ${valid}`) json(res, 200, {});
      else json(res, 401, { status: 401, detail: 'expired' });
    });
    const oauth = new Sol003HttpClient({
      apiVersion: '2.0.0',
      requestTimeoutMs: 1000,
      retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 },
      auth: { type: 'oauth2', tokenUrl: `${stub.url}/token`, clientId: 'c', clientSecret: 's' },
    });
    await oauth.request('GET', `${stub.url}/a`);
    await oauth.request('GET', `${stub.url}/b`);
    expect(issued).toBe(1);
    valid = 'revoked';
    await oauth.request('POST', `${stub.url}/c`, {});
    expect(issued).toBe(2);
    oauth.close();
    expect(stub.requests[0]?.headers.authorization).toBe(`Basic ${Buffer.from('c:s').toString('base64')}`);
    expect(stub.requests[0]?.body).toBe('grant_type=client_credentials');
  });
});

describe('nextLink', () => {
  it('finds rel="next" among several links, with commas inside a URI', () => {
    const header =
      '<http://h/a?filter=(eq,x,y)&m=1>; rel="prev", <http://h/a?filter=(eq,x,y)&m=3>; rel="next"';
    expect(nextLink(header, 'http://h/')).toBe('http://h/a?filter=(eq,x,y)&m=3');
    expect(nextLink('</rel>; rel=next', 'http://h/a')).toBe('http://h/rel');
    expect(nextLink(null, 'http://h/')).toBeNull();
  });
});
