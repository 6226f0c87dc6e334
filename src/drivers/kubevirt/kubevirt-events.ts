/**
 * The instants KubeVirt records of a migration, as VIM events. From
 * kubevirt.io/v1 (staging/src/kubevirt.io/api/core/v1/types.go):
 *
 * - the VMIM's `status.phaseTransitionTimestamps` (virt-controller): every
 *   phase up to Running is before the switch-over (the move begins at or
 *   after each); Succeeded says the move was over;
 * - the migration state (the VMI's `status.migrationState`, newer KubeVirt
 *   also on the VMIM): `startTimestamp` "the time the migration action
 *   began", `endTimestamp` "the time the migration action ended" (the move
 *   was over, when it completed and did not fail), and
 *   `targetNodeDomainReadyTimestamp` (newer: `targetState.domainReadyTimestamp`)
 *   "the timestamp at which the target node detects the domain is active":
 *   the guest ran on the destination, the switch-over was over.
 *
 * Resolution: whole seconds (`metav1.Time` serialises RFC 3339 without a
 * fraction), stamped on the nodes' clocks (virt-controller's, the source's
 * and the target's virt-handler).
 */
import type { VimEventMark } from '../../ports/migrator.js';
import type { RawVimEvent } from '../vim-events.js';
import type { MigrationState, Vmim } from './resources.js';

/** `metav1.Time` resolution. */
export const KUBEVIRT_RESOLUTION_MS = 1_000;

/** VMIM phases before the switch-over (kubevirt.io/v1 VirtualMachineInstanceMigrationPhase). */
const BEFORE_SWITCH_OVER = [
  'Pending',
  'WaitingForSync',
  'Synchronizing',
  'Scheduling',
  'Scheduled',
  'PreparingTarget',
  'TargetReady',
  'Running',
];

export function kubevirtVimEvents(
  vmi: string,
  vmim: Vmim | null,
  state: MigrationState | null,
): RawVimEvent[] {
  const out: RawVimEvent[] = [];
  const add = (name: string, marks: VimEventMark, source: string, at: string | null | undefined): void =>
    void out.push({ name, marks, source, at, resolutionMs: KUBEVIRT_RESOLUTION_MS });
  if (vmim !== null) {
    const source = `kubevirt VMIM ${vmim.metadata.name} status`;
    for (const t of vmim.status.phaseTransitionTimestamps ?? []) {
      const marks: VimEventMark = BEFORE_SWITCH_OVER.includes(t.phase)
        ? 'moveStart'
        : t.phase === 'Succeeded'
          ? 'moveEnd'
          : 'info';
      add(`phaseTransitionTimestamps ${t.phase}`, marks, source, t.phaseTransitionTimestamp);
    }
  }
  if (state !== null) {
    const source = `kubevirt VMI ${vmi} status.migrationState`;
    const succeeded = state.completed === true && state.failed !== true;
    add('migrationState.startTimestamp', 'moveStart', source, state.startTimestamp);
    const ready = state.targetState?.domainReadyTimestamp ?? state.targetNodeDomainReadyTimestamp;
    const readyName = state.targetState?.domainReadyTimestamp
      ? 'migrationState.targetState.domainReadyTimestamp'
      : 'migrationState.targetNodeDomainReadyTimestamp';
    add(readyName, succeeded ? 'switchOverEnded' : 'info', source, ready);
    add(
      `migrationState.endTimestamp${succeeded ? '' : state.failed === true ? ' (failed)' : ''}`,
      succeeded ? 'moveEnd' : 'info',
      source,
      state.endTimestamp,
    );
  }
  return out;
}
