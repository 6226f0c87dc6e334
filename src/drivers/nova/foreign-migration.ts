/**
 * Finding a migration someone else started (trigger types em, vnf, load:
 * the EM, the VNF or the VNFM's policy asked, the VIM moved the VNF), from
 * the VIM's migration records: for each of the subject's servers, the
 * oldest record created at or after the trigger. Nova's `created_at` is UTC
 * without a zone suffix (`2026-11-25T10:12:26.123456`).
 */
import { VRESOURCE_TYPE_KEY } from '../../protocols/nova/vnflab-extensions.js';
import type { MigrationType } from '../../ports/migrator.js';
import type { VResourceType } from '../../ports/vnfm.js';
import type { Leg } from './migration-handle.js';
import type { NovaMigration } from './schemas.js';

/** Milliseconds since the epoch of a Nova timestamp (UTC when it names no zone). */
export function novaTimeMs(at: string): number {
  return Date.parse(/(Z|[+-]\d\d:?\d\d)$/.test(at) ? at : `${at}Z`);
}

/** Nova's migration_type, as the port's migration type ('live-migration' unless it says 'migration'). */
export function migrationTypeOfRecord(m: NovaMigration): Exclude<MigrationType, 'NONE'> {
  return m.migration_type === 'migration' ? 'OFFLINE_MIGRATION' : 'LIVE_MIGRATION';
}

/**
 * The leg of one server: its first migration created at or after
 * `startedAfterMs`; null while there is none. The lab's records say which
 * vResource type they moved (`vnflab:vresource_type`): one of another type
 * is not the requested migration. A real Nova's records do not say: any
 * migration of the server counts (Nova moves the whole server).
 */
export function legStartedAfter(
  serverId: string,
  records: readonly NovaMigration[],
  startedAfterMs: number,
  vResourceType: VResourceType,
): (Leg & { type: Exclude<MigrationType, 'NONE'> }) | null {
  const fresh = records
    .filter((m) => m.instance_uuid === serverId && novaTimeMs(m.created_at) >= startedAfterMs)
    .filter((m) => {
      const labType = m[VRESOURCE_TYPE_KEY];
      return typeof labType !== 'string' || labType === vResourceType || labType === 'any';
    })
    .sort((a, b) => a.id - b.id);
  const first = fresh[0];
  return first ? { serverId, migrationId: first.id, type: migrationTypeOfRecord(first) } : null;
}
