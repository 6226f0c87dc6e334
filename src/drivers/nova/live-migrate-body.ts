/**
 * The migration action bodies this driver sends.
 *
 * `os-migrateLive`, per negotiated microversion
 * (Nova API reference, "Live-Migrate Server (os-migrateLive Action)"):
 * - below 2.25: host, block_migration=false, disk_over_commit=false (all required);
 * - 2.25: block_migration="auto" (Nova decides from the storage), no disk_over_commit;
 * - 2.30 to 2.67: force=false as well when a host is named (never bypass the
 *   scheduler's checks; force means nothing without a host, and the 2.65
 *   sample with host null omits it);
 * - from 2.68: force is gone.
 * host null lets the scheduler choose the destination.
 */
import { atLeast, type Microversion } from './microversion.js';

export function liveMigrateBody(
  v: Microversion,
  host: string | null,
): { 'os-migrateLive': Record<string, unknown> } {
  if (!atLeast(v, '2.25'))
    return { 'os-migrateLive': { host, block_migration: false, disk_over_commit: false } };
  if (atLeast(v, '2.30') && !atLeast(v, '2.68') && host !== null)
    return { 'os-migrateLive': { host, block_migration: 'auto', force: false } };
  return { 'os-migrateLive': { host, block_migration: 'auto' } };
}

/**
 * `migrate` (cold migration, Nova API reference "Migrate Server"): null
 * before 2.56; from 2.56 `{"host": ...}` may name the destination.
 */
export function migrateBody(v: Microversion, host: string | null): { migrate: { host: string } | null } {
  return { migrate: host !== null && atLeast(v, '2.56') ? { host } : null };
}
