/**
 * The user-facing configuration of the Nova migrator (`migrator: { driver:
 * nova, ... }` in a run configuration) and its translation into
 * {@link NovaMigratorConfig}. Field names follow the OpenStack CLI's
 * `OS_*` variables (docs/openstack.md has the table). Secrets may be named
 * by environment variable (`passwordEnv`, `applicationCredentialSecretEnv`)
 * so a config file can be committed without them; those are read when the
 * driver configuration is built, not when the file is parsed.
 */
import { z } from 'zod';
import { ConfigError } from '../../util/errors.js';
import { httpUrl } from '../../util/http-url.js';
import type { NovaMigratorConfig } from './nova-migrator.js';

const name = z.string().min(1);
const envName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected the name of an environment variable, e.g. OS_PASSWORD');

/** Fields of `migrator` when `driver` is `nova` (compose with `.strict()` and {@link checkNovaCredentials}). */
export const novaConfigShape = {
  authUrl: httpUrl('https://keystone.example.net/identity/v3').describe(
    'Keystone URL (OS_AUTH_URL), with or without /v3.',
  ),
  username: name
    .exactOptional()
    .describe(
      'User of password auth (OS_USERNAME); also the owner of an application credential given by name.',
    ),
  password: name
    .exactOptional()
    .describe('Password (OS_PASSWORD); better passwordEnv, so the file holds no secret.'),
  passwordEnv: envName
    .exactOptional()
    .describe('Environment variable holding the password, e.g. OS_PASSWORD.'),
  projectName: name.exactOptional().describe('Project scope of password auth (OS_PROJECT_NAME).'),
  projectId: name.exactOptional().describe('Project scope of password auth, by id (OS_PROJECT_ID).'),
  userDomainName: name
    .exactOptional()
    .describe("The user's domain (OS_USER_DOMAIN_NAME); the Keystone client defaults it to 'Default'."),
  userDomainId: name.exactOptional().describe("The user's domain, by id (OS_USER_DOMAIN_ID)."),
  projectDomainName: name
    .exactOptional()
    .describe("The project's domain (OS_PROJECT_DOMAIN_NAME); the Keystone client defaults it to 'Default'."),
  projectDomainId: name.exactOptional().describe("The project's domain, by id (OS_PROJECT_DOMAIN_ID)."),
  applicationCredentialId: name
    .exactOptional()
    .describe('Application credential id (OS_APPLICATION_CREDENTIAL_ID), instead of a password.'),
  applicationCredentialName: name
    .exactOptional()
    .describe('Application credential by name (OS_APPLICATION_CREDENTIAL_NAME), with username.'),
  applicationCredentialSecret: name
    .exactOptional()
    .describe(
      "The application credential's secret (OS_APPLICATION_CREDENTIAL_SECRET); better applicationCredentialSecretEnv.",
    ),
  applicationCredentialSecretEnv: envName
    .exactOptional()
    .describe("Environment variable holding the application credential's secret."),
  region: name
    .exactOptional()
    .describe('Catalog region of the compute endpoint (OS_REGION_NAME); default: the first listed.'),
  interface: z
    .enum(['public', 'internal', 'admin'])
    .default('public')
    .describe('Catalog interface of the compute endpoint (OS_INTERFACE).'),
  computeUrl: httpUrl('https://nova.example.net/compute/v2.1')
    .exactOptional()
    .describe('Compute endpoint URL, bypassing the catalog.'),
  caFile: name
    .exactOptional()
    .describe('PEM CA bundle for Keystone and Nova (OS_CACERT), relative to this file.'),
  insecure: z.boolean().default(false).describe('Skip certificate verification (OS_INSECURE).'),
  microversion: z
    .string()
    .regex(/^2\.\d+$/, "expected a compute microversion such as '2.80' (quote it in YAML)")
    .exactOptional()
    .describe(
      "Highest compute microversion to speak, e.g. '2.80' (quoted); default the client's highest (2.80).",
    ),
  requestTimeoutMs: z
    .number()
    .int()
    .positive()
    .default(30_000)
    .describe('Deadline of one Keystone or Nova request, ms.'),
  clockOffsetAllowanceMs: z
    .number()
    .nonnegative()
    .exactOptional()
    .describe(
      "Offset allowed between the clocks of Nova's hosts (API, conductor, computes) and the harness's, ms, added to the precision of every VIM timestamp placed on the move (it cannot be measured from the harness); default 1000.",
    ),
};

const novaConfigObject = z.object(novaConfigShape).strict();

/** The parsed `migrator` section for the Nova driver. */
export type NovaUserConfig = z.output<typeof novaConfigObject>;

type Credentials = Partial<
  Pick<
    NovaUserConfig,
    | 'username'
    | 'password'
    | 'passwordEnv'
    | 'projectName'
    | 'projectId'
    | 'projectDomainName'
    | 'projectDomainId'
    | 'applicationCredentialId'
    | 'applicationCredentialName'
    | 'applicationCredentialSecret'
    | 'applicationCredentialSecretEnv'
  >
