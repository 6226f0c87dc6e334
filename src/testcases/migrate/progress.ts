/**
 * The MIGRATE family's live figures (TestCaseDefinition.progress): the open
 * traffic window's counters while traffic runs (Traffic.readWindow: the
 * builtin answers from its receiver thread's counters, one message each
 * way, see BENCHMARKS.md "Live progress"), and the move's progress while it
 * runs, as the target reports it (Migrator.readMigrationProgress, where the
 * driver has it).
 */
import type { ProgressSample } from '../../report/progress.js';
import { monoMs } from '../../util/clock.js';
import type { MigrateContext } from './context.js';

export async function migrateProgress(ctx: MigrateContext): Promise<ProgressSample> {
  const [traffic, migration] = await Promise.all([readTraffic(ctx), readMove(ctx)]);
  return { traffic, migration };
}

async function readTraffic(ctx: MigrateContext): Promise<ProgressSample['traffic']> {
  if (!ctx.state.trafficRunning) return null;
  const w = await ctx.traffic.readWindow().catch(() => null);
  if (w === null) return null;
  return { window: w.name, sent: w.sent, received: w.received, lost: w.lost, atMs: monoMs() };
}

async function readMove(ctx: MigrateContext): Promise<ProgressSample['migration']> {
  const handle = ctx.state.migration;
  const read = ctx.migrator.readMigrationProgress?.bind(ctx.migrator);
  // Once the move completed the record has its figures; the target has no more progress to tell.
  if (handle === null || read === undefined || ctx.result.timeRecord.completevResourceMigration !== null)
    return null;
  return read(handle).catch(() => null);
}
