/**
 * A pass-through HTTP proxy that records what a real OpenStack service
 * answers the nova driver: method, route (ids replaced by placeholders),
 * status, the headers that carry meaning, and both bodies. The openstack
 * stage puts one in front of Keystone and one in front of Nova; with
 * VNFLAB_OS_RECORD_DIR set it writes the first answer of each
 * (method, route, status) there - how test/fixtures/nova-real/ was made.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

export interface Recording {
  readonly method: string;
  /** The path with ids replaced: {server_id}, {migration_id}, {request_id}... */
  readonly route: string;
  readonly request: { readonly headers: Record<string, string>; readonly body: unknown };
  readonly response: {
    readonly status: number;
    readonly headers: Record<string, string>;
    readonly body: unknown;
  };
}

/** Headers kept: those the driver reads or that name the API version; never a token. */
const KEPT = [
  'content-type',
  'openstack-api-version',
  'x-openstack-nova-api-version',
  'x-openstack-request-id',
  'x-compute-request-id',
  'vary',
];

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

/** `/v2.1/servers/<uuid>/migrations/12` -> `/v2.1/servers/{server_id}/migrations/{migration_id}`. */
export function routeOf(url: string): string {
  const [path = '', query] = url.split('?');
  const route = path
    .replace(/\/servers\/(?!detail\b)[^/]+/, '/servers/{server_id}')
    .replace(/\/migrations\/\d+/, '/migrations/{migration_id}')
    .replace(/\/os-instance-actions\/req-[^/]+/, '/os-instance-actions/{request_id}')
    .replace(UUID, '{id}');
  if (query === undefined) return route;
  const keys = query
    .split('&')
    .map((kv) => kv.split('=')[0])
    .sort();
  return `${route}?${keys.map((k) => `${k}={${k}}`).join('&')}`;
}

function pick(headers: Headers | Record<string, string | string[] | undefined>): Record<string, string> {
  const get = (k: string): string | null =>
    headers instanceof Headers ? headers.get(k) : ((headers[k] as string | undefined) ?? null);
  return Object.fromEntries(KEPT.flatMap((k) => (get(k) === null ? [] : [[k, get(k)!]])));
}

const parse = (text: string): unknown => {
  if (text === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
};

export async function startRecordingProxy(target: string): Promise<{
  readonly url: string;
  readonly recordings: Recording[];
  /** Writes the first recording of each (method, route, status, empty list or not) as <dir>/<prefix>-NN.json. */
  save(dir: string, prefix: string): number;
  close(): Promise<void>;
}> {
  const recordings: Recording[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const headers = Object.fromEntries(
        Object.entries(req.headers).filter(
          ([k, v]) => !['host', 'content-length', 'connection'].includes(k) && typeof v === 'string',
        ),
      ) as Record<string, string>;
      const body = chunks.length > 0 ? Buffer.concat(chunks) : null;
      const method = req.method ?? 'GET';
      void fetch(`${target}${req.url ?? ''}`, { method, headers, ...(body ? { body } : {}) })
        .then(async (r) => {
          const text = await r.text();
          const requestBody = body === null ? null : parse(body.toString());
          recordings.push({
            method,
            route: routeOf(req.url ?? ''),
            request: { headers: pick(req.headers), body: redact(requestBody) },
            response: { status: r.status, headers: pick(r.headers), body: parse(text) },
          });
          const out: Record<string, string> = {};
          r.headers.forEach((v, k) => {
            if (!['content-length', 'connection', 'transfer-encoding', 'content-encoding'].includes(k))
              out[k] = v;
          });
          res.writeHead(r.status, out);
          res.end(text);
        })
        .catch(() => res.destroy());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    recordings,
    save(dir, prefix) {
      mkdirSync(dir, { recursive: true });
      const seen = new Set<string>();
      let n = 0;
      for (const r of recordings) {
        // An empty list and a filled one are two answers worth keeping (os-migrations before and after a move).
        const empty = Object.values(r.response.body ?? {}).some((v) => Array.isArray(v) && v.length === 0);
        const key = `${r.method} ${r.route} ${r.response.status}${empty ? ' empty' : ''}`;
        if (seen.has(key)) continue;
        seen.add(key);
        n += 1;
        writeFileSync(
          join(dir, `${prefix}-${String(n).padStart(2, '0')}.json`),
          `${JSON.stringify(r, null, 2)}\n`,
        );
      }
      return n;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Secrets out of a recorded request body (Keystone auth). */
function redact(body: unknown): unknown {
  return JSON.parse(
    JSON.stringify(body ?? null, (k, v: unknown) => (k === 'password' || k === 'secret' ? '<redacted>' : v)),
  ) as unknown;
}
