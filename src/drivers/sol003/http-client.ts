/**
 * HTTP for the SOL003 driver over undici's fetch with its own Agent (so TLS
 * verification and a CA file apply to every request, the token request
 * included): the headers SOL013 requires (Version §4.6, Accept /
 * Content-Type §4.7), a timeout per request, ProblemDetails -> Sol003Error,
 * retries with exponential backoff and full jitter for safe methods only
 * (RFC 9110 §9.2.1: a POST may have been executed even if the answer was
 * lost) on 5xx, 429 (honouring Retry-After, RFC 6585 §4) and broken
 * connections, and paged lists (SOL013 §5.4: `Link: <...>; rel="next"`).
 */
import { readFileSync } from 'node:fs';
import { Agent, fetch as undiciFetch } from 'undici';
import { sleep } from '../../util/clock.js';
import { describeFetchError } from '../../util/fetch-error.js';
import { AuthHeaderProvider, type FetchLike, type Sol003Auth } from './auth.js';
import { Sol003Error } from './errors.js';

export interface RetryPolicy {
  /** Total attempts for a safe request (1 = no retry). */
  readonly attempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

/** TLS settings of the connection to the VNFM (and its token endpoint). */
export interface TlsOptions {
  /** PEM file of the CA(s) that signed the VNFM's certificate (replaces the system CAs). */
  readonly caFile?: string;
  /** Verify the server certificate. Default true; false only for a lab you trust. */
  readonly verify?: boolean;
}

export interface HttpClientOptions {
  readonly apiVersion: string;
  readonly requestTimeoutMs: number;
  readonly auth?: Sol003Auth;
  readonly retry: RetryPolicy;
  readonly tls?: TlsOptions;
  /** Uniform [0, 1) source for the jitter; Math.random by default (tests pin it). */
  readonly random?: () => number;
}

/** Methods that are safe (RFC 9110 §9.2.1) and so may be sent again. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Delay before retry `attempt` (1-based): "full jitter", a uniform draw in
 * [0, min(max, base * 2^(attempt-1))], so clients that failed together do
 * not retry together; a Retry-After the server sent is a floor.
 */
export function retryDelayMs(
  policy: RetryPolicy,
  attempt: number,
  random: () => number,
  retryAfterMs: number | null,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  const jittered = Math.floor(random() * (ceiling + 1));
  return retryAfterMs === null ? jittered : Math.max(jittered, Math.min(policy.maxDelayMs, retryAfterMs));
}

/** Retry-After as ms: delta-seconds or an HTTP-date (RFC 9110 §10.2.3); null when absent or unreadable. */
export function parseRetryAfterMs(value: string | undefined | null, nowMs = Date.now()): number | null {
  if (!value) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? null : Math.max(0, at - nowMs);
}

export interface HttpAnswer {
  readonly status: number;
  readonly headers: Headers;
  /** Parsed JSON body; null when the body is empty. */
  readonly body: unknown;
}

export class Sol003HttpClient {
  private readonly closed = new AbortController();
  private readonly authHeader: AuthHeaderProvider;
  private readonly agent: Agent;
  /** fetch through this client's Agent. */
  readonly fetch: FetchLike;

  constructor(private readonly opts: HttpClientOptions) {
    const ca = opts.tls?.caFile !== undefined ? readFileSync(opts.tls.caFile, 'utf8') : undefined;
    this.agent = new Agent({
      connect: { rejectUnauthorized: opts.tls?.verify ?? true, ...(ca !== undefined ? { ca } : {}) },
    });
    const agent = this.agent;
    // undici's fetch with its own Agent: Node 20's global fetch bundles an older undici.
    this.fetch = (url, init) => undiciFetch(url, { ...init, dispatcher: agent });
    this.authHeader = new AuthHeaderProvider(opts.auth, opts.requestTimeoutMs, this.fetch, agent);
  }

