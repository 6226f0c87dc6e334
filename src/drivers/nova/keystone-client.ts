/**
 * Keystone v3 authentication (Identity API v3, "Authentication and token
 * management", `POST /v3/auth/tokens`): password auth scoped to a project,
 * or an application credential (which carries its own scope, so the request
 * has none: Keystone refuses a scope with one). The token comes back in
 * `X-Subject-Token`; the body carries the service catalog the compute
 * endpoint is taken from (interface + region, as `OS_INTERFACE` /
 * `OS_REGION_NAME` select it in the OpenStack CLI).
 *
 * TLS: a private CA (`OS_CACERT`) or no verification (`OS_INSECURE`) is an
 * undici `Agent` used as fetch dispatcher (see {@link tlsDispatcher}).
 */
import { readFileSync } from 'node:fs';
import { Agent, fetch as undiciFetch, type Dispatcher } from 'undici';
import { faultMessage, NovaError } from './errors.js';
import { tokenSchema } from './schemas.js';
import { describeFetchError } from '../../util/fetch-error.js';

/**
 * Who authenticates. Exactly one method applies: an application credential
 * when `applicationCredentialSecret` is set, else a password.
 */
export interface KeystoneCredentials {
  /** OS_AUTH_URL, with or without the trailing /v3. */
  readonly authUrl: string;
  /** Password auth (OS_USERNAME); also names the owner of an application credential given by name. */
  readonly username?: string;
  /** Password auth (OS_PASSWORD). */
  readonly password?: string;
  /** Password auth scope (OS_PROJECT_NAME); `projectId` wins when both are set. */
  readonly projectName?: string;
  /** Password auth scope (OS_PROJECT_ID). */
  readonly projectId?: string;
  /** Default 'Default' (OS_USER_DOMAIN_NAME); ignored when `userDomainId` is set. */
  readonly userDomainName?: string;
  /** OS_USER_DOMAIN_ID, e.g. 'default'. */
  readonly userDomainId?: string;
  /** Default 'Default' (OS_PROJECT_DOMAIN_NAME); ignored when `projectDomainId` is set. */
  readonly projectDomainName?: string;
  /** OS_PROJECT_DOMAIN_ID. */
  readonly projectDomainId?: string;
  /** OS_APPLICATION_CREDENTIAL_ID. */
  readonly applicationCredentialId?: string;
  /** OS_APPLICATION_CREDENTIAL_NAME (then `username` and its domain name the owner). */
  readonly applicationCredentialName?: string;
  /** OS_APPLICATION_CREDENTIAL_SECRET. */
  readonly applicationCredentialSecret?: string;
}

/** How Keystone and Nova are reached over TLS. */
export interface TlsOptions {
  /** PEM file of the CA(s) that signed the endpoints' certificates (OS_CACERT). */
  readonly caFile?: string;
  /** Skip certificate verification (OS_INSECURE); for lab clouds only. */
  readonly insecure?: boolean;
}

/** One compute endpoint the catalog offered. */
export interface CatalogEndpoint {
  readonly interface: string;
  readonly region: string | null;
  readonly url: string;
}

export interface KeystoneSession {
  readonly token: string;
  readonly expiresAtMs: number;
  /** The compute endpoint from the catalog, or null when there is none for the interface / region. */
  readonly computeUrl: string | null;
  /** Every compute endpoint the catalog listed (for error messages). */
  readonly computeEndpoints: readonly CatalogEndpoint[];
  /** 'password' or 'application_credential'. */
  readonly method: AuthMethod;
}

export type AuthMethod = 'password' | 'application_credential';

/** The /v3/auth/tokens URL of an OS_AUTH_URL. */
export function tokensUrl(authUrl: string): string {
  const base = authUrl.replace(/\/+$/, '');
  return /\/v3$/.test(base) ? `${base}/auth/tokens` : `${base}/v3/auth/tokens`;
}

/**
 * The fetch dispatcher for `tls`: an undici Agent trusting `caFile` (instead
 * of Node's bundled roots, as `OS_CACERT` does for the OpenStack SDK) or not
 * verifying at all; undefined when neither is asked (the default agent).
 * The caller closes it. NOVA_AUTH_FAILED when the CA file cannot be read.
 */
export function tlsDispatcher(tls: TlsOptions): Agent | undefined {
  if (tls.caFile === undefined && tls.insecure !== true) return undefined;
  let ca: Buffer | undefined;
  if (tls.caFile !== undefined) {
    try {
      ca = readFileSync(tls.caFile);
    } catch (e) {
      throw new NovaError(
        'NOVA_AUTH_FAILED',
        `TLS CA file ${tls.caFile} cannot be read: ${String(e)}`,
        { url: tls.caFile },
        { cause: e },
      );
    }
  }
  return new Agent({
    connect: {
      ...(ca === undefined ? {} : { ca }),
      ...(tls.insecure === true ? { rejectUnauthorized: false } : {}),
    },
  });
}

