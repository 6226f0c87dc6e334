/**
 * How the lab VNFM talks to one subscriber's callback endpoint: the test
 * GET before a subscription is created (SOL003 §5.4.20.3.2, answered 204)
 * and the notification POSTs (§5.4.20.3.1, answered 204), authenticated as
 * the subscription's SubscriptionAuthentication asks (SOL013 §8.3.4: BASIC
 * or OAUTH2_CLIENT_CREDENTIALS; TLS_CERT needs nothing on plain HTTP).
 */
import { basicAuthHeader, type FetchLike, OAuth2TokenSource } from '../../protocols/sol013/client-auth.js';
import { SOL003_LCM_API_VERSION } from '../../protocols/sol003/sol003-types.js';
import type { LccnSubscriptionRequestBody } from './requests.js';

/** Outcome of one call to the subscriber. */
export type CallbackOutcome = { readonly ok: true } | { readonly ok: false; readonly detail: string };

/** The Authorization header source the subscription asks for; null: none. */
interface SubscriberAuth {
  header(signal: AbortSignal): Promise<string | null>;
  invalidate(): void;
  /** A 401 may be cured by a new token. */
  readonly refreshable: boolean;
}

function authOf(
  auth: LccnSubscriptionRequestBody['authentication'],
  timeoutMs: number,
  fetchFn: FetchLike,
): SubscriberAuth {
  const none: SubscriberAuth = { header: async () => null, invalidate: () => undefined, refreshable: false };
  if (!auth) return none;
  if (auth.authType.includes('OAUTH2_CLIENT_CREDENTIALS')) {
    const p = auth.paramsOauth2ClientCredentials;
    if (p?.tokenEndpoint && p.clientId !== undefined) {
      return new OAuth2TokenSource(
        { tokenUrl: p.tokenEndpoint, clientId: p.clientId, clientSecret: p.clientPassword ?? '' },
        timeoutMs,
        fetchFn,
      );
    }
  }
  if (auth.authType.includes('BASIC') && auth.paramsBasic?.userName !== undefined) {
    const value = basicAuthHeader(auth.paramsBasic.userName, auth.paramsBasic.password ?? '');
    return { header: async () => value, invalidate: () => undefined, refreshable: false };
  }
  return none;
}

export class CallbackClient {
  private readonly auth: SubscriberAuth;

  /** `fetchFn`: the VNFM's callback policy's fetch (callback-policy.ts), for the token endpoint too. */
  constructor(
    authentication: LccnSubscriptionRequestBody['authentication'],
    private readonly timeoutMs: number,
    private readonly fetchFn: FetchLike,
  ) {
    this.auth = authOf(authentication, timeoutMs, fetchFn);
  }

  /** The endpoint test: GET, expecting 204 No Content. */
  probe(uri: string): Promise<CallbackOutcome> {
    return this.send('GET', uri);
  }

  /** Deliver one notification; 204 is success (SOL003 §5.4.20.3.1). */
  notify(uri: string, body: object): Promise<CallbackOutcome> {
    return this.send('POST', uri, body);
  }

  private async send(method: 'GET' | 'POST', uri: string, body?: object): Promise<CallbackOutcome> {
    const signal = AbortSignal.timeout(this.timeoutMs);
    try {
      const headers: Record<string, string> = { Version: SOL003_LCM_API_VERSION, Accept: 'application/json' };
      if (body !== undefined) headers['Content-Type'] = 'application/json';
      const authorization = await this.auth.header(signal);
      if (authorization !== null) headers.Authorization = authorization;
      let res = await this.fetchFn(uri, {
        method,
        headers,
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal,
      });
      if (res.status === 401 && this.auth.refreshable) {
        // A token the subscriber no longer accepts: fetch a new one, once.
        await res.body?.cancel();
        this.auth.invalidate();
        const authorization = await this.auth.header(signal);
        if (authorization !== null) headers.Authorization = authorization;
        res = await this.fetchFn(uri, {
          method,
          headers,
          ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
          signal,
        });
      }
      await res.body?.cancel();
      return res.status === 204 ? { ok: true } : { ok: false, detail: `answered ${res.status}, not 204` };
    } catch (err) {
      const detail = signal.aborted
        ? `no answer within ${this.timeoutMs} ms`
        : err instanceof Error
          ? `${err.message}${err.cause instanceof Error ? ` (${err.cause.message})` : ''}`
          : String(err);
      return { ok: false, detail };
    }
  }
}
