/**
 * Optional client authentication of the lab VNFM, off by default. SOL013
 * §8 secures the NFV APIs with OAuth 2.0 (client credentials grant, RFC 6749
 * §4.4, bearer tokens per RFC 6750); Tacker also accepts HTTP Basic. The
 * token endpoint is the lab's own (`{apiRoot}/oauth2/token`): SOL013 leaves
 * its location to configuration.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { monoMs } from '../../util/clock.js';
import { readBody, sendJson } from './http-io.js';
import { ProblemError } from './problem.js';

export interface LabVnfmAuth {
  /** Accept `Authorization: Basic` with these credentials (RFC 7617). */
  readonly basic?: { readonly username: string; readonly password: string };
  /** Issue bearer tokens to this client at the token endpoint and accept them. */
  readonly oauth2?: {
    readonly clientId: string;
    readonly clientSecret: string;
    readonly tokenTtlS?: number;
    /** Live tokens at most (default {@link DEFAULT_MAX_TOKENS}): a new one beyond replaces the oldest. */
    readonly maxTokens?: number;
  };
}

export const DEFAULT_MAX_TOKENS = 1000;

/** Path of the token endpoint below apiRoot. */
export const TOKEN_PATH = '/oauth2/token';

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function decodeBasic(header: string): { user: string; secret: string } | null {
  const match = /^Basic\s+(\S+)$/i.exec(header);
  if (!match?.[1]) return null;
  const text = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = text.indexOf(':');
  return colon < 0 ? null : { user: text.slice(0, colon), secret: text.slice(colon + 1) };
}

export class LabAuthenticator {
  /** Live tokens and when each expires (monotonic ms), oldest first. */
  private readonly tokens = new Map<string, number>();

  constructor(private readonly auth: LabVnfmAuth) {}

  /** Throws a 401 ProblemError (with WWW-Authenticate, RFC 7235 §4.1) unless the request is authenticated. */
  check(req: IncomingMessage): void {
    const header = req.headers.authorization ?? '';
    const { basic, oauth2 } = this.auth;
    if (basic) {
      const given = decodeBasic(header);
      if (given && sameSecret(given.user, basic.username) && sameSecret(given.secret, basic.password)) return;
    }
    if (oauth2) {
      const match = /^Bearer\s+(\S+)$/i.exec(header);
      const token = match?.[1];
      const expiresAtMs = token ? this.tokens.get(token) : undefined;
      if (expiresAtMs !== undefined && expiresAtMs > monoMs()) return;
      if (token && expiresAtMs !== undefined) this.tokens.delete(token); // expired: gone for good
    }
    const challenges = [
      ...(oauth2 ? ['Bearer realm="vnflab"'] : []),
      ...(basic ? ['Basic realm="vnflab"'] : []),
    ];
    throw new ProblemError(401, header ? 'invalid or expired credentials' : 'authorization required', {
      'WWW-Authenticate': challenges.join(', '),
    });
  }

  /** POST {apiRoot}/oauth2/token: RFC 6749 §4.4.2 request, §5.1 / §5.2 answers. */
  async handleTokenRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const oauth2 = this.auth.oauth2;
    const noStore = { 'Cache-Control': 'no-store', Pragma: 'no-cache' };
    if (!oauth2 || req.method !== 'POST') {
      sendJson(
        res,
        400,
        { error: 'invalid_request', error_description: 'POST with OAuth 2.0 enabled only' },
        noStore,
      );
      return;
    }
    const form = new URLSearchParams(await readBody(req));
    // RFC 6749 §2.3.1: client credentials in HTTP Basic, or (less preferred) in the body.
    const basic = decodeBasic(req.headers.authorization ?? '');
    const clientId = basic?.user ?? form.get('client_id') ?? '';
    const clientSecret = basic?.secret ?? form.get('client_secret') ?? '';
    if (!sameSecret(clientId, oauth2.clientId) || !sameSecret(clientSecret, oauth2.clientSecret)) {
      sendJson(
        res,
        401,
        { error: 'invalid_client' },
        { ...noStore, 'WWW-Authenticate': 'Basic realm="vnflab"' },
      );
      return;
    }
    if (form.get('grant_type') !== 'client_credentials') {
      sendJson(res, 400, { error: 'unsupported_grant_type' }, noStore);
      return;
    }
    const ttlS = oauth2.tokenTtlS ?? 3600;
    const token = randomBytes(24).toString('base64url');
    this.purgeTokens(oauth2.maxTokens ?? DEFAULT_MAX_TOKENS);
    this.tokens.set(token, monoMs() + ttlS * 1000);
    sendJson(res, 200, { access_token: token, token_type: 'Bearer', expires_in: ttlS }, noStore);
  }

  /** How many tokens it holds. */
  get liveTokens(): number {
    return this.tokens.size;
  }

  /** Drop expired tokens, then the oldest until one more fits under `max`. */
  private purgeTokens(max: number): void {
    const now = monoMs();
    for (const [token, expiresAtMs] of this.tokens) if (expiresAtMs <= now) this.tokens.delete(token);
    // All tokens live equally long: the first in insertion order expires first.
    for (const token of this.tokens.keys()) {
      if (this.tokens.size < max) break;
      this.tokens.delete(token);
    }
  }
}
