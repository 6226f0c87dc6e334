/**
 * The user-facing configuration of the SOL003 driver (`vnfm: { driver: sol003, ... }`
 * in a run configuration) and its translation into {@link Sol003VnfmConfig}.
 * The run configuration's schema composes {@link sol003ConfigShape}; the
 * harness calls {@link toSol003VnfmConfig}. docs/tacker.md shows a full example.
 */
import { z } from 'zod';
import { httpUrl } from '../../util/http-url.js';
import type { Sol003Auth } from './auth.js';
import type { Sol003VnfmConfig } from './sol003-vnfm.js';

const vimConnectionInfo = z
  .object({
    vimId: z.string().exactOptional().describe('Identifier of the VIM (SOL003 VimConnectionInfo.vimId).'),
    vimType: z.string().min(1).describe('Type of the VIM, e.g. ETSINFV.OPENSTACK_KEYSTONE.V_3.'),
    interfaceInfo: z
      .record(z.string(), z.unknown())
      .exactOptional()
      .describe("How to reach the VIM's interface, e.g. { endpoint: <Keystone URL> }."),
    accessInfo: z
      .record(z.string(), z.unknown())
      .exactOptional()
      .describe('Credentials and scope for the VIM (username, password, project, region, ...).'),
    extra: z.record(z.string(), z.unknown()).exactOptional().describe('VIM-specific extra data.'),
  })
  .strict();

/** Fields of `vnfm` when `driver` is `sol003` (compose with `.strict()` and {@link checkSol003Auth}). */
export const sol003ConfigShape = {
  baseUrl: httpUrl('https://tacker.example.net:9890/vnflcm/v2').describe(
    '{apiRoot}/vnflcm/v2 of the VNFM (Tacker: http://<tacker>:9890/vnflcm/v2).',
  ),
  apiVersion: z.string().default('2.0.0').describe('Value of the Version header (SOL013).'),
  vnfdFile: z
    .string()
    .exactOptional()
    .describe(
      "VNFD file (vnflab VNFD JSON/YAML or SOL001 TOSCA YAML) for the VNFD's vResource list, relative to this file.",
    ),
  username: z.string().exactOptional().describe('HTTP Basic auth (RFC 7617) user, with password.'),
  password: z.string().exactOptional().describe('HTTP Basic auth (RFC 7617) password, with username.'),
  token: z.string().exactOptional().describe('A static bearer token (RFC 6750).'),
  // Say so: a forgotten credential is the likelier mistake.
  noAuth: z
    .literal(true)
    .exactOptional()
    .describe('The VNFM takes requests without credentials (true); else give one way to authenticate.'),
  oauth2: z
    .object({
      tokenUrl: httpUrl('https://keystone.example.net/identity/v3/OS-OAUTH2/token').describe(
        'Token endpoint.',
      ),
      clientId: z.string().min(1).describe('Client id.'),
      clientSecret: z.string().min(1).describe('Client secret.'),
      scope: z.string().exactOptional().describe('Scope to ask for.'),
    })
    .strict()
    .exactOptional()
    .describe(
      'OAuth 2.0 client credentials grant (RFC 6749 §4.4; SOL013 §8.3); the token is cached and renewed.',
    ),
  keystone: z
    .object({
      authUrl: httpUrl('https://keystone.example.net/identity/v3').describe('Keystone v3 URL.'),
      username: z.string().exactOptional().describe('User, with password and projectName.'),
      password: z.string().exactOptional().describe("The user's password."),
      projectName: z.string().exactOptional().describe('Project scope.'),
      userDomainName: z.string().exactOptional().describe("The user's domain; default 'Default'."),
      projectDomainName: z.string().exactOptional().describe("The project's domain; default 'Default'."),
      applicationCredentialId: z
        .string()
        .exactOptional()
        .describe('Application credential id, instead of a password.'),
      applicationCredentialSecret: z
        .string()
        .exactOptional()
        .describe("The application credential's secret."),
    })
    .strict()
    .exactOptional()
    .describe("A Keystone v3 token in X-Auth-Token (Tacker's default auth_strategy = keystone)."),
  tls: z
    .object({
      caFile: z
        .string()
        .exactOptional()
        .describe('PEM CA bundle to trust (a private CA), relative to this file.'),
      verify: z.boolean().default(true).describe('Verify the server certificate.'),
    })
    .strict()
    .exactOptional()
    .describe('TLS: verification is on by default; caFile trusts a private CA.'),
  requestTimeoutMs: z.number().int().positive().default(30_000).describe('Deadline of one request, ms.'),
  retry: z
    .object({
      attempts: z.number().int().min(1).default(4).describe('Attempts in all.'),
      baseDelayMs: z.number().int().positive().default(100).describe('First delay between attempts, ms.'),
      maxDelayMs: z.number().int().positive().default(2000).describe('Longest delay between attempts, ms.'),
    })
    .strict()
    .exactOptional()
    .describe('Retries of safe requests (GET) on 5xx / 429 / broken connections.'),
  notifications: z
    .object({
      callbackUrl: httpUrl('http://192.0.2.10:9099/vnflab/lcm-notifications').describe(
        'The URL the VNFM will POST to; must reach this machine. Port 0 = any free port (lab only).',
      ),
      listenHost: z.string().exactOptional().describe('Address the listener binds.'),
      listenPort: z.number().int().min(0).max(65535).exactOptional().describe('Port the listener binds.'),
    })
    .strict()
    .exactOptional()
    .describe('Track operations by notification: the driver listens here and subscribes (else it polls).'),
  poll: z
    .object({
      initialMs: z.number().int().positive().exactOptional().describe('First polling interval, ms.'),
      factor: z.number().min(1).exactOptional().describe('Each interval is the previous one times this.'),
      maxMs: z.number().int().positive().exactOptional().describe('Longest polling interval, ms.'),
    })
    .strict()
    .exactOptional()
    .describe('Polling of operation occurrences when not tracked by notification.'),
  rollbackOnFailedTemp: z
    .boolean()
    .default(false)
    .describe('Roll back an operation that ends FAILED_TEMP (else it is reported and left for you).'),
  vimConnectionInfo: z
    .record(z.string(), vimConnectionInfo)
    .exactOptional()
    .describe('Sent in InstantiateVnfRequest (SOL003 v2: a map keyed by vimConnectionId).'),
  operateUnsupported: z
    .enum(['noop-if-in-state', 'error'])
    .default('noop-if-in-state')
    .describe(
      'A VNFM without operate (Tacker v2): accept start/stop of a VNF already in that state, or always fail.',
    ),
};

