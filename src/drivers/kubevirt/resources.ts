/**
 * The parts of KubeVirt (`kubevirt.io/v1`) and core/v1 objects the driver
 * reads, as zod schemas: only fields it uses are declared, unknown fields
 * pass, everything KubeVirt may leave unset is optional. Field names are
 * those of KubeVirt's API (`VirtualMachineInstanceStatus`,
 * `VirtualMachineInstanceMigrationState`, `VirtualMachineInstanceMigrationStatus`);
 * the round-trip fixture of kubevirt/api parses (resources.test.ts).
 */
import { z } from 'zod';

/** API group / version / plurals of the custom resources. */
export const KUBEVIRT_GROUP = 'kubevirt.io';
export const KUBEVIRT_VERSION = 'v1';
export const VMI_PLURAL = 'virtualmachineinstances';
export const VMIM_PLURAL = 'virtualmachineinstancemigrations';

const metadataSchema = z.object({
  name: z.string(),
  namespace: z.string().optional(),
  uid: z.string().optional(),
  deletionTimestamp: z.string().nullish(),
  ownerReferences: z.array(z.object({ kind: z.string(), name: z.string() })).optional(),
});

/** `VirtualMachineInstanceMigrationState`: the VMI's record of its last migration. */
export const migrationStateSchema = z.object({
  startTimestamp: z.string().nullish(),
  endTimestamp: z.string().nullish(),
  sourceNode: z.string().optional(),
  targetNode: z.string().optional(),
  sourcePod: z.string().optional(),
  targetPod: z.string().optional(),
  completed: z.boolean().optional(),
  failed: z.boolean().optional(),
  abortRequested: z.boolean().optional(),
  /** Aborting / Succeeded / Failed. */
  abortStatus: z.string().optional(),
  failureReason: z.string().optional(),
  migrationUid: z.string().optional(),
  /** PreCopy / PostCopy. */
  mode: z.string().optional(),
  /** When the target node saw the domain active (KubeVirt 0.x-1.x; whole seconds). */
  targetNodeDomainReadyTimestamp: z.string().nullish(),
  /** Newer KubeVirt's copy of it in the target's state. */
  targetState: z.object({ domainReadyTimestamp: z.string().nullish() }).nullish(),
});
export type MigrationState = z.infer<typeof migrationStateSchema>;

export const conditionSchema = z.object({
  type: z.string(),
  status: z.string(),
  reason: z.string().optional(),
  message: z.string().optional(),
});

export const vmiSchema = z.object({
  metadata: metadataSchema,
  status: z
    .object({
      phase: z.string().optional(),
      nodeName: z.string().optional(),
      conditions: z.array(conditionSchema).optional(),
      migrationState: migrationStateSchema.nullish(),
      /** BlockMigration / LiveMigration. */
      migrationMethod: z.string().optional(),
    })
    .default({}),
});
export type Vmi = z.infer<typeof vmiSchema>;

/** VMIM phases (kubevirt.io/v1 `VirtualMachineInstanceMigrationPhase`). */
export const VMIM_FINAL_PHASES: readonly string[] = ['Succeeded', 'Failed'];

export const vmimSchema = z.object({
  metadata: metadataSchema,
  spec: z.object({
    vmiName: z.string(),
    addedNodeSelector: z.record(z.string(), z.string()).optional(),
  }),
  status: z
    .object({
      phase: z.string().optional(),
      phaseTransitionTimestamps: z
        .array(z.object({ phase: z.string(), phaseTransitionTimestamp: z.string() }))
        .optional(),
      conditions: z.array(conditionSchema).optional(),
      /** Newer KubeVirt copies the migration state onto the VMIM too. */
      migrationState: migrationStateSchema.nullish(),
    })
    .default({}),
});
export type Vmim = z.infer<typeof vmimSchema>;

export const vmimListSchema = z.object({ items: z.array(vmimSchema) });

/** Pod phases after which a pod holds no node resources (the scheduler no longer counts it). */
export const POD_TERMINAL_PHASES: readonly string[] = ['Succeeded', 'Failed'];
/** VMI phases after which the VMI is gone from its node. */
export const VMI_TERMINAL_PHASES: readonly string[] = ['Succeeded', 'Failed'];

/** A Kubernetes `metav1.Time` (RFC 3339, whole seconds) as epoch ms; null when absent or unparsable. */
export function timeMs(t: string | null | undefined): number | null {
  if (t === undefined || t === null) return null;
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? null : ms;
}
