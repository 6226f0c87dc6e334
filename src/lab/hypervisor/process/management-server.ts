/**
 * The VNF's own management interface (spec trigger type `vnf`: "the VNF asks
 * the VNFM through its own management interface"): a small HTTP server on
 * 127.0.0.1 inside the VNF.
 *
 *   GET  /                 {vmId, state}
 *   POST /migrate-request  {vResourceType} -> the VNF POSTs
 *                          {initiator: 'VNF', vResourceType} to the VNFM URL
 *                          from its boot config (vnfmMigrateUrl) and answers
 *                          with the VNFM's status and body.
 *
 * Its address changes when the VNF moves host; the lab fabric gives every VM
 * a stable management address that follows the VNF's announcements (see
 * fabric/management-proxy.ts), as the data ingress does.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { V_RESOURCE_TYPES, type VResourceType } from '../../../ports/vnfm.js';
import type { Endpoint } from '../../../util/outcome.js';

const MAX_BODY_BYTES = 64 * 1024;
const VNFM_TIMEOUT_MS = 10_000;

export interface ManagementTarget {
  readonly vmId: string;
  /** 'running', 'paused' or 'off'. */
  runState(): string;
  /** The VNFM's migrate URL from the boot config, if any. */
  readonly vnfmMigrateUrl: string | undefined;
}

export class ManagementServer {
  private constructor(
    private readonly server: http.Server,
    readonly endpoint: Endpoint,
  ) {}

  static async listen(target: ManagementTarget): Promise<ManagementServer> {
    const server = http.createServer((req, res) => {
      handle(target, req, res).catch((err: unknown) => {
        if (!res.headersSent) reply(res, 500, { detail: err instanceof Error ? err.message : String(err) });
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const a = server.address() as AddressInfo;
    return new ManagementServer(server, { host: a.address, port: a.port });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}

async function handle(
  target: ManagementTarget,
  req: http.IncomingMessage,
  res: http.ServerResponse,
): Promise<void> {
  const path = (req.url ?? '/').split('?')[0];
  if (req.method === 'GET' && path === '/') {
    reply(res, 200, { vmId: target.vmId, state: target.runState() });
    return;
  }
  if (path !== '/migrate-request') {
    reply(res, 404, { detail: `no route ${req.method ?? ''} ${path ?? ''}` });
    return;
  }
  if (req.method !== 'POST') {
    reply(res, 405, { detail: 'use POST' });
    return;
  }
  const body = await readJson(req);
  const type = (body as { vResourceType?: unknown } | null)?.vResourceType;
  if (typeof type !== 'string' || !(V_RESOURCE_TYPES as readonly string[]).includes(type)) {
    reply(res, 400, { detail: `vResourceType must be one of ${V_RESOURCE_TYPES.join(', ')}` });
    return;
  }
  if (target.runState() !== 'running') {
    reply(res, 409, { detail: `the VNF is ${target.runState()}, not running` });
    return;
  }
  const url = target.vnfmMigrateUrl;
  if (url === undefined) {
    reply(res, 409, { detail: 'the VNF was booted without vnfmMigrateUrl: it does not know its VNFM' });
    return;
  }
  const request: { initiator: 'VNF'; vResourceType: VResourceType } = {
    initiator: 'VNF',
    vResourceType: type as VResourceType,
  };
  let upstream: Response;
  try {
    upstream = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(request),
      signal: AbortSignal.timeout(VNFM_TIMEOUT_MS),
    });
  } catch (err) {
    reply(res, 502, {
      detail: `the VNFM at ${url} did not answer: ${err instanceof Error ? err.message : String(err)}`,
    });
    return;
  }
  const text = await upstream.text();
  let parsed: unknown = text;
  try {
    parsed = text === '' ? null : JSON.parse(text);
  } catch {
    // keep the text
  }
  reply(res, upstream.status, { vnfm: { url, status: upstream.status, body: parsed }, request });
}

function readJson(req: http.IncomingMessage): Promise<unknown> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY_BYTES) chunks.push(c);
    });
    req.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch {
        resolve(null);
      }
    });
    req.on('error', () => resolve(null));
  });
}

function reply(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
