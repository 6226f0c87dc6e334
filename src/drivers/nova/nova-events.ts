/**
 * The instants Nova records of a migration, as VIM events:
 *
 * - the migration record (os-migrations): `created_at` (the conductor made
 *   it: the move begins at or after it) and, once finished, `updated_at`
 *   (the last update: its status set to completed / error, so the move was
 *   over by then);
 * - the request's instance action (os-instance-actions/{request_id}): the
 *   action's `start_time` (the API took the request) and each event's
 *   `start_time` / `finish_time`, stamped by the service that ran it.
 *
 * What each event tells (nova/compute/manager.py, live migration):
 * `compute_pre_live_migration` runs on the destination before the
 * transfer; `compute_live_migration` starts on the source when the
 * transfer is queued and finishes as soon as it is queued (since Pike the
 * transfer runs in an executor), so its finish says nothing of the end;
 * `compute_post_live_migration_at_destination` is called by the source once
 * the hypervisor reported the guest running on the destination (its start:
 * the switch-over is over) and sets the server's host and clears its task
 * (its finish: the move is over, as the harness's poll sees it). A cold
 * migration's `compute_finish_resize` finish is its switch-over's end.
 *
 * Resolution: whole seconds, for every Nova timestamp. The migration
 * record's times come from DATETIME columns (".000000" in every sample);
 * instance action events print microseconds, but the columns are DATETIME
 * too (MySQL keeps no fraction by default) and are stamped on different
 * hosts (API, conductor, both computes), so only whole seconds are trusted.
 */
import type { RawVimEvent } from '../vim-events.js';
import type { VimEventMark } from '../../ports/migrator.js';
import type { NovaInstanceAction, NovaMigration } from './schemas.js';
import { DONE, FAILED } from './migration-handle.js';

/** Nova's timestamps are trusted to whole seconds (see the header). */
export const NOVA_RESOLUTION_MS = 1_000;

/** What the start and finish of each known instance action event tell about the move. */
const EVENT_MARKS: Record<string, { start: VimEventMark; finish: VimEventMark }> = {
  conductor_live_migrate_instance: { start: 'moveStart', finish: 'info' },
  compute_check_can_live_migrate_destination: { start: 'moveStart', finish: 'info' },
  compute_check_can_live_migrate_source: { start: 'moveStart', finish: 'info' },
  compute_pre_live_migration: { start: 'moveStart', finish: 'info' },
  compute_live_migration: { start: 'moveStart', finish: 'info' },
  compute_post_live_migration_at_destination: { start: 'switchOverEnded', finish: 'moveEnd' },
  // Cold migration (Nova `migrate`, the resize flow).
  conductor_migrate_server: { start: 'moveStart', finish: 'info' },
  compute_prep_resize: { start: 'moveStart', finish: 'info' },
  compute_resize_instance: { start: 'moveStart', finish: 'info' },
  compute_finish_resize: { start: 'info', finish: 'switchOverEnded' },
};

/** The events of one leg: its migration record and, where read, its instance action. */
export function novaVimEvents(
  serverId: string,
  migration: NovaMigration,
  action: NovaInstanceAction | null,
): RawVimEvent[] {
  const of = (what: string): string => `nova ${what} (server ${serverId})`;
  const ended = DONE.includes(migration.status) || FAILED.includes(migration.status);
  const out: RawVimEvent[] = [
    {
      name: `migration ${migration.id} created_at`,
      marks: 'moveStart',
      source: of('os-migrations'),
      at: migration.created_at,
      resolutionMs: NOVA_RESOLUTION_MS,
    },
    {
      name: `migration ${migration.id} updated_at (${migration.status})`,
      marks: ended ? 'moveEnd' : 'info',
      source: of('os-migrations'),
      at: migration.updated_at,
      resolutionMs: NOVA_RESOLUTION_MS,
    },
  ];
  if (action === null) return out;
  const source = of(`os-instance-actions ${action.request_id}`);
  out.push({
    name: `${action.action} action start_time`,
    marks: 'moveStart',
    source,
    at: action.start_time,
    resolutionMs: NOVA_RESOLUTION_MS,
  });
  for (const e of action.events) {
    const marks = EVENT_MARKS[e.event] ?? { start: 'info', finish: 'info' };
    // A failed event ends nothing the verdict places loss on.
    const ok = e.result !== 'Error';
    out.push({
      name: `${e.event} start_time`,
      marks: marks.start,
      source,
      at: e.start_time,
      resolutionMs: NOVA_RESOLUTION_MS,
    });
    out.push({
      name: `${e.event} finish_time${e.result === null ? '' : ` (${e.result})`}`,
      marks: ok ? marks.finish : 'info',
      source,
      at: e.finish_time,
      resolutionMs: NOVA_RESOLUTION_MS,
    });
  }
  return out;
}

/** The instance action name of a migration type. */
export function actionNameOf(migrationType: string | undefined, offline: boolean): string {
  if (migrationType === 'live-migration') return 'live-migration';
  if (migrationType === 'migration' || migrationType === 'resize') return 'migrate';
  return offline ? 'migrate' : 'live-migration';
}
