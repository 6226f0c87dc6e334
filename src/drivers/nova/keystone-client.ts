/**
 * Keystone v3 password authentication (Identity API v3,
 * `POST /v3/auth/tokens`): the token comes back in `X-Subject-Token`, the
 * body carries the service catalog the compute endpoint is taken from.
 */
import { faultMessage, NovaError } from './errors.js';
import { tokenSchema } from './schemas.js';

export interface KeystoneCredentials {
  /** OS_AUTH_URL, with or without the trailing /v3. */
  readonly authUrl: string;
  readonly username: string;
  readonly password: string;
  readonly projectName: string;
  /** Default 'Default'. */
  readonly userDomainName?: string;
  /** Default 'Default'. */
  readonly projectDomainName?: string;
}

export interface KeystoneSession {
  readonly token: string;
  readonly expiresAtMs: number;
  /** The compute endpoint from the catalog, or null when there is none. */
  readonly computeUrl: string | null;
}

/** The /v3/auth/tokens URL of an OS_AUTH_URL. */
export function tokensUrl(authUrl: string): string {
  const base = authUrl.replace(/\/+$/, '');
  return /\/v3$/.test(base) ? `${base}/auth/tokens` : `${base}/v3/auth/tokens`;
}

export async function authenticate(
  c: KeystoneCredentials,
  opts: { timeoutMs: number; endpointInterface?: string; region?: string },
): Promise<KeystoneSession> {
  const url = tokensUrl(c.authUrl);
  const body = {
    auth: {
      identity: {
        methods: ['password'],
        password: {
          user: { name: c.username, domain: { name: c.userDomainName ?? 'Default' }, password: c.password },
        },
      },
      scope: { project: { name: c.projectName, domain: { name: c.projectDomainName ?? 'Default' } } },
    },
  };
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(opts.timeoutMs),
    });
  } catch (e) {
    throw new NovaError(
      'NOVA_AUTH_FAILED',
      `Keystone at ${url} did not answer: ${String(e)}`,
      { url },
      { cause: e },
    );
  }
  const json: unknown = await res.json().catch(() => undefined);
  const token = res.headers.get('X-Subject-Token');
  if (res.status !== 201 || token === null)
    throw new NovaError(
      'NOVA_AUTH_FAILED',
      `Keystone refused the credentials of ${c.username}: HTTP ${res.status} ${faultMessage(json) ?? ''}`.trim(),
      { status: res.status, method: 'POST', url, body: json },
    );
  const parsed = tokenSchema.safeParse(json);
  if (!parsed.success)
    throw new NovaError('NOVA_BAD_RESPONSE', `Keystone token body not understood: ${parsed.error.message}`, {
      url,
    });
  const wanted = opts.endpointInterface ?? 'public';
  const compute = parsed.data.token.catalog.find((s) => s.type === 'compute');
  const endpoint = compute?.endpoints.find(
    (e) => e.interface === wanted && (opts.region === undefined || (e.region_id ?? e.region) === opts.region),
  );
  const expires = Date.parse(parsed.data.token.expires_at);
  return {
    token,
    expiresAtMs: Number.isNaN(expires) ? Date.now() + 3_600_000 : expires,
    computeUrl: endpoint?.url.replace(/\/+$/, '') ?? null,
  };
}