const sol003ConfigObject = z.object(sol003ConfigShape).strict();

/** The parsed `vnfm` section for the SOL003 driver. */
export type Sol003UserConfig = z.output<typeof sol003ConfigObject>;

/**
 * Exactly one way of authenticating (`noAuth: true` counts as one: a VNFM
 * that takes no credentials); username and password come together.
 */
export function checkSol003Auth(
  c: {
    username?: string | undefined;
    password?: string | undefined;
    token?: string | undefined;
    oauth2?: unknown;
    keystone?: unknown;
    noAuth?: true | undefined;
  },
  ctx: z.RefinementCtx,
): void {
  const ways = [
    c.username !== undefined || c.password !== undefined ? 'username/password' : null,
    c.token !== undefined ? 'token' : null,
    c.oauth2 !== undefined ? 'oauth2' : null,
    c.keystone !== undefined ? 'keystone' : null,
    c.noAuth !== undefined ? 'noAuth' : null,
  ].filter((w): w is string => w !== null);
  if (ways.length === 0) {
    ctx.addIssue({
      code: 'custom',
      message:
        'no credentials for the VNFM: give one of oauth2, keystone, token, or username + password (or noAuth: true for a VNFM that takes none)',
    });
  }
  if (ways.length > 1) {
    ctx.addIssue({ code: 'custom', message: `give one way to authenticate, not ${ways.join(' and ')}` });
  }
  if ((c.username === undefined) !== (c.password === undefined)) {
    ctx.addIssue({ code: 'custom', message: 'username and password go together (HTTP Basic)' });
  }
}

/** The schema of the section alone (what the run configuration composes, minus `driver`). */
export const sol003ConfigSchema = sol003ConfigObject.superRefine(checkSol003Auth);

function authOf(c: Sol003UserConfig): Sol003Auth | undefined {
  if (c.oauth2) return { type: 'oauth2', ...c.oauth2 };
  if (c.keystone) return { type: 'keystone', credentials: c.keystone };
  if (c.token !== undefined) return { type: 'bearer', token: c.token };
  if (c.username !== undefined && c.password !== undefined) {
    return { type: 'basic', username: c.username, password: c.password };
  }
  return undefined;
}

/**
 * The driver configuration for a parsed `vnfm` section; `resolveFile` makes
 * `vnfdFile` and `tls.caFile` absolute (relative to the config file).
 */
export function toSol003VnfmConfig(
  c: Sol003UserConfig,
  resolveFile: (path: string) => string = (path) => path,
): Sol003VnfmConfig {
  const auth = authOf(c);
  return {
    baseUrl: c.baseUrl,
    apiVersion: c.apiVersion,
    requestTimeoutMs: c.requestTimeoutMs,
    rollbackOnFailedTemp: c.rollbackOnFailedTemp,
    operateUnsupported: c.operateUnsupported,
    ...(auth ? { auth } : {}),
    ...(c.vnfdFile !== undefined ? { vnfdFile: resolveFile(c.vnfdFile) } : {}),
    ...(c.tls
      ? {
          tls: {
            verify: c.tls.verify,
            ...(c.tls.caFile !== undefined ? { caFile: resolveFile(c.tls.caFile) } : {}),
          },
        }
      : {}),
    ...(c.retry ? { retry: c.retry } : {}),
    ...(c.notifications ? { notifications: c.notifications } : {}),
    ...(c.poll ? { poll: c.poll } : {}),
    ...(c.vimConnectionInfo ? { vimConnectionInfo: c.vimConnectionInfo } : {}),
  };
}
