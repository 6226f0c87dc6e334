/**
 * The parts of Keystone and Nova responses the driver reads, as zod
 * schemas: only fields the driver uses are declared (others are ignored),
 * and fields that appear from some microversion on are optional, so every
 * sample of Nova's API reference parses (see schemas.test.ts).
 */
import { z } from 'zod';
import { vnflabMigrationFields, vnflabServerFields } from '../../protocols/nova/vnflab-extensions.js';

const nullableString = z.string().nullable();
const nullableNumber = z.number().nullable();

/** GET / (version list). */
export const versionsListSchema = z.object({
  versions: z.array(
    z.object({ id: z.string(), status: z.string(), version: z.string(), min_version: z.string() }),
  ),
});

/** GET /v2.1/ (one version). */
export const versionDocSchema = z.object({
  version: z.object({ id: z.string(), status: z.string(), version: z.string(), min_version: z.string() }),
});

/** POST /v3/auth/tokens body. */
export const tokenSchema = z.object({
  token: z.object({
    expires_at: z.string(),
    project: z.object({ id: z.string() }).optional(),
    catalog: z
      .array(
        z.object({
          type: z.string(),
          name: z.string().optional(),
          endpoints: z.array(
            z.object({
              interface: z.string(),
              url: z.string(),
              region: nullableString.optional(),
              region_id: nullableString.optional(),
            }),
          ),
        }),
      )
      .default([]),
  }),
});

export const serverSchema = z.object({
  id: z.string(),
  name: z.string(),
  status: z.string(),
  'OS-EXT-SRV-ATTR:host': nullableString.optional(),
  'OS-EXT-STS:task_state': nullableString.optional(),
  'OS-EXT-STS:vm_state': nullableString.optional(),
  flavor: z.object({
    id: z.string().optional(),
    original_name: z.string().optional(),
    extra_specs: z.record(z.string(), z.string()).optional(),
  }),
  metadata: z.record(z.string(), z.string()).default({}),
  fault: z.object({ code: z.number(), message: z.string() }).optional(),
  ...vnflabServerFields,
});
export type NovaServer = z.infer<typeof serverSchema>;

export const serverResponseSchema = z.object({ server: serverSchema });
export const serversDetailSchema = z.object({ servers: z.array(serverSchema) });

const migrationCommon = {
  id: z.number(),
  status: z.string(),
  created_at: z.string(),
  updated_at: nullableString,
  source_compute: nullableString,
  dest_compute: nullableString,
  uuid: z.string().optional(),
  ...vnflabMigrationFields,
};

/** GET /servers/{id}/migrations[/{mid}] entry (2.23+). */
export const serverMigrationSchema = z.object({
  ...migrationCommon,
  server_uuid: z.string(),
  memory_total_bytes: nullableNumber,
  memory_processed_bytes: nullableNumber,
  memory_remaining_bytes: nullableNumber,
});
export const serverMigrationResponseSchema = z.object({ migration: serverMigrationSchema });
export const serverMigrationsSchema = z.object({ migrations: z.array(serverMigrationSchema) });

/** GET /os-migrations entry. */
export const osMigrationSchema = z.object({
  ...migrationCommon,
  instance_uuid: z.string(),
  migration_type: z.string().optional(),
});
export type NovaMigration = z.infer<typeof osMigrationSchema>;
export const osMigrationsSchema = z.object({
  migrations: z.array(osMigrationSchema),
  migrations_links: z.array(z.object({ href: z.string(), rel: z.string() })).optional(),
});

const instanceActionCommon = {
  action: z.string(),
  instance_uuid: z.string(),
  request_id: z.string(),
  message: nullableString,
  start_time: z.string(),
};

export const instanceActionsSchema = z.object({
  instanceActions: z.array(z.object(instanceActionCommon)),
});

export const instanceActionSchema = z.object({
  instanceAction: z.object({
    ...instanceActionCommon,
    events: z
      .array(
        z.object({
          event: z.string(),
          result: nullableString,
          start_time: z.string(),
          finish_time: nullableString,
          traceback: nullableString.optional(),
          details: nullableString.optional(),
        }),
      )
      .default([]),
  }),
});
export type NovaInstanceAction = z.infer<typeof instanceActionSchema>['instanceAction'];
