/**
 * Test fixture: a tiny Keystone v3 + Nova version document over HTTPS with
 * the checked-in test CA (`ca.crt` signed `server.crt` for 127.0.0.1), for
 * what the lab's Keystone does not do: application credentials, several
 * regions and interfaces in the catalog, TLS. Shapes follow the Identity v3
 * API reference (token body, `X-Subject-Token`, `{"error": {...}}`).
 * Load from tests only.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';

const here = (file: string): string => fileURLToPath(new URL(file, import.meta.url));
/** The CA that signed the fixture's certificate. */
export const TEST_CA_FILE = here('./ca.crt');
/** A CA that did not sign it. */
export const OTHER_CA_FILE = here('./other-ca.crt');
const KEY_FILE = here('./server.key');
const CERT_FILE = here('./server.crt');

export interface FakeOpenStackOptions {
  /** Accepted application credential. */
  readonly appCredential: { id: string; name: string; secret: string; userName: string };
  /** Accepted password user. */
  readonly user: { name: string; password: string; projectId: string };
  /** Regions whose compute endpoints the catalog lists (each with public/internal/admin). */
  readonly regions: readonly string[];
  /** Served compute microversion range. */
  readonly maxVersion?: string;
}

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  /** Lower-case names. */
  readonly headers: Map<string, string>;
  readonly body: unknown;
}

export interface FakeOpenStack {
  readonly authUrl: string;
  /** Compute URL of region/interface as the catalog lists it. */
  computeUrl(region: string, iface: string): string;
  readonly requests: RecordedRequest[];
  /** Forget issued tokens: the next compute call answers 401. */
  revokeTokens(): void;
  /** Answer every compute call with 401, even with a fresh token. */
  refuseAllTokens: boolean;
  close(): Promise<void>;
}

export async function startFakeOpenStack(opts: FakeOpenStackOptions): Promise<FakeOpenStack> {
  const tokens = new Set<string>();
  const requests: RecordedRequest[] = [];
  let base = '';
  const state = { refuseAllTokens: false };
  const computeUrl = (region: string, iface: string): string => `${base}/compute/${region}/${iface}/v2.1`;

  const send = (res: ServerResponse, status: number, body: unknown, headers = {}): void => {
    res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
  const unauthorized = (res: ServerResponse): void =>
    send(res, 401, {
      error: {
        code: 401,
        title: 'Unauthorized',
        message: 'The request you have made requires authentication.',
      },
    });

  const issue = (body: unknown): boolean => {
    const auth = (body as { auth?: { identity?: Record<string, unknown>; scope?: unknown } }).auth;
    const identity = auth?.identity;
    const methods = identity?.methods as string[] | undefined;
    if (methods?.[0] === 'application_credential') {
      // Keystone: "Application credentials cannot request a scope."
      if (auth?.scope !== undefined) return false;
      const ac = identity?.application_credential as Record<string, unknown> | undefined;
      const c = opts.appCredential;
      const user = ac?.user as { name?: string; domain?: { name?: string } } | undefined;
      return (
        ac?.secret === c.secret &&
        (ac.id === c.id || (ac.name === c.name && user?.name === c.userName && user.domain !== undefined))
      );
    }
    if (methods?.[0] === 'password') {
      const pw = identity?.password as { user?: { name?: string; password?: string } } | undefined;
      const scope = auth?.scope as { project?: { id?: string } } | undefined;
      return (
        pw?.user?.name === opts.user.name &&
        pw.user.password === opts.user.password &&
        scope?.project?.id === opts.user.projectId
      );
    }
    return false;
  };

  const server = createServer({ key: readFileSync(KEY_FILE), cert: readFileSync(CERT_FILE) }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const body: unknown = text === '' ? undefined : JSON.parse(text);
      const path = req.url ?? '/';
      const headers = new Map<string, string>();
      for (const [k, v] of Object.entries(req.headers))
        if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(', ') : v);
      requests.push({ method: req.method ?? '', path, headers, body });
      if (req.method === 'POST' && path === '/identity/v3/auth/tokens') {
        if (!issue(body)) return unauthorized(res);
        const token = `gAAAAA${randomBytes(16).toString('base64url')}`;
        tokens.add(token);
        const endpoints = opts.regions.flatMap((region) =>
          ['public', 'internal', 'admin'].map((iface) => ({
            id: randomBytes(16).toString('hex'),
            interface: iface,
            region,
            region_id: region,
            url: computeUrl(region, iface),
          })),
        );
        return send(
          res,
          201,
          {
            token: {
              methods: [(body as { auth: { identity: { methods: string[] } } }).auth.identity.methods[0]],
              expires_at: new Date(Date.now() + 3_600_000).toISOString(),
              catalog: [
                { type: 'identity', name: 'keystone', endpoints: [] },
                { type: 'compute', name: 'nova', endpoints },
              ],
            },
          },
          { 'X-Subject-Token': token },
        );
      }
      const m = /^\/compute\/[^/]+\/[^/]+\/v2\.1(\/.*)?$/.exec(path);
      if (m === null) return send(res, 404, { itemNotFound: { code: 404, message: 'no route' } });
      if (m[1] === '/' || m[1] === undefined)
        return send(res, 200, {
          version: {
            id: 'v2.1',
            status: 'CURRENT',
            version: opts.maxVersion ?? '2.96',
            min_version: '2.1',
            updated: '2013-07-23T11:33:21Z',
            links: [],
          },
        });
      const token = req.headers['x-auth-token'];
      if (state.refuseAllTokens || typeof token !== 'string' || !tokens.has(token)) return unauthorized(res);
      return send(
        res,
        200,
        { servers: [] },
        { 'x-openstack-request-id': `req-${randomBytes(4).toString('hex')}` },
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    authUrl: `${base}/identity/v3`,
    computeUrl,
    requests,
    revokeTokens: () => tokens.clear(),
    get refuseAllTokens() {
      return state.refuseAllTokens;
    },
    set refuseAllTokens(v: boolean) {
      state.refuseAllTokens = v;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
