/**
 * The lab's OpenStack endpoint: a Nova-compatible compute API (the subset in
 * compute-routes.ts) over a {@link Vim}, with a minimal Keystone v3 in front
 * of it, on one loopback HTTP server (127.0.0.1, a port the OS picks).
 *
 * - `GET /`, `GET /v2.1/`: version documents (no token needed, as in Nova);
 * - `POST /identity/v3/auth/tokens`: password auth -> 201, `X-Subject-Token`,
 *   catalog with the compute endpoint `baseUrl`;
 * - `/v2.1/...`: needs `X-Auth-Token` (401 otherwise), negotiates the
 *   microversion (`OpenStack-API-Version: compute X.Y`) and echoes it.
 * Every response carries `x-openstack-request-id`, which is also the
 * request id of the instance action the request recorded.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { newRequestId } from '../instance-actions.js';
import type { Vim } from '../vim.js';
import { handleCompute } from './compute-routes.js';
import { faultBody, NovaFault, toFault } from './faults.js';
import { header, readJson, sendJson } from './http.js';
import { computeCatalog, KeystoneError, TokenIssuer, type LabCredentials } from './keystone.js';
import { negotiate, versionHeaders } from './microversion.js';
import { versionDetail, versionsList } from './versions-view.js';

export type { LabCredentials } from './keystone.js';

export interface NovaApiOptions {
  readonly vim: Vim;
  readonly credentials: LabCredentials;
  /** Token lifetime, ms (default one hour, Keystone's default). */
  readonly tokenTtlMs?: number;
  /**
   * A request not answered within this many ms gets a 503 fault (default
   * 15 s, below the drivers' 30 s): the client learns the VIM is stuck
   * instead of timing out; the VIM's work goes on behind it.
   */
  readonly requestTimeoutMs?: number;
}

const DEFAULT_REQUEST_TIMEOUT_MS = 15_000;

export interface NovaApi {
  /** Compute endpoint, e.g. http://127.0.0.1:40123/v2.1 */
  readonly baseUrl: string;
  /** Keystone v3 endpoint (OS_AUTH_URL), e.g. http://127.0.0.1:40123/identity/v3 */
  readonly authUrl: string;
  /** Lab control: revoke every issued token (clients then get 401 and must re-authenticate). */
  revokeTokens(): void;
  close(): Promise<void>;
}

/** Start the lab's Keystone + Nova on 127.0.0.1, port 0. */
export async function startNovaApi(opts: NovaApiOptions): Promise<NovaApi> {
  const tokens = new TokenIssuer(opts.credentials, opts.tokenTtlMs ?? 3_600_000);
  let rootUrl = '';
  const requestTimeoutMs = opts.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const server = createServer((req, res) => {
    // sendJson does nothing once this answered: the handler's late answer is dropped.
    const deadline = setTimeout(
      () =>
        sendJson(
          res,
          503,
          faultBody(503, `The compute API could not complete the request within ${requestTimeoutMs} ms.`),
          { 'Retry-After': '1' },
        ),
      requestTimeoutMs,
    );
    void route(req, res)
      .catch(() => {
        if (!res.headersSent) sendJson(res, 500, faultBody(500, 'Unexpected API Error.'));
        else if (!res.writableEnded) res.destroy();
      })
      .finally(() => clearTimeout(deadline));
  });

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = newRequestId();
    const ids = { 'x-openstack-request-id': requestId, 'X-Compute-Request-Id': requestId };
    const url = new URL(req.url ?? '/', rootUrl);
    const path = url.pathname.replace(/\/+$/, '');
    const method = req.method ?? 'GET';
    if (path.startsWith('/identity')) return identity(req, res, path, method);
    if (method === 'GET' && path === '') return sendJson(res, 200, versionsList(rootUrl), ids);
    if (method === 'GET' && path === '/v2.1') return sendJson(res, 200, versionDetail(rootUrl), ids);
    if (!path.startsWith('/v2.1/'))
      return sendJson(res, 404, faultBody(404, 'The resource could not be found.'), ids);

    let token;
    try {
      token = tokens.check(header(req, 'X-Auth-Token'));
    } catch (e) {
      const headers = { ...ids, 'WWW-Authenticate': `Keystone uri="${rootUrl}/identity"` };
      return sendJson(res, 401, (e as KeystoneError).body(), headers);
    }
    const version = negotiate({
      openStackApiVersion: header(req, 'OpenStack-API-Version'),
      novaApiVersion: header(req, 'X-OpenStack-Nova-API-Version'),
    });
    if (!version.ok)
      return sendJson(res, version.status ?? 400, faultBody(version.status ?? 400, version.reason), ids);
    const headers = { ...ids, ...versionHeaders(version.value) };
    try {
      const out = await handleCompute(opts.vim, {
        method,
        segments: path.slice('/v2.1/'.length).split('/'),
        query: url.searchParams,
        body: () => readJson(req),
        requestId,
        ctx: {
          version: version.value,
          baseUrl: `${rootUrl}/v2.1`,
          rootUrl,
          projectId: token.projectId,
          userId: token.userId,
        },
      });
      sendJson(res, out.status, out.body, headers);
    } catch (e) {
      const fault = toFault(e);
      sendJson(res, fault.status, faultBody(fault.status, fault.message), headers);
    }
  }

  async function identity(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    method: string,
  ): Promise<void> {
    if (method === 'GET' && (path === '/identity' || path === '/identity/v3'))
      return sendJson(res, 200, {
        version: {
          id: 'v3.14',
          status: 'stable',
          updated: '2020-04-07T00:00:00Z',
          links: [{ rel: 'self', href: `${rootUrl}/identity/v3/` }],
          'media-types': [{ base: 'application/json', type: 'application/vnd.openstack.identity-v3+json' }],
        },
      });
    if (method !== 'POST' || path !== '/identity/v3/auth/tokens')
      return sendJson(res, 404, {
        error: { code: 404, message: 'The resource could not be found.', title: 'Not Found' },
      });
    try {
      const issued = tokens.issue(await readJson(req));
      const body = { token: { ...issued.tokenBody, catalog: computeCatalog(`${rootUrl}/v2.1`) } };
      sendJson(res, 201, body, { 'X-Subject-Token': issued.token });
    } catch (e) {
      if (e instanceof KeystoneError) return sendJson(res, e.status, e.body());
      const status = e instanceof NovaFault ? e.status : 500;
      sendJson(res, status, { error: { code: status, message: toFault(e).message, title: 'Error' } });
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  rootUrl = `http://127.0.0.1:${port}`;
  return {
    baseUrl: `${rootUrl}/v2.1`,
    authUrl: `${rootUrl}/identity/v3`,
    revokeTokens: () => tokens.revokeAll(),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
