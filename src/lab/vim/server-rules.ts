/**
 * The checks Nova makes before it acts on a server, with Nova's texts
 * (nova/exception.py InstanceInvalidState, the os-migrateLive prechecks),
 * as VimErrors carrying the status the API answers.
 */
import type { ServerRecord } from './records.js';
import { VimError, type ServerCreateRequest } from './vim.js';

/** 400 for a request the VIM cannot build (empty name, impossible flavor). */
export function validateCreate(req: ServerCreateRequest): void {
  const f = req.flavor;
  const bad: string[] = [];
  if (req.name.trim() === '') bad.push('name is empty');
  if (!Number.isInteger(f.vCpu) || f.vCpu < 1) bad.push('flavor.vCpu must be an integer >= 1');
  if (!Number.isInteger(f.memoryMiB) || f.memoryMiB < 1) bad.push('flavor.memoryMiB must be an integer >= 1');
  if (!Number.isInteger(f.storageGiB) || f.storageGiB < 0)
    bad.push('flavor.storageGiB must be an integer >= 0');
  if (!Number.isInteger(f.nics) || f.nics < 0) bad.push('flavor.nics must be an integer >= 0');
  const specialized = f.specializedNics ?? 0;
  if (!Number.isInteger(specialized) || specialized < 0 || specialized > f.nics)
    bad.push('flavor.specializedNics must be an integer between 0 and nics');
  if (bad.length > 0) throw new VimError(400, `Invalid server request: ${bad.join('; ')}`);
}

/** Nova's InstanceInvalidState text, for a vm_state that does not allow the action. */
export function vmStateConflict(action: string, server: ServerRecord): VimError {
  const vmState = {
    BUILD: 'building',
    SHUTOFF: 'stopped',
    ACTIVE: 'active',
    MIGRATING: 'active',
    ERROR: 'error',
  }[server.status];
  return new VimError(409, `Cannot '${action}' instance ${server.id} while it is in vm_state ${vmState}`, {
    code: 'VIM_INVALID_STATE',
  });
}

/** Nova's InstanceInvalidState text for a task (e.g. migrating) in progress. */
export function taskStateConflict(action: string, server: ServerRecord): VimError {
  return new VimError(
    409,
    `Cannot '${action}' instance ${server.id} while it is in task_state ${server.taskState}`,
    {
      code: server.taskState === 'migrating' ? 'VIM_MIGRATION_IN_PROGRESS' : 'VIM_INVALID_STATE',
    },
  );
}

/** The message of anything thrown. */
export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * Why Nova would refuse os-migrateLive for this server now (409 for its
 * state or what it is, 400 for a bad destination), or null.
 * Nova cannot live-migrate instances with PCI passthrough / SR-IOV devices.
 */
export function liveMigrateRefusal(
  server: ServerRecord,
  requestedHost: string | null,
  knownHost: (name: string) => boolean,
): VimError | null {
  const id = server.id;
  if (server.taskState !== null) return taskStateConflict('os-migrateLive', server);
  if (server.status !== 'ACTIVE') return vmStateConflict('os-migrateLive', server);
  if (!server.liveMigratable)
    return new VimError(
      409,
      `Instance ${id} may not be live-migrated: its VNFD declares no live migration.`,
      {
        code: 'VIM_NOT_LIVE_MIGRATABLE',
      },
    );
  const specialized =
    (server.flavor.specializedNics ?? 0) + server.allocations.filter((a) => a.specialized).length;
  if (specialized > 0)
    return new VimError(
      409,
      `Instance ${id} has specialized NICs (SR-IOV / PCI passthrough): live migration is not possible.`,
      { code: 'VIM_SPECIALIZED_NIC' },
    );
  if (requestedHost !== null && !knownHost(requestedHost))
    return new VimError(400, `Compute host ${requestedHost} could not be found.`, {
      code: 'VIM_HOST_NOT_FOUND',
    });
  if (requestedHost === server.host)
    return new VimError(400, `Unable to migrate instance (${id}) to current host (${server.host}).`);
  return null;
}

/**
 * Why Nova would refuse `migrate` (cold migration) now, or null: the server
 * must be ACTIVE or SHUTOFF with no task, the destination known and not
 * the source. PCI devices do not block a cold migration.
 */
export function coldMigrateRefusal(
  server: ServerRecord,
  requestedHost: string | null,
  knownHost: (name: string) => boolean,
): VimError | null {
  if (server.taskState !== null) return taskStateConflict('migrate', server);
  if (server.status !== 'ACTIVE' && server.status !== 'SHUTOFF') return vmStateConflict('migrate', server);
  if (requestedHost !== null && !knownHost(requestedHost))
    return new VimError(400, `Compute host ${requestedHost} could not be found.`, {
      code: 'VIM_HOST_NOT_FOUND',
    });
  if (requestedHost === server.host)
    return new VimError(400, `Unable to migrate instance (${server.id}) to current host (${server.host}).`);
  return null;
}
