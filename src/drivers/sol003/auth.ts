/**
 * Client credentials of the SOL003 driver. SOL013 §8.3 secures the NFV APIs
 * with OAuth 2.0 client credentials (RFC 6749 §4.4) and bearer tokens
 * (RFC 6750); Tacker also accepts HTTP Basic (RFC 7617), static tokens and,
 * by default, Keystone tokens in `X-Auth-Token` (Identity API v3).
 */
import type { Dispatcher } from 'undici';
import { basicAuthHeader, OAuth2TokenSource, type FetchLike } from '../../protocols/sol013/client-auth.js';
import { authenticate, type KeystoneCredentials } from '../nova/keystone-client.js';

export type { FetchLike };

export type Sol003Auth =
  | { readonly type: 'basic'; readonly username: string; readonly password: string }
  | { readonly type: 'bearer'; readonly token: string }
  | {
      readonly type: 'oauth2';
      readonly tokenUrl: string;
      readonly clientId: string;
      readonly clientSecret: string;
      readonly scope?: string;
    }
  | {
      /** A Keystone v3 token sent as X-Auth-Token (Tacker's default `auth_strategy = keystone`). */
      readonly type: 'keystone';
      readonly credentials: KeystoneCredentials;
    };

/** Supplies the Authorization header; fetches and caches OAuth 2.0 tokens. */
export class AuthHeaderProvider {
  /** Keystone: the cached token, and a request in flight shared by concurrent callers. */
  private token: { value: string; expiresAtMs: number } | null = null;
  private pending: Promise<{ value: string; expiresAtMs: number }> | null = null;
  private readonly oauth2: OAuth2TokenSource | null;

  constructor(
    private readonly auth: Sol003Auth | undefined,
    private readonly timeoutMs: number,
    private readonly fetchFn: FetchLike = (url, init) => fetch(url, init),
    /** For Keystone: the same TLS settings as the VNFM's. */
    private readonly dispatcher?: Dispatcher,
  ) {
    this.oauth2 = auth?.type === 'oauth2' ? new OAuth2TokenSource(auth, timeoutMs, fetchFn) : null;
  }

  /** True when a 401 may be cured by fetching a new token. */
  get refreshable(): boolean {
    return this.auth?.type === 'oauth2' || this.auth?.type === 'keystone';
  }

  /** The authentication header(s) of the next request; {} without credentials. */
  async headers(signal: AbortSignal): Promise<Record<string, string>> {
    if (this.auth?.type === 'keystone') {
      const auth = this.auth;
      if (!this.token || this.token.expiresAtMs <= Date.now()) {
        this.pending ??= authenticate(auth.credentials, {
          timeoutMs: this.timeoutMs,
          ...(this.dispatcher ? { dispatcher: this.dispatcher } : {}),
        })
          // Renew a minute early so a token does not expire in flight.
          .then((s) => ({ value: s.token, expiresAtMs: s.expiresAtMs - 60_000 }))
          .finally(() => {
            this.pending = null;
          });
        this.token = await this.pending;
      }
      return { 'X-Auth-Token': this.token.value };
    }
    const value = await this.header(signal);
    return value === null ? {} : { Authorization: value };
  }

  /** Forget the cached token (after a 401). */
  invalidate(): void {
    this.token = null;
    this.oauth2?.invalidate();
  }

  async header(signal: AbortSignal): Promise<string | null> {
    const auth = this.auth;
    if (!auth) return null;
    if (auth.type === 'basic') return basicAuthHeader(auth.username, auth.password);
    if (auth.type === 'bearer') return `Bearer ${auth.token}`;
    if (this.oauth2 === null) return null;
    return this.oauth2.header(signal);
  }
}
