/**
 * Migration records as Nova shows them
 * (nova/api/openstack/compute/server_migrations.py and migrations.py):
 * - `GET /servers/{id}/migrations[/{mid}]` (2.23+): in-progress live
 *   migrations with memory/disk progress; 2.59 adds `uuid`, 2.80
 *   `user_id`/`project_id`;
 * - `GET /os-migrations`: every migration; 2.23 adds `migration_type` and,
 *   for an in-progress live migration, `links`; 2.59 `uuid`; 2.80
 *   `user_id`/`project_id`.
 * The lab's own figures go into `vnflab:` keys (Nova has no downtime).
 */
import { VRESOURCE_TYPE_KEY, type VnflabMigrationFields } from '../../../protocols/nova/vnflab-extensions.js';
import { isInProgress } from '../records.js';
import { flavorName } from './server-view.js';
import type { VimMigration } from '../vim.js';
import { atLeast } from '../../../protocols/nova/microversion.js';
import type { ViewContext } from './server-view.js';
import { toMicros } from './time-format.js';

/** The lab's hosts all live on loopback; Nova's dest_host is the destination's IP. */
const LAB_HOST_IP = '127.0.0.1';

/**
 * A cold migration's statuses in Nova (nova/compute/manager.py resize path),
 * confirmed at once in the lab: pre-migrating, migrating, confirmed, error.
 */
const COLD_STATUS: Partial<Record<VimMigration['status'], string>> = {
  queued: 'pre-migrating',
  preparing: 'pre-migrating',
  running: 'migrating',
  completed: 'confirmed',
  failed: 'error',
};

function common(m: VimMigration): Record<string, unknown> {
  const status = m.migrationType === 'migration' ? (COLD_STATUS[m.status] ?? m.status) : m.status;
  return {
    id: m.id,
    created_at: toMicros(m.createdAt),
    updated_at: toMicros(m.updatedAt),
    status,
    source_compute: m.sourceHost,
    source_node: m.sourceHost,
    dest_compute: m.destHost,
    dest_node: m.destHost,
    dest_host: LAB_HOST_IP,
  };
}

function versioned(
  ctx: ViewContext,
  m: VimMigration,
  view: Record<string, unknown>,
): Record<string, unknown> {
  if (atLeast(ctx.version, '2.59')) view.uuid = m.uuid;
  if (atLeast(ctx.version, '2.80')) Object.assign(view, { user_id: ctx.userId, project_id: ctx.projectId });
  return Object.assign(view, labFigures(m));
}

/** Vendor keys: what the lab measured, null until known. */
export function labFigures(m: VimMigration): VnflabMigrationFields {
  return {
    'vnflab:downtime_ms': m.downtimeMs,
    'vnflab:total_time_ms': m.totalTimeMs,
    'vnflab:setup_time_ms': m.setupTimeMs,
    'vnflab:rounds': m.rounds,
    'vnflab:bytes_transferred': m.bytesTransferred,
    'vnflab:memory_verified': m.memoryVerified,
    'vnflab:timeline': m.timeline ?? null,
    'vnflab:hypervisor': m.hypervisor ?? null,
    'vnflab:released_allocation_ids': [...m.releasedAllocationIds],
    'vnflab:new_allocation_ids': [...m.newAllocationIds],
    'vnflab:error': m.error,
    [VRESOURCE_TYPE_KEY]: m.vResourceType ?? 'any',
    'vnflab:vresource_changes': m.vResourceChanges ?? null,
    'vnflab:storage_verified': m.storageVerified ?? null,
  };
}

/** An entry of GET /servers/{id}/migrations. */
export function serverMigrationView(ctx: ViewContext, m: VimMigration): Record<string, unknown> {
  return versioned(ctx, m, {
    ...common(m),
    server_uuid: m.serverId,
    memory_total_bytes: m.memoryTotalBytes,
    memory_processed_bytes: m.memoryProcessedBytes,
    memory_remaining_bytes: m.memoryRemainingBytes,
    // A volume move reports its mirror here; a whole-server move copies the volume in the memory stream.
    disk_total_bytes: m.diskTotalBytes ?? 0,
    disk_processed_bytes: m.diskProcessedBytes ?? 0,
    disk_remaining_bytes: m.diskRemainingBytes ?? 0,
  });
}

/** An entry of GET /os-migrations. */
export function osMigrationView(ctx: ViewContext, m: VimMigration): Record<string, unknown> {
  const flavorId = m.flavor === undefined ? 0 : flavorNumber(flavorName(m.flavor));
  const view: Record<string, unknown> = {
    ...common(m),
    instance_uuid: m.serverId,
    old_instance_type_id: flavorId,
    new_instance_type_id: flavorId,
  };
  if (atLeast(ctx.version, '2.23')) {
    view.migration_type = m.migrationType;
    if (m.migrationType === 'live-migration' && isInProgress(m)) {
      const path = `servers/${m.serverId}/migrations/${m.id}`;
      view.links = [
        { href: `${ctx.baseUrl}/${path}`, rel: 'self' },
        { href: `${ctx.rootUrl}/${path}`, rel: 'bookmark' },
      ];
    }
  }
  return versioned(ctx, m, view);
}

/** Nova's instance_type ids are database integers: a stable number per flavor shape. */
function flavorNumber(name: string): number {
  let h = 0;
  for (const c of name) h = (h * 31 + c.charCodeAt(0)) % 1_000_000;
  return h + 1;
}