>;

const PROJECT_FIELDS = ['projectName', 'projectId', 'projectDomainName', 'projectDomainId'] as const;

/**
 * Exactly one complete way to authenticate: an application credential, or
 * username + password + project. The first issue is the one a user sees,
 * so each names one field and the fix.
 */
export function checkNovaCredentials(c: Credentials, ctx: z.RefinementCtx): void {
  const issue = (field: string | null, message: string): void =>
    ctx.addIssue({ code: 'custom', message, path: field === null ? [] : [field] });
  const appCredential =
    c.applicationCredentialId !== undefined ||
    c.applicationCredentialName !== undefined ||
    c.applicationCredentialSecret !== undefined ||
    c.applicationCredentialSecretEnv !== undefined;
  const passwordField =
    c.password !== undefined ? 'password' : c.passwordEnv !== undefined ? 'passwordEnv' : null;
  if (!appCredential && c.username === undefined && passwordField === null) {
    issue(
      null,
      'no credentials: give applicationCredentialId + applicationCredentialSecretEnv, or username + passwordEnv + projectName',
    );
    return;
  }
  if (appCredential) {
    if (passwordField !== null)
      issue(passwordField, `give an application credential or a password, not both: remove ${passwordField}`);
    if (
      c.applicationCredentialId === undefined &&
      (c.applicationCredentialName === undefined || c.username === undefined)
    )
      issue(
        'applicationCredentialId',
        'an application credential needs applicationCredentialId, or applicationCredentialName with username',
      );
    if (c.applicationCredentialSecret === undefined && c.applicationCredentialSecretEnv === undefined)
      issue(
        'applicationCredentialSecretEnv',
        'the application credential needs its secret: give applicationCredentialSecretEnv (the environment variable holding it) or applicationCredentialSecret',
      );
    if (c.applicationCredentialSecret !== undefined && c.applicationCredentialSecretEnv !== undefined)
      issue(
        'applicationCredentialSecret',
        'give applicationCredentialSecret or applicationCredentialSecretEnv, not both',
      );
    // Keystone refuses a scope in an application-credential request: the credential carries its own.
    for (const field of PROJECT_FIELDS)
      if (c[field] !== undefined)
        issue(field, `an application credential carries its own project scope: remove ${field}`);
    return;
  }
  if (c.username === undefined)
    issue('username', 'password auth needs username (or use an application credential instead)');
  if (passwordField === null)
    issue(
      'passwordEnv',
      'password auth needs a password: give passwordEnv (the environment variable holding it) or password',
    );
  if (c.password !== undefined && c.passwordEnv !== undefined)
    issue('password', 'give password or passwordEnv, not both');
  if (c.projectName === undefined && c.projectId === undefined)
    issue('projectName', 'password auth needs a project scope: give projectName or projectId');
}

/** The schema of the section alone (minus `driver`). */
export const novaConfigSchema = novaConfigObject.superRefine(checkNovaCredentials);

/** A secret named by environment variable; ConfigError naming the field when it is unset or empty. */
function secretFromEnv(
  variable: string | undefined,
  field: string,
  env: Readonly<Record<string, string | undefined>>,
): string | undefined {
  if (variable === undefined) return undefined;
  const value = env[variable];
  if (value === undefined || value === '')
    throw new ConfigError(
      `migrator.${field}: environment variable ${variable} is not set: export ${variable}=<secret> before running vnflab`,
    );
  return value;
}

/**
 * The driver configuration for a parsed `migrator` section: `resolveFile`
 * makes `caFile` absolute (relative to the config file), `env` supplies the
 * secrets named by `passwordEnv` / `applicationCredentialSecretEnv`.
 */
export function toNovaMigratorConfig(
  c: NovaUserConfig,
  resolveFile: (path: string) => string = (path) => path,
  env: Readonly<Record<string, string | undefined>> = process.env,
): NovaMigratorConfig {
  const {
    passwordEnv,
    applicationCredentialSecretEnv,
    interface: endpointInterface,
    caFile,
    password,
    applicationCredentialSecret,
    ...rest
  } = c;
  const passwordValue = password ?? secretFromEnv(passwordEnv, 'passwordEnv', env);
  const secretValue =
    applicationCredentialSecret ??
    secretFromEnv(applicationCredentialSecretEnv, 'applicationCredentialSecretEnv', env);
  return {
    ...rest,
    endpointInterface,
    ...(passwordValue !== undefined ? { password: passwordValue } : {}),
    ...(secretValue !== undefined ? { applicationCredentialSecret: secretValue } : {}),
    ...(caFile !== undefined ? { caFile: resolveFile(caFile) } : {}),
  };
}
