/**
 * A nova MigrationHandle's id lists every leg (server id / Nova migration
 * id), so any NovaMigrator instance - after a restart, or the cleanup of an
 * interrupted run - can follow and abort the migration.
 */
import { NovaError } from './errors.js';

/** One server's migration inside a handle. */
export interface Leg {
  readonly serverId: string;
  readonly migrationId: number;
}

/** Nova migration statuses (nova/objects/migration.py) of a migration that succeeded. */
export const DONE: readonly string[] = ['completed', 'done', 'finished', 'confirmed'];
/** ... and of one that ended without moving the server. */
export const FAILED: readonly string[] = ['error', 'failed', 'cancelled'];

/** Handle ids carry every leg, so any NovaMigrator instance can follow a migration. */
export function encodeHandleId(legs: readonly Leg[]): string {
  return legs.map((l) => `${l.serverId}/${l.migrationId}`).join(',');
}

/** The legs of a handle id; NOVA_BAD_HANDLE when it is not one of ours. */
export function decodeHandleId(id: string): Leg[] {
  return id.split(',').map((part) => {
    const [serverId, mid] = part.split('/');
    const migrationId = Number(mid);
    if (serverId === undefined || serverId === '' || !Number.isInteger(migrationId))
      throw new NovaError('NOVA_BAD_HANDLE', `not a nova migration handle: ${id}`);
    return { serverId, migrationId };
  });
}
