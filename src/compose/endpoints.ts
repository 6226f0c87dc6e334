/**
 * The external systems a run drives (a VNFM, Keystone, Nova), reached once
 * before anything starts: a URL whose host does not resolve, a port where
 * nothing listens or a certificate the configured CA does not vouch for is
 * bad input (ConfigError naming the field, exit 2), found in a second
 * instead of as a step 1 failure. Only a connection (and a TLS handshake
 * for https) is made: no request is sent.
 */
import { connect as tcpConnect, isIP, type Socket } from 'node:net';
import { readFileSync } from 'node:fs';
import { connect as tlsConnect } from 'node:tls';
import { ConfigError } from '../util/errors.js';
import { describeNetError } from '../util/fetch-error.js';
import type { DriverConfigs } from './driver-configs.js';

export interface EndpointToCheck {
  /** The config field holding the URL. */
  readonly field: string;
  readonly url: string;
  /** For https: how the driver verifies the server, and the field that sets the CA. */
  readonly tls: { readonly caFile?: string; readonly verify: boolean; readonly caField: string };
}

/** The URLs the drivers of this run will connect to. */
export function endpointsOf(drivers: DriverConfigs): EndpointToCheck[] {
  const out: EndpointToCheck[] = [];
  if (drivers.vnfm.driver === 'sol003') {
    const c = drivers.vnfm.config;
    const tls = {
      ...(c.tls?.caFile !== undefined ? { caFile: c.tls.caFile } : {}),
      verify: c.tls?.verify ?? true,
      caField: 'vnfm.tls.caFile',
    };
    out.push({ field: 'vnfm.baseUrl', url: c.baseUrl, tls });
    if (c.auth?.type === 'oauth2') out.push({ field: 'vnfm.oauth2.tokenUrl', url: c.auth.tokenUrl, tls });
    if (c.auth?.type === 'keystone')
      out.push({ field: 'vnfm.keystone.authUrl', url: c.auth.credentials.authUrl, tls });
  }
  if (drivers.migrator.driver === 'nova') {
    const c = drivers.migrator.config;
    const tls = {
      ...(c.caFile !== undefined ? { caFile: c.caFile } : {}),
      verify: c.insecure !== true,
      caField: 'migrator.caFile',
    };
    out.push({ field: 'migrator.authUrl', url: c.authUrl, tls });
    if (c.computeUrl !== undefined) out.push({ field: 'migrator.computeUrl', url: c.computeUrl, tls });
  }
  return out;
}

/** Connect to each endpoint (in parallel); the first that cannot be reached, in field order, is a ConfigError. */
export async function checkEndpoints(
  endpoints: readonly EndpointToCheck[],
  timeoutMs = 5_000,
): Promise<void> {
  const problems = await Promise.all(endpoints.map((e) => probe(e, timeoutMs)));
  const first = problems.find((p) => p !== null);
  if (first) throw new ConfigError(first);
}

/** Why `e` cannot be reached (one line naming the field and the fix), or null. */
export async function probe(e: EndpointToCheck, timeoutMs: number): Promise<string | null> {
  const url = new URL(e.url);
  const https = url.protocol === 'https:';
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = Number(url.port || (https ? 443 : 80));
  const where = `${e.field} ${e.url}`;
  let socket: Socket;
  try {
    const ca = https && e.tls.caFile !== undefined ? readFileSync(e.tls.caFile, 'utf8') : undefined;
    socket = https
      ? tlsConnect({
          host,
          port,
          ...(isIP(host) === 0 ? { servername: host } : {}),
          rejectUnauthorized: e.tls.verify,
          ...(ca !== undefined ? { ca } : {}),
        })
      : tcpConnect({ host, port });
  } catch (err) {
    return `${where}: cannot read ${e.tls.caField} (${describeNetError(err as Error)}): check the path`;
  }
  // 'connect' is the TCP connection; for https, 'secureConnect' the finished handshake.
  const outcome = await new Promise<{ ok: boolean; err: Error | null; connected: boolean }>((resolve) => {
    let connected = false;
    const timer = setTimeout(() => resolve({ ok: false, err: null, connected }), timeoutMs);
    const settle = (ok: boolean, err: Error | null): void => {
      clearTimeout(timer);
      resolve({ ok, err, connected });
    };
    socket.once('connect', () => (connected = true));
    socket.once(https ? 'secureConnect' : 'connect', () => settle(true, null));
    socket.once('error', (err) => settle(false, err));
  });
  socket.destroy();
  if (outcome.ok) return null;
  const reachable = 'check the URL, and that it is up and reachable from here';
  if (!outcome.connected)
    return outcome.err === null
      ? `${where}: no answer from ${host}:${port} within ${timeoutMs} ms: ${reachable}`
      : `${where}: cannot connect to ${host}:${port} (${describeNetError(outcome.err)}): ${reachable}`;
  const fix = e.tls.verify
    ? `set ${e.tls.caField} to the CA that signed its certificate, or check that it serves https`
    : 'check that it serves https';
  return outcome.err === null
    ? `${where}: no TLS handshake from ${host}:${port} within ${timeoutMs} ms: ${fix}`
    : `${where}: TLS handshake with ${host}:${port} failed (${describeNetError(outcome.err)}): ${fix}`;
}
