/**
 * A live migration's progress from Nova's server migration records
 * (`GET /servers/{id}/migrations/{mid}`, 2.23+: `memory_total_bytes`,
 * `memory_processed_bytes`, `memory_remaining_bytes`, filled by the compute
 * host from libvirt's job info while the migration runs, null before).
 * Several legs (one per VNFC server) add up.
 */
import type { MigrationProgress } from '../../ports/migrator.js';
import type { z } from 'zod';
import type { serverMigrationSchema } from './schemas.js';

export type NovaServerMigration = z.infer<typeof serverMigrationSchema>;

export function progressOf(records: readonly NovaServerMigration[]): MigrationProgress | null {
  const [first] = records;
  if (first === undefined) return null;
  const phases = [...new Set(records.map((m) => m.status))];
  const sum = (f: (m: NovaServerMigration) => number | null): number | undefined =>
    records.every((m) => f(m) !== null) ? records.reduce((n, m) => n + (f(m) ?? 0), 0) : undefined;
  const total = sum((m) => m.memory_total_bytes);
  const processed = sum((m) => m.memory_processed_bytes);
  const remaining = sum((m) => m.memory_remaining_bytes);
  // Pre-copy re-sends dirtied pages: processed can pass the total, remaining is what says how far it got.
  const percent =
    total === undefined || total <= 0 || remaining === undefined
      ? undefined
      : Math.max(0, Math.min(100, (100 * (total - remaining)) / total));
  return {
    phase: phases.join('/'),
    ...(processed === undefined ? {} : { memoryProcessedBytes: processed }),
    ...(total === undefined ? {} : { memoryTotalBytes: total }),
    ...(remaining === undefined ? {} : { memoryRemainingBytes: remaining }),
    ...(percent === undefined ? {} : { percent }),
  };
}
