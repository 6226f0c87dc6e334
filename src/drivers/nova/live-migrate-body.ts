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
 *
 * The spec's vResourceType has no Nova parameter: a real Nova moves the
 * whole server whatever the type (memory, vCPUs, disks and ports together).
 * Only to the embedded lab (recognised by the `vnflab:` fields on its
 * servers) the driver adds the vendor key `"vnflab:vresource_type"`, which
 * makes the lab move just that vResource; a real Nova would reject the
 * unknown key (additionalProperties: false in its schema).
 */
import type { VResourceType } from '../../ports/vnfm.js';
import { atLeast, type Microversion } from '../../protocols/nova/microversion.js';
import { VRESOURCE_TYPE_KEY } from '../../protocols/nova/vnflab-extensions.js';

export function liveMigrateBody(
  v: Microversion,
  host: string | null,
  lab: { vResourceType: VResourceType } | null = null,
): { 'os-migrateLive': Record<string, unknown> } {
  const vendor = lab === null ? {} : { [VRESOURCE_TYPE_KEY]: lab.vResourceType };
  if (!atLeast(v, '2.25'))
    return { 'os-migrateLive': { host, block_migration: false, disk_over_commit: false, ...vendor } };
  if (atLeast(v, '2.30') && !atLeast(v, '2.68') && host !== null)
    return { 'os-migrateLive': { host, block_migration: 'auto', force: false, ...vendor } };
  return { 'os-migrateLive': { host, block_migration: 'auto', ...vendor } };
}

/**
 * `migrate` (cold migration, Nova API reference "Migrate Server"): null
 * before 2.56; from 2.56 `{"host": ...}` may name the destination.
 */
export function migrateBody(v: Microversion, host: string | null): { migrate: { host: string } | null } {
  return { migrate: host !== null && atLeast(v, '2.56') ? { host } : null };
}
