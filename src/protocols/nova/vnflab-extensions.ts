/**
 * The embedded lab's vendor extensions to the Compute API, in one place for
 * the server (lab/vim/nova) and the client (drivers/nova). Nova allows
 * vendor keys in its documents (`OS-EXT-*` are Nova's own); the lab's are
 * `vnflab:*`, absent from a real Nova, and the driver reads them only when
 * present. The server's views are typed against these shapes, so a key
 * spelled differently on one side does not compile.
 */
import { z } from 'zod';

const nullableString = z.string().nullable();
const nullableNumber = z.number().nullable();

/** The key of the vResource type to move, in an os-migrateLive body and on a migration record. */
export const VRESOURCE_TYPE_KEY = 'vnflab:vresource_type';

/** One vResource allocation of a server. */
export const vnflabAllocationSchema = z.object({
  id: z.string(),
  kind: z.string(),
  amount: z.number(),
  unit: z.string(),
  host: z.string(),
  specialized: z.boolean().optional(),
  /** vCPU: the host cores the vCPUs are pinned to. */
  pinned_cores: z.array(z.number()).optional(),
  /** vStorage: the storage pool of the volume. */
  pool: z.string().optional(),
});

/** The lab's keys on a server document. */
export const vnflabServerFields = {
  'vnflab:allocations': z.array(vnflabAllocationSchema).optional(),
  'vnflab:live_migratable': z.boolean().optional(),
  'vnflab:data_plane': z
    .object({ ingress: z.object({ host: z.string(), port: z.number() }) })
    .nullable()
    .optional(),
  'vnflab:management': z.object({ url: z.string() }).nullable().optional(),
};
export type VnflabServerFields = z.input<z.ZodObject<typeof vnflabServerFields>>;

/** The hypervisor's own figures (ports/migrator.ts HypervisorMigrationFigures; the lab on QEMU). */
const hypervisorFigures = z.object({
  name: z.string(),
  downtimeMs: nullableNumber,
  totalTimeMs: nullableNumber,
  setupTimeMs: nullableNumber,
  ramTotalBytes: nullableNumber,
  ramTransferredBytes: nullableNumber,
  dirtySyncCount: nullableNumber,
  mbps: nullableNumber,
  errorDesc: nullableString,
});

/** What moved, for a move of one vResource type (lab/vim/vim.ts VResourceChanges). */
export const vnflabVResourceChangesSchema = z.object({
  vResourceType: z.string(),
  moved: z.string(),
  before: z.record(z.string(), z.unknown()),
  after: z.record(z.string(), z.unknown()),
});

/** The lab's keys on a migration record: what it measured, null until known. */
export const vnflabMigrationFields = {
  'vnflab:downtime_ms': nullableNumber.optional(),
  'vnflab:total_time_ms': nullableNumber.optional(),
  'vnflab:setup_time_ms': nullableNumber.optional(),
  'vnflab:rounds': nullableNumber.optional(),
  'vnflab:bytes_transferred': nullableNumber.optional(),
  'vnflab:memory_verified': z.boolean().nullable().optional(),
  'vnflab:released_allocation_ids': z.array(z.string()).optional(),
  'vnflab:new_allocation_ids': z.array(z.string()).optional(),
  'vnflab:error': nullableString.optional(),
  'vnflab:hypervisor': hypervisorFigures.nullable().optional(),
  /** Switch-over instants, monotonic ns as decimal strings (lab/vim/vim.ts MigrationTimeline). */
  'vnflab:timeline': z
    .object({
      pausedAtNs: nullableString,
      resumedAtNs: nullableString,
      switchedAtNs: nullableString,
      firstForwardAtNs: nullableString,
    })
    .nullable()
    .optional(),
  [VRESOURCE_TYPE_KEY]: z.string().optional(),
  'vnflab:vresource_changes': vnflabVResourceChangesSchema.nullable().optional(),
  'vnflab:storage_verified': z.boolean().nullable().optional(),
};
export type VnflabMigrationFields = z.input<z.ZodObject<typeof vnflabMigrationFields>>;
