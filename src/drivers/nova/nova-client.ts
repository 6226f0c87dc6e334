/**
 * An authenticated Nova compute API client: Keystone token (password or
 * application credential; cached, renewed before expiry and once on a 401),
 * compute endpoint from the catalog by interface and region (or given),
 * microversion negotiated once from the version document and sent on every
 * request in both headers (`OpenStack-API-Version` for 2.27+,
 * `X-OpenStack-Nova-API-Version` for older servers). One TLS setting (CA
 * file or no verification) serves Keystone and Nova alike.
 */
import type { Agent } from 'undici';
import type { z } from 'zod';
import { faultMessage, NovaError } from './errors.js';
import {
  authenticate,
  authMethodOf,
  describeFetchError,
  fetchVia,
  tlsDispatcher,
  type KeystoneCredentials,
  type KeystoneSession,
  type TlsOptions,
} from './keystone-client.js';
import {
  atLeast,
  chooseMicroversion,
  DRIVER_MICROVERSION,
  formatMicroversion,
  type Microversion,
} from '../../protocols/nova/microversion.js';
import { versionDocSchema } from './schemas.js';

export interface NovaClientConfig extends KeystoneCredentials, TlsOptions {
  /** Compute endpoint; else the catalog's. */
  readonly computeUrl?: string;
  /** Highest microversion to speak (default 2.80). */
  readonly microversion?: string;
  /** Per HTTP request, ms (default 30 s). */
  readonly requestTimeoutMs?: number;
  /** Catalog interface (default 'public'). */
  readonly endpointInterface?: 'public' | 'internal' | 'admin';
  readonly region?: string;
}

export interface NovaResponse<T> {
  readonly status: number;
  readonly body: T;
  readonly requestId: string | null;
}

/** Renew the token this long before Keystone says it expires. */
const TOKEN_MARGIN_MS = 30_000;

export class NovaClient {
  private session: KeystoneSession | null = null;
  private negotiated: { url: string; version: Microversion } | null = null;
  private readonly timeoutMs: number;
  /** Undefined: Node's default agent and CA roots. */
  private readonly dispatcher: Agent | undefined;

  /** Throws NOVA_AUTH_FAILED at once for incomplete credentials or an unreadable CA file. */
  constructor(private readonly config: NovaClientConfig) {
    this.timeoutMs = config.requestTimeoutMs ?? 30_000;
    authMethodOf(config);
    this.dispatcher = tlsDispatcher(config);
  }

  /** Release the TLS agent's connections (a no-op with the default agent). */
  async close(): Promise<void> {
    await this.dispatcher?.close();
  }

  /** The microversion in use (negotiated on first use). */
  async microversion(): Promise<Microversion> {
    return (await this.endpoint()).version;
  }

  /** Does the negotiated version reach `min`? */
  async supports(min: string): Promise<boolean> {
    return atLeast(await this.microversion(), min);
  }

  /**
   * One request; `expect` lists the statuses that are answers (others throw).
   * The body is parsed with `schema` when given and the status is 2xx.
   */
  async request<S extends z.ZodType>(
    method: string,
    path: string,
    opts: { body?: unknown; schema: S; expect?: readonly number[] },
  ): Promise<NovaResponse<z.infer<S>>>;
  async request(
    method: string,
    path: string,
    opts?: { body?: unknown; expect?: readonly number[] },
  ): Promise<NovaResponse<unknown>>;
  async request(
    method: string,
    path: string,
    opts: { body?: unknown; schema?: z.ZodType; expect?: readonly number[] } = {},
  ): Promise<NovaResponse<unknown>> {
    const { url, version } = await this.endpoint();
    const target = `${url}${path}`;
    let res = await this.send(method, target, version, opts.body, false);
    if (res.status === 401) res = await this.send(method, target, version, opts.body, true);
    const json: unknown = res.status === 204 ? undefined : await res.json().catch(() => undefined);
    const ok = opts.expect ?? [200, 201, 202, 204];
    if (!ok.includes(res.status))
      throw new NovaError(
        'NOVA_HTTP_ERROR',
        `${method} ${path}: HTTP ${res.status}${faultMessage(json) === undefined ? '' : `: ${faultMessage(json)}`}`,
        { status: res.status, method, url: target, body: json },
      );
    let body = json;
    if (opts.schema !== undefined && res.status >= 200 && res.status < 300) {
      const parsed = opts.schema.safeParse(json);
      if (!parsed.success)
        throw new NovaError(
          'NOVA_BAD_RESPONSE',
          `${method} ${path}: response not understood: ${parsed.error.message}`,
          {
            status: res.status,
            url: target,
            body: json,
          },
        );
      body = parsed.data;
    }
    return { status: res.status, body, requestId: res.headers.get('x-openstack-request-id') };
  }

