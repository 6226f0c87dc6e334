/**
 * How far a KubeVirt migration has got, from what the API shows: the VMIM's
 * `status.phase` (Pending, Scheduling, Scheduled, PreparingTarget,
 * TargetReady, Running, Succeeded / Failed) and, once the migration runs,
 * the migration state's `mode` (PreCopy / PostCopy). KubeVirt reports the
 * bytes copied only as Prometheus metrics (kubevirt_vmi_migration_data_*),
 * not in the API, so there is no percent.
 */
import type { MigrationProgress } from '../../ports/migrator.js';
import type { MigrationState, Vmim } from './resources.js';

export function progressOfLegs(
  legs: readonly { vmim: Vmim | null; state: MigrationState | null }[],
): MigrationProgress | null {
  const phases = legs.map(({ vmim, state }) => {
    const phase = vmim?.status.phase;
    if (phase === undefined || phase === '') return null;
    return state?.mode !== undefined && phase === 'Running' ? `${phase} (${state.mode})` : phase;
  });
  if (phases.length === 0 || phases.some((p) => p === null)) return null;
  return { phase: [...new Set(phases)].join('/') };
}
