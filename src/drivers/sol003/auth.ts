/**
 * Client credentials of the SOL003 driver. SOL013 §8.3 secures the NFV APIs
 * with OAuth 2.0 client credentials (RFC 6749 §4.4) and bearer tokens
 * (RFC 6750); Tacker also accepts HTTP Basic (RFC 7617), static tokens and,
 * by default, Keystone tokens in `X-Auth-Token` (Identity API v3).
 */
import type { Dispatcher } from 'undici';
import { authenticate, type KeystoneCredentials } from '../nova/keystone-client.js';

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

/** The fetch the provider requests tokens with (the driver's, with its TLS settings). */
export type FetchLike = (
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string; signal?: AbortSignal },
) => Promise<Response>;

/** Supplies the Authorization header; fetches and caches OAuth 2.0 tokens. */
export class AuthHeaderProvider {
  private token: { value: string; expiresAtMs: number } | null = null;
  /** A token request in flight, shared by concurrent callers. */
  private pending: Promise<{ value: string; expiresAtMs: number }> | null = null;

  constructor(
    private readonly auth: Sol003Auth | undefined,
    private readonly timeoutMs: number,
    private readonly fetchFn: FetchLike = (url, init) => fetch(url, init),
    /** For Keystone: the same TLS settings as the VNFM's. */
    private readonly dispatcher?: Dispatcher,
  ) {}

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
  }

  async header(signal: AbortSignal): Promise<string | null> {
    const auth = this.auth;
    if (!auth) return null;
    if (auth.type === 'basic') return basic(auth.username, auth.password);
    if (auth.type === 'bearer') return `Bearer ${auth.token}`;
    if (auth.type === 'keystone') return null;
    if (!this.token || this.token.expiresAtMs <= Date.now()) {
      this.pending ??= this.fetchToken(auth, signal).finally(() => {
        this.pending = null;
      });
      this.token = await this.pending;
    }
    return `Bearer ${this.token.value}`;
  }

  private async fetchToken(
    auth: Extract<Sol003Auth, { type: 'oauth2' }>,
    signal: AbortSignal,
  ): Promise<{ value: string; expiresAtMs: number }> {
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    if (auth.scope !== undefined) form.set('scope', auth.scope);
    // RFC 6749 §2.3.1: client authentication with HTTP Basic.
    const res = await this.fetchFn(auth.tokenUrl, {
      method: 'POST',
      headers: {
        Authorization: basic(auth.clientId, auth.clientSecret),
        'Content-Type': 'application/x-www-form-urlencoded',
        Accept: 'application/json',
      },
      body: form.toString(),
      signal: AbortSignal.any([signal, AbortSignal.timeout(this.timeoutMs)]),
    });
    const body = (await res.json().catch(() => ({}))) as {
      access_token?: unknown;
      expires_in?: unknown;
      error?: unknown;
    };
    if (!res.ok || typeof body.access_token !== 'string') {
      throw new Error(
        `OAuth 2.0 token request to ${auth.tokenUrl} failed: ${res.status} ${typeof body.error === 'string' ? body.error : ''}`,
      );
    }
    const ttlS = typeof body.expires_in === 'number' ? body.expires_in : 300;
    // Renew a little early so a token does not expire in flight.
    return { value: body.access_token, expiresAtMs: Date.now() + Math.max(1, ttlS * 0.9) * 1000 };
  }
}

function basic(user: string, secret: string): string {
  return `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`;
}
