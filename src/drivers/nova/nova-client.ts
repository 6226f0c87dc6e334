/**
 * An authenticated Nova compute API client: Keystone token (cached, renewed
 * before expiry and once on a 401), compute endpoint from the catalog (or
 * given), microversion negotiated once from the version document and sent
 * on every request in both headers (`OpenStack-API-Version` for 2.27+,
 * `X-OpenStack-Nova-API-Version` for older servers).
 */
import type { z } from 'zod';
import { faultMessage, NovaError } from './errors.js';
import { authenticate, type KeystoneCredentials, type KeystoneSession } from './keystone-client.js';
import {
  atLeast,
  chooseMicroversion,
  DRIVER_MICROVERSION,
  formatMicroversion,
  type Microversion,
} from './microversion.js';
import { versionDocSchema } from './schemas.js';

export interface NovaClientConfig extends KeystoneCredentials {
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

  constructor(private readonly config: NovaClientConfig) {
    this.timeoutMs = config.requestTimeoutMs ?? 30_000;
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
      return await fetch(url, {
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
        `${method} ${url}: ${timedOut ? `no answer within ${this.timeoutMs} ms` : String(e)}`,
        { method, url },
        { cause: e },
      );
    }
  }

  private async token(renew: boolean): Promise<KeystoneSession> {
    if (renew || this.session === null || this.session.expiresAtMs - TOKEN_MARGIN_MS <= Date.now()) {
      const opts = {
        timeoutMs: this.timeoutMs,
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
    if (url === undefined)
      throw new NovaError(
        'NOVA_NO_COMPUTE_ENDPOINT',
        'no compute endpoint in the Keystone catalog and no computeUrl given',
      );
    const versionUrl = versionDocUrl(url);
    let doc;
    try {
      const res = await fetch(versionUrl, {
        headers: { Accept: 'application/json' },
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      doc = versionDocSchema.safeParse(await res.json());
    } catch (e) {
      throw new NovaError(
        'NOVA_HTTP_ERROR',
        `GET ${versionUrl}: ${String(e)}`,
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
