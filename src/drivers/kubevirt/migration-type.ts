/**
 * VNFM.Migration.GetMigrationType for VMIs, as rules checked in order; the
 * first that applies decides, and its text is the reason.
 * 1. The VMI does not exist: NONE (nothing to migrate).
 * 2. The VMI is not `Running`: NONE (KubeVirt migrates running VMIs only).
 * 3. Condition `LiveMigratable` is `True`: LIVE_MIGRATION (with
 *    `status.migrationMethod`, LiveMigration = shared storage, BlockMigration
 *    = the disks are copied too).
 * 4. `LiveMigratable` is `False`: NONE, with the condition's reason and
 *    message (DisksNotLiveMigratable, InterfaceNotLiveMigratable,
 *    HostDeviceNotLiveMigratable, ...). Never OFFLINE_MIGRATION: KubeVirt has
 *    no offline migration of a VMI - a VirtualMachine restarted elsewhere is
 *    a new VMI, not a migration - and this driver has no offline path, so
 *    announcing one would send TC_VNF_MIGRATE_003/004 into a trigger that
 *    must refuse.
 * 5. No `LiveMigratable` condition: NONE (virt-controller has not judged
 *    the VMI; KubeVirt's admission webhook refuses a VMIM then too).
 * For several VMIs the most restrictive answer wins.
 */
import type { MigrationType } from '../../ports/migrator.js';
import type { Vmi } from './resources.js';

export interface TypeDecision {
  readonly type: MigrationType;
  readonly reason: string;
}

/** Decide for one VMI (null: not found). */
export function migrationTypeOfVmi(ref: string, vmi: Vmi | null): TypeDecision {
  if (vmi === null) return { type: 'NONE', reason: `VMI ${ref} does not exist` };
  const phase = vmi.status.phase ?? 'unknown';
  if (phase !== 'Running')
    return { type: 'NONE', reason: `VMI ${ref} is ${phase}: only a Running VMI can be migrated` };
  const condition = vmi.status.conditions?.find((c) => c.type === 'LiveMigratable');
  if (condition === undefined)
    return { type: 'NONE', reason: `VMI ${ref} has no LiveMigratable condition yet` };
  if (condition.status === 'True') {
    const method = vmi.status.migrationMethod;
    return {
      type: 'LIVE_MIGRATION',
      reason: `VMI ${ref}: LiveMigratable=True${method === undefined ? '' : `, migrationMethod ${method}`}`,
    };
  }
  const why = [condition.reason, condition.message].filter((s) => s !== undefined && s !== '').join(': ');
  const owner = vmi.metadata.ownerReferences?.find((o) => o.kind === 'VirtualMachine');
  return {
    type: 'NONE',
    reason:
      `VMI ${ref}: LiveMigratable=${condition.status}${why === '' ? '' : ` (${why})`}; KubeVirt has no offline migration` +
      (owner === undefined
        ? ''
        : ` (VirtualMachine ${owner.name} could be restarted elsewhere, which is not a migration)`),
  };
}

/** Combine per-VMI decisions: NONE if any is NONE (with those reasons), else LIVE_MIGRATION. */
export function combineDecisions(decisions: readonly TypeDecision[]): TypeDecision {
  if (decisions.length === 0) return { type: 'NONE', reason: 'the VNF has no compute resources' };
  const none = decisions.filter((d) => d.type !== 'LIVE_MIGRATION');
  const deciding = none.length > 0 ? none : decisions;
  return { type: deciding[0]?.type ?? 'NONE', reason: deciding.map((d) => d.reason).join('; ') };
}
