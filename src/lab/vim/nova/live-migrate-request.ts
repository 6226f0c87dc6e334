/**
 * The `os-migrateLive` and `migrate` request bodies, validated per
 * microversion as Nova's JSON schemas do
 * (nova/api/openstack/compute/schemas/migrate_server.py).
 *
 * os-migrateLive:
 * - 2.1: `host` (string or null), `block_migration` and `disk_over_commit`
 *   (booleans), all required, nothing else;
 * - 2.25: `disk_over_commit` removed, `block_migration` may be "auto";
 * - 2.30: optional `force` (boolean);
 * - 2.68: `force` removed again.
 * The lab always copies the volume with the memory (block migration), so
 * `block_migration` is accepted and ignored.
 *
 * Lab extension, any microversion: `"vnflab:vresource_type"` (one of the
 * spec's vResource types). A real Nova has no such key and rejects it as an
 * additional property; the nova driver sends it only to the lab.
 */
import { VRESOURCE_TYPE_KEY } from '../../../protocols/nova/vnflab-extensions.js';
import { V_RESOURCE_TYPES, type VResourceType } from '../../../ports/vnfm.js';
import { fail, ok, type Outcome } from '../../../util/outcome.js';
import { NovaFault } from './faults.js';
import { atLeast, type Microversion } from '../../../protocols/nova/microversion.js';

export interface LiveMigrateRequest {
  readonly host: string | null;
  readonly blockMigration: boolean | 'auto';
  readonly force?: boolean;
  /** Lab: the vResource type to move (`vnflab:vresource_type`). */
  readonly vResourceType?: VResourceType;
}

/** nova/api/validation/parameter_types.py boolean: JSON booleans and these strings. */
const TRUE_STRINGS = ['True', 'TRUE', 'true', '1', 'ON', 'On', 'on', 'YES', 'Yes', 'yes'];
const FALSE_STRINGS = ['False', 'FALSE', 'false', '0', 'OFF', 'Off', 'off', 'NO', 'No', 'no'];

function asBoolean(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string' && TRUE_STRINGS.includes(v)) return true;
  if (typeof v === 'string' && FALSE_STRINGS.includes(v)) return false;
  return undefined;
}

const invalid = (detail: string): Outcome<never> =>
  fail(`Invalid input for field/attribute os-migrateLive. ${detail}`);

/** The fields this microversion's schema allows, and which of them are required. */
function schemaOf(v: Microversion): { allowed: string[]; required: string[] } {
  if (!atLeast(v, '2.25'))
    return {
      allowed: ['host', 'block_migration', 'disk_over_commit'],
      required: ['host', 'block_migration', 'disk_over_commit'],
    };
  if (atLeast(v, '2.30') && !atLeast(v, '2.68'))
    return { allowed: ['host', 'block_migration', 'force'], required: ['host', 'block_migration'] };
  return { allowed: ['host', 'block_migration'], required: ['host', 'block_migration'] };
}

export function parseLiveMigrate(action: unknown, v: Microversion): Outcome<LiveMigrateRequest> {
  if (typeof action !== 'object' || action === null || Array.isArray(action))
    return invalid(`Value: ${JSON.stringify(action)}. ${JSON.stringify(action)} is not of type 'object'`);
  const body = action as Record<string, unknown>;
  const { allowed, required } = schemaOf(v);
  const unexpected = Object.keys(body).filter((k) => !allowed.includes(k) && k !== VRESOURCE_TYPE_KEY);
  if (unexpected.length > 0)
    return invalid(
      `Additional properties are not allowed (${unexpected.map((k) => `'${k}'`).join(', ')} was unexpected)`,
    );
  const missing = required.find((k) => !(k in body));
  if (missing !== undefined) return invalid(`'${missing}' is a required property`);

  const host = body.host;
  if (host !== null && (typeof host !== 'string' || host.length === 0 || host.length > 255))
    return invalid(`Value: ${JSON.stringify(host)}. 'host' must be a host name or null`);
  const block =
    body.block_migration === 'auto' && atLeast(v, '2.25') ? 'auto' : asBoolean(body.block_migration);
  if (block === undefined)
    return invalid(
      `Value: ${JSON.stringify(body.block_migration)}. 'block_migration' is not a valid boolean`,
    );
  if ('disk_over_commit' in body && asBoolean(body.disk_over_commit) === undefined)
    return invalid(
      `Value: ${JSON.stringify(body.disk_over_commit)}. 'disk_over_commit' is not a valid boolean`,
    );
  let force: boolean | undefined;
  if ('force' in body) {
    force = asBoolean(body.force);
    if (force === undefined)
      return invalid(`Value: ${JSON.stringify(body.force)}. 'force' is not a valid boolean`);
  }
  const type = body[VRESOURCE_TYPE_KEY];
  if (
    type !== undefined &&
    !(typeof type === 'string' && (V_RESOURCE_TYPES as readonly string[]).includes(type))
  )
    return invalid(
      `Value: ${JSON.stringify(type)}. '${VRESOURCE_TYPE_KEY}' must be one of ${V_RESOURCE_TYPES.join(', ')}`,
    );
  return ok({
    host,
    blockMigration: block,
    ...(force === undefined ? {} : { force }),
    ...(type === undefined ? {} : { vResourceType: type as VResourceType }),
  });
}

/**
 * `migrate` (cold migration): null before 2.56; from 2.56 null or
 * `{"host": <name or null>}`. The destination host, or null (scheduler).
 */
export function parseMigrate(args: unknown, v: Microversion): string | null {
  if (args === null) return null;
  const bad = (detail: string): NovaFault =>
    new NovaFault(400, `Invalid input for field/attribute migrate. ${detail}`);
  if (!atLeast(v, '2.56'))
    throw bad(`Value: ${JSON.stringify(args)}. None is required before microversion 2.56`);
  if (typeof args !== 'object' || Array.isArray(args))
    throw bad(`Value: ${JSON.stringify(args)} is not of type 'object'`);
  const body = args as Record<string, unknown>;
  const unexpected = Object.keys(body).filter((k) => k !== 'host');
  if (unexpected.length > 0)
    throw bad(
      `Additional properties are not allowed (${unexpected.map((k) => `'${k}'`).join(', ')} was unexpected)`,
    );
  const host = body.host ?? null;
  if (host !== null && (typeof host !== 'string' || host.length === 0 || host.length > 255))
    throw bad(`Value: ${JSON.stringify(host)}. 'host' must be a host name or null`);
  return host;
}