/** `fetch` through `dispatcher` when there is one (undici's fetch, same version as the Agent). */
export function fetchVia(
  dispatcher: Dispatcher | undefined,
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string; signal?: AbortSignal },
): Promise<Response> {
  if (dispatcher === undefined) return fetch(url, init);
  // undici's fetch with its own Agent: Node 20's global fetch bundles an older undici.
  return undiciFetch(url, { ...init, dispatcher });
}

/** Which method the credentials use; NOVA_AUTH_FAILED when they are incomplete for both. */
export function authMethodOf(c: KeystoneCredentials): AuthMethod {
  if (c.applicationCredentialSecret !== undefined) {
    if (c.applicationCredentialId !== undefined) return 'application_credential';
    if (c.applicationCredentialName !== undefined && c.username !== undefined)
      return 'application_credential';
    throw new NovaError(
      'NOVA_AUTH_FAILED',
      'an application credential needs applicationCredentialId, or applicationCredentialName with username',
    );
  }
  const missing = [
    c.username === undefined ? 'username' : null,
    c.password === undefined ? 'password' : null,
    c.projectName === undefined && c.projectId === undefined ? 'projectName or projectId' : null,
  ].filter((m) => m !== null);
  if (missing.length > 0)
    throw new NovaError(
      'NOVA_AUTH_FAILED',
      `Keystone credentials incomplete: password auth needs ${missing.join(', ')} (or give applicationCredentialId + applicationCredentialSecret)`,
    );
  return 'password';
}

/** The `POST /v3/auth/tokens` body for the credentials (Identity API v3 reference). */
export function authRequestBody(c: KeystoneCredentials): { auth: Record<string, unknown> } {
  const domain = (id: string | undefined, name: string | undefined): Record<string, string> =>
    id !== undefined ? { id } : { name: name ?? 'Default' };
  if (authMethodOf(c) === 'application_credential') {
    const credential =
      c.applicationCredentialId !== undefined
        ? { id: c.applicationCredentialId, secret: c.applicationCredentialSecret }
        : {
            name: c.applicationCredentialName,
            secret: c.applicationCredentialSecret,
            user: { name: c.username, domain: domain(c.userDomainId, c.userDomainName) },
          };
    return {
      auth: { identity: { methods: ['application_credential'], application_credential: credential } },
    };
  }
  const project =
    c.projectId !== undefined
      ? { id: c.projectId }
      : { name: c.projectName, domain: domain(c.projectDomainId, c.projectDomainName) };
  return {
    auth: {
      identity: {
        methods: ['password'],
        password: {
          user: { name: c.username, domain: domain(c.userDomainId, c.userDomainName), password: c.password },
        },
      },
      scope: { project },
    },
  };
}

export async function authenticate(
  c: KeystoneCredentials,
  opts: {
    timeoutMs: number;
    endpointInterface?: string;
    region?: string;
    dispatcher?: Dispatcher;
  },
): Promise<KeystoneSession> {
  const url = tokensUrl(c.authUrl);
  const body = authRequestBody(c);
  const method = authMethodOf(c);
  const who =
    method === 'password'
      ? `user ${c.username ?? ''}`
      : `application credential ${c.applicationCredentialId ?? c.applicationCredentialName ?? ''}`;
  let res: Response;
  try {
    res = await fetchVia(opts.dispatcher, url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(opts.timeoutMs),
    });
  } catch (e) {
    throw new NovaError(
      'NOVA_AUTH_FAILED',
      `Keystone at ${url} did not answer: ${describeFetchError(e)}`,
      { url },
      { cause: e },
    );
  }
  const json: unknown = await res.json().catch(() => undefined);
  const token = res.headers.get('X-Subject-Token');
  if (res.status !== 201 || token === null)
    throw new NovaError(
      'NOVA_AUTH_FAILED',
      `Keystone refused ${who}: HTTP ${res.status} ${faultMessage(json) ?? ''}`.trim(),
      { status: res.status, method: 'POST', url, body: json },
    );
  const parsed = tokenSchema.safeParse(json);
  if (!parsed.success)
    throw new NovaError('NOVA_BAD_RESPONSE', `Keystone token body not understood: ${parsed.error.message}`, {
      url,
    });
  const wanted = opts.endpointInterface ?? 'public';
  const computeEndpoints: CatalogEndpoint[] = parsed.data.token.catalog
    .filter((s) => s.type === 'compute')
    .flatMap((s) =>
      s.endpoints.map((e) => ({
        interface: e.interface,
        region: e.region_id ?? e.region ?? null,
        url: e.url.replace(/\/+$/, ''),
      })),
    );
  const endpoint = computeEndpoints.find(
    (e) => e.interface === wanted && (opts.region === undefined || e.region === opts.region),
  );
  const expires = Date.parse(parsed.data.token.expires_at);
  return {
    token,
    expiresAtMs: Number.isNaN(expires) ? Date.now() + 3_600_000 : expires,
    computeUrl: endpoint?.url ?? null,
    computeEndpoints,
    method,
  };
}

/** fetch's "fetch failed" with the reason inside (a TLS verification code, ECONNREFUSED...). */
export { describeFetchError };
