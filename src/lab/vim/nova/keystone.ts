/**
 * A minimal Keystone v3 (Identity API v3, "Authentication and token
 * management"): password authentication scoped to a project,
 * `POST /v3/auth/tokens` answering 201 with the token in `X-Subject-Token`
 * and a service catalog whose compute endpoint is the lab's Nova API.
 * Errors use Keystone's body `{"error": {"code", "message", "title"}}`.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { NovaFault } from './faults.js';

/** The one user the lab's identity service knows. */
export interface LabCredentials {
  readonly username: string;
  readonly password: string;
  readonly projectName: string;
  /** Default 'Default'. */
  readonly userDomainName?: string;
  /** Default 'Default'. */
  readonly projectDomainName?: string;
}

export interface TokenInfo {
  readonly userId: string;
  readonly projectId: string;
  readonly expiresAtMs: number;
}

/** Keystone-style error status with its title. */
export class KeystoneError extends NovaFault {
  constructor(status: 400 | 401, message: string) {
    super(status, message);
    this.name = 'KeystoneError';
  }
  body(): { error: { code: number; message: string; title: string } } {
    const title = this.status === 401 ? 'Unauthorized' : 'Bad Request';
    return { error: { code: this.status, message: this.message, title } };
  }
}

/** Stable 32-hex ids, as Keystone's, derived from names so restarts keep them. */
export function idOf(kind: string, name: string): string {
  return createHash('sha256').update(`${kind}:${name}`).digest('hex').slice(0, 32);
}

const UNAUTHORIZED = 'The request you have made requires authentication.';

export class TokenIssuer {
  private readonly tokens = new Map<string, TokenInfo>();
  readonly userId: string;
  readonly projectId: string;

  constructor(
    private readonly credentials: LabCredentials,
    private readonly ttlMs: number,
  ) {
    this.userId = idOf('user', credentials.username);
    this.projectId = idOf('project', credentials.projectName);
  }

  /** Validate a v3 password auth request; the new token and the token body (without catalog). */
  issue(body: unknown): { token: string; info: TokenInfo; tokenBody: Record<string, unknown> } {
    const req = parseAuth(body);
    const c = this.credentials;
    const userDomain = c.userDomainName ?? 'Default';
    const projectDomain = c.projectDomainName ?? 'Default';
    const userOk =
      (req.userName === c.username || req.userId === this.userId) &&
      req.password === c.password &&
      (req.userId !== undefined || sameDomain(req.userDomain, userDomain));
    const projectOk =
      req.projectId === this.projectId ||
      (req.projectName === c.projectName && sameDomain(req.projectDomain, projectDomain));
    if (!userOk || !projectOk) throw new KeystoneError(401, UNAUTHORIZED);
    const token = `gAAAAA${randomBytes(24).toString('base64url')}`;
    const now = Date.now();
    const info: TokenInfo = { userId: this.userId, projectId: this.projectId, expiresAtMs: now + this.ttlMs };
    this.tokens.set(token, info);
    const domain = (name: string): { id: string; name: string } => ({
      id: name === 'Default' ? 'default' : idOf('domain', name),
      name,
    });
    const tokenBody = {
      methods: ['password'],
      user: { id: this.userId, name: c.username, domain: domain(userDomain), password_expires_at: null },
      project: { id: this.projectId, name: c.projectName, domain: domain(projectDomain) },
      is_domain: false,
      roles: [
        { id: idOf('role', 'admin'), name: 'admin' },
        { id: idOf('role', 'member'), name: 'member' },
        { id: idOf('role', 'reader'), name: 'reader' },
      ],
      audit_ids: [randomBytes(16).toString('base64url')],
      issued_at: new Date(now).toISOString().replace('Z', '000Z'),
      expires_at: new Date(info.expiresAtMs).toISOString().replace('Z', '000Z'),
    };
    return { token, info, tokenBody };
  }

  /** Forget every token (as a Keystone key rotation would): clients must authenticate again. */
  revokeAll(): void {
    this.tokens.clear();
  }

  /** The token's owner, or a 401 when missing, unknown or expired. */
  check(token: string | undefined): TokenInfo {
    const info = token === undefined ? undefined : this.tokens.get(token);
    if (info === undefined || info.expiresAtMs <= Date.now()) {
      if (token !== undefined) this.tokens.delete(token);
      throw new KeystoneError(401, UNAUTHORIZED);
    }
    return info;
  }
}

/** The catalog entry of the compute service. */
export function computeCatalog(computeUrl: string): Record<string, unknown>[] {
  const endpoint = (iface: string): Record<string, unknown> => ({
    id: randomUUID().replaceAll('-', ''),
    interface: iface,
    region: 'RegionOne',
    region_id: 'RegionOne',
    url: computeUrl,
  });
  return [
    {
      endpoints: [endpoint('public'), endpoint('internal'), endpoint('admin')],
      id: idOf('service', 'nova'),
      type: 'compute',
      name: 'nova',
    },
  ];
}

interface PasswordAuth {
  userName?: string;
  userId?: string;
  userDomain?: { id?: string; name?: string };
  password: string;
  projectName?: string;
  projectId?: string;
  projectDomain?: { id?: string; name?: string };
}

function sameDomain(given: { id?: string; name?: string } | undefined, expected: string): boolean {
  if (given === undefined) return false;
  if (given.name !== undefined) return given.name === expected;
  return given.id === (expected === 'Default' ? 'default' : idOf('domain', expected));
}

function obj(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
    ? (v as Record<string, unknown>)
    : undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function domainOf(v: unknown): { id?: string; name?: string } | undefined {
  const d = obj(v);
  if (d === undefined) return undefined;
  const id = str(d.id);
  const name = str(d.name);
  return { ...(id === undefined ? {} : { id }), ...(name === undefined ? {} : { name }) };
}

function parseAuth(body: unknown): PasswordAuth {
  const auth = obj(obj(body)?.auth);
  const identity = obj(auth?.identity);
  const methods = identity?.methods;
  if (!Array.isArray(methods) || !methods.includes('password'))
    throw new KeystoneError(400, 'Expecting to find identity.methods with "password" in auth.');
  const user = obj(obj(identity?.password)?.user);
  const password = str(user?.password);
  if (user === undefined || password === undefined)
    throw new KeystoneError(400, "Expecting to find 'password' in identity.password.user.");
  const project = obj(obj(auth?.scope)?.project);
  if (project === undefined) throw new KeystoneError(401, UNAUTHORIZED);
  const out: PasswordAuth = { password };
  const set = <K extends keyof PasswordAuth>(key: K, value: PasswordAuth[K] | undefined): void => {
    if (value !== undefined) out[key] = value;
  };
  set('userName', str(user.name));
  set('userId', str(user.id));
  set('userDomain', domainOf(user.domain));
  set('projectName', str(project.name));
  set('projectId', str(project.id));
  set('projectDomain', domainOf(project.domain));
  return out;
}
