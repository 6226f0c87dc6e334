/**
 * Client credentials of the SOL003 driver. SOL013 §8.3 secures the NFV APIs
 * with OAuth 2.0 client credentials (RFC 6749 §4.4) and bearer tokens
 * (RFC 6750); Tacker also accepts HTTP Basic (RFC 7617) and static tokens.
 */

export type Sol003Auth =
  | { readonly type: 'basic'; readonly username: string; readonly password: string }
  | { readonly type: 'bearer'; readonly token: string }
  | {
      readonly type: 'oauth2';
      readonly tokenUrl: string;
      readonly clientId: string;
      readonly clientSecret: string;
      readonly scope?: string;
    };

/** Supplies the Authorization header; fetches and caches OAuth 2.0 tokens. */
export class AuthHeaderProvider {
  private token: { value: string; expiresAtMs: number } | null = null;

  constructor(
    private readonly auth: Sol003Auth | undefined,
    private readonly timeoutMs: number,
  ) {}

  /** True when a 401 may be cured by fetching a new token. */
  get refreshable(): boolean {
    return this.auth?.type === 'oauth2';
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
    if (!this.token || this.token.expiresAtMs <= Date.now()) this.token = await this.fetchToken(auth, signal);
    return `Bearer ${this.token.value}`;
  }

  private async fetchToken(
    auth: Extract<Sol003Auth, { type: 'oauth2' }>,
    signal: AbortSignal,
  ): Promise<{ value: string; expiresAtMs: number }> {
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    if (auth.scope !== undefined) form.set('scope', auth.scope);
    // RFC 6749 §2.3.1: client authentication with HTTP Basic.
    const res = await fetch(auth.tokenUrl, {
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
