/**
 * VNFM.Migration.ValidateMigrationSuccess for one leg, from what the API
 * shows: the VMIM (null once deleted) and the VMI (null once deleted).
 * - VMIM `Succeeded` and the VMI on `migrationState.targetNode`: COMPLETED
 *   (while the VMI's nodeName still lags: IN_PROGRESS);
 * - VMIM `Failed`: FAILED with `migrationState.failureReason`, or "aborted"
 *   when an abort was requested;
 * - VMIM gone (deleted by abort): the VMI's `migrationState` for this VMIM's
 *   uid decides; with none, the VMIM was deleted before the migration
 *   started (cancelled);
 * - anything else (Pending ... Running, or being deleted): IN_PROGRESS.
 */
import type { MigrationStatus } from '../../ports/migrator.js';
import type { Leg } from './migration-handle.js';
import type { MigrationState, Vmi, Vmim } from './resources.js';

/** The migration state describing this leg's VMIM: the VMI's when its uid matches, else the VMIM's own. */
export function stateOf(leg: Leg, vmi: Vmi | null, vmim: Vmim | null): MigrationState | null {
  const fromVmi = vmi?.status.migrationState;
  if (fromVmi != null && fromVmi.migrationUid === leg.vmimUid) return fromVmi;
  const fromVmim = vmim?.status.migrationState;
  if (fromVmim != null && (fromVmim.migrationUid === undefined || fromVmim.migrationUid === leg.vmimUid))
    return fromVmim;
  return null;
}

export function legStatus(leg: Leg, vmi: Vmi | null, vmim: Vmim | null): MigrationStatus {
  const what = `migration ${leg.vmimName} of VMI ${leg.namespace}/${leg.vmiName}`;
  const state = stateOf(leg, vmi, vmim);
  const failure = (s: MigrationState | null, fallback: string): MigrationStatus => {
    if (s?.abortRequested === true || (s?.abortStatus !== undefined && s.abortStatus !== ''))
      return {
        state: 'FAILED',
        reason: `${what} aborted (VMIM deleted; abortStatus ${s.abortStatus ?? 'unknown'})${s.failureReason ? `: ${s.failureReason}` : ''}`,
      };
    return { state: 'FAILED', reason: `${what} failed: ${s?.failureReason ?? fallback}` };
  };
  if (vmim !== null) {
    const phase = vmim.status.phase ?? '';
    if (phase === 'Succeeded') {
      if (vmi === null) return { state: 'FAILED', reason: `${what}: the VMI was deleted` };
      const target = state?.targetNode;
      if (target !== undefined && vmi.status.nodeName !== target) return { state: 'IN_PROGRESS' };
      return { state: 'COMPLETED' };
    }
    if (phase === 'Failed') {
      const condition = vmim.status.conditions?.find((c) => c.status === 'True' && c.message !== undefined);
      return failure(state, condition?.message ?? 'VMIM phase Failed, no reason given');
    }
    return { state: 'IN_PROGRESS' };
  }
  if (vmi === null) return { state: 'FAILED', reason: `${what}: the VMI was deleted` };
  if (state === null)
    return {
      state: 'FAILED',
      reason: `${what} cancelled: the VMIM was deleted before the migration started`,
    };
  if (state.failed === true || state.abortRequested === true) return failure(state, 'no reason given');
  if (state.completed === true)
    return vmi.status.nodeName === state.targetNode ? { state: 'COMPLETED' } : { state: 'IN_PROGRESS' };
  return { state: 'FAILED', reason: `${what} cancelled: the VMIM was deleted before the migration finished` };
}

/** Several legs: FAILED if any failed (first reason), COMPLETED when all are, else IN_PROGRESS. */
export function combineStatuses(statuses: readonly MigrationStatus[]): MigrationStatus {
  const failed = statuses.find((s) => s.state === 'FAILED');
  if (failed !== undefined) return failed;
  if (statuses.length > 0 && statuses.every((s) => s.state === 'COMPLETED')) return { state: 'COMPLETED' };
  return { state: 'IN_PROGRESS' };
}