  /** Send a request and return a 2xx answer; anything else throws a Sol003Error. */
  async request(
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    url: string,
    body?: unknown,
    extraHeaders: Readonly<Record<string, string>> = {},
  ): Promise<HttpAnswer> {
    const attempts = SAFE_METHODS.has(method) ? Math.max(1, this.opts.retry.attempts) : 1;
    let refreshedToken = false;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.once(method, url, body, extraHeaders);
      } catch (err) {
        if (!(err instanceof Sol003Error)) throw err;
        if (err.status === 401 && this.authHeader.refreshable && !refreshedToken) {
          // An expired or revoked token: fetch a new one and try once more.
          refreshedToken = true;
          this.authHeader.invalidate();
          attempt--;
          continue;
        }
        const transient =
          err.code === 'SOL003_CONNECTION' ||
          err.status === 429 ||
          (err.status !== null && err.status >= 500);
        if (!transient || attempt >= attempts) throw err;
        const retryAfterMs = parseRetryAfterMs(
          (err.cause as { retryAfter?: string } | undefined)?.retryAfter,
        );
        const delayMs = retryDelayMs(this.opts.retry, attempt, this.opts.random ?? Math.random, retryAfterMs);
        await sleep(delayMs, this.closed.signal).catch(() => undefined);
        if (this.closed.signal.aborted) throw err;
      }
    }
  }

  /** GET a list, following `Link: rel="next"` pages. */
  async list(url: string): Promise<unknown[]> {
    const items: unknown[] = [];
    let next: string | null = url;
    for (let page = 0; next !== null && page < 1000; page++) {
      const answer = await this.request('GET', next);
      if (!Array.isArray(answer.body)) {
        throw new Sol003Error({
          code: 'SOL003_PROTOCOL',
          detail: 'expected a JSON array',
          method: 'GET',
          url: next,
        });
      }
      items.push(...(answer.body as unknown[]));
      next = nextLink(answer.headers.get('link'), next);
    }
    return items;
  }

  /** Abort requests in flight; later requests fail with SOL003_CLOSED. */
  close(): void {
    this.closed.abort(
      new Sol003Error({ code: 'SOL003_CLOSED', detail: 'driver closed', method: '-', url: '-' }),
    );
    void this.agent.destroy().catch(() => undefined);
  }

  private async once(
    method: string,
    url: string,
    body: unknown,
    extraHeaders: Readonly<Record<string, string>>,
  ): Promise<HttpAnswer> {
    if (this.closed.signal.aborted) {
      throw new Sol003Error({ code: 'SOL003_CLOSED', detail: 'driver closed', method, url });
    }
    const timeout = AbortSignal.timeout(this.opts.requestTimeoutMs);
    const signal = AbortSignal.any([this.closed.signal, timeout]);
    const headers: Record<string, string> = { Version: this.opts.apiVersion, Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    Object.assign(headers, extraHeaders);
    let res: Response;
    try {
      Object.assign(headers, await this.authHeader.headers(signal));
      res = await this.fetch(url, {
        method,
        headers,
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal,
      });
    } catch (err) {
      throw this.transportError(err, method, url, timeout);
    }
    let text: string;
    try {
      text = await res.text();
    } catch (err) {
      throw this.transportError(err, method, url, timeout);
    }
    let parsed: unknown = null;
    if (text.trim().length > 0) {
      try {
        parsed = JSON.parse(text);
      } catch (err) {
        if (res.ok) {
          throw new Sol003Error(
            {
              code: 'SOL003_PROTOCOL',
              status: res.status,
              detail: `answer is not JSON: ${text.slice(0, 200)}`,
              method,
              url,
            },
            { cause: err },
          );
        }
      }
    }
    if (res.ok) return { status: res.status, headers: res.headers, body: parsed };
    const problem = (parsed ?? {}) as { detail?: unknown; title?: unknown };
    const detail =
      typeof problem.detail === 'string'
        ? problem.detail
        : text.trim().slice(0, 300) || res.statusText || 'no detail';
    throw new Sol003Error(
      {
        status: res.status,
        detail,
        title: typeof problem.title === 'string' ? problem.title : null,
        method,
        url,
      },
      { cause: { retryAfter: res.headers.get('retry-after') ?? undefined, body: parsed } },
    );
  }

  private transportError(err: unknown, method: string, url: string, timeout: AbortSignal): Sol003Error {
    if (err instanceof Sol003Error) return err;
    if (this.closed.signal.aborted) {
      return new Sol003Error({ code: 'SOL003_CLOSED', detail: 'driver closed', method, url }, { cause: err });
    }
    if (timeout.aborted) {
      return new Sol003Error(
        { code: 'SOL003_TIMEOUT', detail: `no answer within ${this.opts.requestTimeoutMs} ms`, method, url },
        { cause: err },
      );
    }
    // The reason (errno and address, resolver, TLS code) is in err.cause: never a bare "fetch failed".
    return new Sol003Error(
      { code: 'SOL003_CONNECTION', detail: describeFetchError(err), method, url },
      { cause: err },
    );
  }
}

/** The `rel="next"` target of an RFC 8288 Link header, resolved against the request URL. */
export function nextLink(header: string | null, base: string): string | null {
  if (!header) return null;
  // Each link is `<uri>` followed by its `; param=value` list, up to the next `<`
  // (a URI may itself contain commas, e.g. in a filter expression).
  for (const match of header.matchAll(/<([^>]*)>([^<]*)/g)) {
    if (match[1] !== undefined && /;\s*rel\s*=\s*"?next"?/i.test(match[2] ?? ''))
      return new URL(match[1], base).href;
  }
  return null;
}
