/**
 * Client authentication of the NFV APIs, SOL013 §8.3: HTTP Basic (RFC 7617)
 * and OAuth 2.0 client credentials (RFC 6749 §4.4) with bearer tokens
 * (RFC 6750). Shared by the SOL003 driver (towards a VNFM) and the lab VNFM
 * (towards a subscriber's callback, §8.3.4 SubscriptionAuthentication).
 */
import { VnflabError } from '../../util/errors.js';
import { describeFetchError } from '../../util/fetch-error.js';

export interface OAuth2ClientCredentials {
  readonly tokenUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly scope?: string;
}

/** The fetch tokens are requested with (a driver passes its own, with its TLS settings). */
export type FetchLike = (
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string; signal?: AbortSignal },
) => Promise<Response>;

export class OAuth2TokenError extends VnflabError {
  readonly code = 'VNFLAB_OAUTH2_TOKEN';
  constructor(
    readonly tokenUrl: string,
    readonly status: number,
    detail: string,
  ) {
    super(`OAuth 2.0 token request to ${tokenUrl} failed: ${status} ${detail}`);
    this.name = 'OAuth2TokenError';
  }
}

/**
 * The token endpoint could not be reached (refused, unresolved, TLS): named
 * as such, since the request that needed the token is to another URL.
 */
export class OAuth2TokenUnreachable extends VnflabError {
  readonly code = 'VNFLAB_OAUTH2_TOKEN_UNREACHABLE';
  constructor(
    readonly tokenUrl: string,
    cause: Error,
  ) {
    super(`OAuth 2.0 token request to ${tokenUrl}: ${describeFetchError(cause)}`, { cause });
    this.name = 'OAuth2TokenUnreachable';
  }
}

export function basicAuthHeader(user: string, secret: string): string {
  return `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`;
}

/** Fetches and caches client-credentials tokens; concurrent callers share one request. */
export class OAuth2TokenSource {
  /** A 401 may be cured by fetching a new token. */
  readonly refreshable = true;
  private token: { value: string; expiresAtMs: number } | null = null;
  private pending: Promise<{ value: string; expiresAtMs: number }> | null = null;

  constructor(
    private readonly credentials: OAuth2ClientCredentials,
    private readonly timeoutMs: number,
    private readonly fetchFn: FetchLike = (url, init) => fetch(url, init),
  ) {}

  /** `Bearer <token>`, fetching a token when none is cached or it expired. */
  async header(signal: AbortSignal): Promise<string> {
    if (!this.token || this.token.expiresAtMs <= Date.now()) {
      this.pending ??= this.fetchToken(signal).finally(() => {
        this.pending = null;
      });
      this.token = await this.pending;
    }
    return `Bearer ${this.token.value}`;
  }

  /** Forget the cached token (after a 401). */
  invalidate(): void {
    this.token = null;
  }

  private async fetchToken(signal: AbortSignal): Promise<{ value: string; expiresAtMs: number }> {
    const c = this.credentials;
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    if (c.scope !== undefined) form.set('scope', c.scope);
    // RFC 6749 §2.3.1: client authentication with HTTP Basic.
    let res: Response;
    try {
      res = await this.fetchFn(c.tokenUrl, {
        method: 'POST',
        headers: {
          Authorization: basicAuthHeader(c.clientId, c.clientSecret),
          'Content-Type': 'application/x-www-form-urlencoded',
          Accept: 'application/json',
        },
        body: form.toString(),
        signal: AbortSignal.any([signal, AbortSignal.timeout(this.timeoutMs)]),
      });
    } catch (err) {
      // Name the token endpoint: the request that needed the token is to another URL.
      if (err instanceof Error && err.name !== 'AbortError' && err.name !== 'TimeoutError')
        throw new OAuth2TokenUnreachable(c.tokenUrl, err);
      throw err;
    }
    const body = (await res.json().catch(() => ({}))) as {
      access_token?: unknown;
      expires_in?: unknown;
      error?: unknown;
    };
    if (!res.ok || typeof body.access_token !== 'string') {
      throw new OAuth2TokenError(c.tokenUrl, res.status, typeof body.error === 'string' ? body.error : '');
    }
    const ttlS = typeof body.expires_in === 'number' ? body.expires_in : 300;
    // Renew a little early so a token does not expire in flight.
    return { value: body.access_token, expiresAtMs: Date.now() + Math.max(1, ttlS * 0.9) * 1000 };
  }
}