  private async send(
    method: string,
    url: string,
    version: Microversion,
    body: unknown,
    renew: boolean,
  ): Promise<Response> {
    const token = (await this.token(renew)).token;
    const v = formatMicroversion(version);
    try {
      return await fetchVia(this.dispatcher, url, {
        method,
        headers: {
          'X-Auth-Token': token,
          'OpenStack-API-Version': `compute ${v}`,
          'X-OpenStack-Nova-API-Version': v,
          Accept: 'application/json',
          ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (e) {
      const timedOut = e instanceof Error && e.name === 'TimeoutError';
      throw new NovaError(
        timedOut ? 'NOVA_TIMEOUT' : 'NOVA_HTTP_ERROR',
        `${method} ${url}: ${timedOut ? `no answer within ${this.timeoutMs} ms` : describeFetchError(e)}`,
        { method, url },
        { cause: e },
      );
    }
  }

  private async token(renew: boolean): Promise<KeystoneSession> {
    if (renew || this.session === null || this.session.expiresAtMs - TOKEN_MARGIN_MS <= Date.now()) {
      const opts = {
        timeoutMs: this.timeoutMs,
        ...(this.dispatcher === undefined ? {} : { dispatcher: this.dispatcher }),
        ...(this.config.endpointInterface === undefined
          ? {}
          : { endpointInterface: this.config.endpointInterface }),
        ...(this.config.region === undefined ? {} : { region: this.config.region }),
      };
      this.session = await authenticate(this.config, opts);
    }
    return this.session;
  }

  private async endpoint(): Promise<{ url: string; version: Microversion }> {
    if (this.negotiated !== null) return this.negotiated;
    const session = await this.token(false);
    const url = (this.config.computeUrl ?? session.computeUrl)?.replace(/\/+$/, '');
    if (url === undefined) {
      const wanted = `interface ${this.config.endpointInterface ?? 'public'}${this.config.region === undefined ? '' : `, region ${this.config.region}`}`;
      const offered = session.computeEndpoints.map((e) => `${e.interface}@${e.region ?? '-'}`).join(', ');
      throw new NovaError(
        'NOVA_NO_COMPUTE_ENDPOINT',
        `no compute endpoint for ${wanted} in the Keystone catalog (it lists: ${offered || 'none'}) and no computeUrl given`,
      );
    }
    const versionUrl = versionDocUrl(url);
    let doc;
    try {
      const res = await fetchVia(this.dispatcher, versionUrl, {
        headers: { Accept: 'application/json' },
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      doc = versionDocSchema.safeParse(await res.json());
    } catch (e) {
      throw new NovaError(
        'NOVA_HTTP_ERROR',
        `GET ${versionUrl}: ${describeFetchError(e)}`,
        { url: versionUrl },
        { cause: e },
      );
    }
    if (!doc.success)
      throw new NovaError('NOVA_BAD_RESPONSE', `GET ${versionUrl}: not a compute version document`, {
        url: versionUrl,
      });
    const ours = this.config.microversion ?? DRIVER_MICROVERSION;
    const { version: max, min_version: min } = doc.data.version;
    const version = chooseMicroversion(ours, min, max);
    if (version === null)
      throw new NovaError(
        'NOVA_MICROVERSION_UNSUPPORTED',
        `compute API at ${url} serves microversions ${min || '2.1'}..${max || '2.1'}, the driver needs ${ours} or lower`,
      );
    this.negotiated = { url, version };
    return this.negotiated;
  }
}

/** The version document of a compute endpoint: '<...>/v2.1/' even when the endpoint has a project id after it. */
export function versionDocUrl(computeUrl: string): string {
  const m = /^(.*\/v2(?:\.1)?)(?:\/.*)?$/.exec(computeUrl);
  return `${m?.[1] ?? computeUrl}/`;
}
