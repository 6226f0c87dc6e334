/**
 * The VIM's mutable records of servers and migrations, and the snapshots it
 * hands out (callers never hold a live record).
 */
import type { VmSpec } from '../hypervisor/hypervisor.js';
import type { Server, VimMigration } from './vim.js';

export type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** A live migration's control block: the abort flag and the background run. */
export interface MigrationControl {
  abortRequested: boolean;
  /** Settles when the migration reached a final status. */
  done: Promise<void>;
}

export interface ServerRecord extends Mutable<Server> {
  /** What the VM was created with (also the spec of an incoming VM). */
  readonly vmSpec: VmSpec;
}

export interface MigrationRecord extends Mutable<VimMigration> {
  control: MigrationControl;
}

export function serverSnapshot(record: ServerRecord): Server {
  const { vmSpec: _vmSpec, ...server } = record;
  return structuredClone(server);
}

export function migrationSnapshot(record: MigrationRecord): VimMigration {
  const { control: _control, ...migration } = record;
  return structuredClone(migration);
}

/** Statuses of a migration still under way (Nova: queued, preparing, running). */
export const IN_PROGRESS_STATUSES: readonly VimMigration['status'][] = ['queued', 'preparing', 'running'];

export function isInProgress(m: VimMigration): boolean {
  return IN_PROGRESS_STATUSES.includes(m.status);
}
