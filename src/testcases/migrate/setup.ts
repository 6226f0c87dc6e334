/**
 * What a MIGRATE run starts from: its empty record (every field the spec's
 * pseudo-code names, not yet measured) and the context its steps share,
 * built from the ports the composition root hands over.
 */
import type { LabDropWatch } from '../../ports/lab-drops.js';
import { isAbsolute, resolve } from 'node:path';
import type { RunConfig } from '../../config/schema.js';
import type { TcLogger } from '../../ports/logger.js';
import type { Ports } from '../../ports/ports.js';
import {
  emptyTimeRecord,
  emptyTrafficRecord,
  RESULT_SCHEMA_VERSION,
  type TcResult,
} from '../../record/result.js';
import type { CleanupStack } from '../../runner/cleanup-stack.js';
import { stepRecords, type TestCaseDefinition } from '../../runner/step.js';
import { isoNow } from '../../util/clock.js';
import { emptyMigrateState, type MigrateContext } from './context.js';
import { recordTrafficTotals } from './steps.js';

/** The ports a MIGRATE case talks to, as the composition root built them. */
export interface MigratePorts extends Ports {
  /** additionalParams the harness adds to instantiation. */
  readonly harnessInstantiateParams: Record<string, unknown>;
  /** The embedded process lab's per-hop drops, watched while traffic runs; null: not the process lab. */
  readonly labDrops: LabDropWatch | null;
}

export function newMigrateRecord(
  testCase: TestCaseDefinition<MigrateContext>,
  config: RunConfig,
  version: string,
): TcResult {
  return {
    schemaVersion: RESULT_SCHEMA_VERSION,
    testCase: testCase.id,
    title: testCase.title,
    overallStatus: 'ERROR',
    failure: null,
    complete: false,
    lastSavedAt: null,
    startedAt: isoNow(),
    endedAt: null,
    durationMs: null,
    tcInput: { ...config.tcInput, trafficConfigParameter: config.traffic },
    environment: { vnflab: version, node: process.version, platform: `${process.platform}-${process.arch}` },
    steps: stepRecords(testCase as TestCaseDefinition<unknown>),
    timeRecord: emptyTimeRecord(),
    resourceList: { initialVnfd: null, activeResource: null, afterMigration: null, released: null },
    traffic: emptyTrafficRecord(),
    migration: {
      migrationType: null,
      migrationTypeReason: null,
      vResourceType: config.tcInput.vResourceType,
      triggerType: config.tcInput.triggerType,
      initiatedBy: null,
      migrationId: null,
    },
    disruption: null,
    verdict: null,
    cleanup: [],
    vnfInstanceId: null,
  };
}

export interface MigrateContextInput {
  readonly testCaseId: string;
  readonly config: RunConfig;
  readonly log: TcLogger;
  readonly result: TcResult;
  readonly cleanup: CleanupStack;
  readonly signal: AbortSignal;
  readonly ports: MigratePorts;
  /** The folder tcInput file paths are relative to (the config file's). */
  readonly baseDir: string;
}

export function migrateContext(i: MigrateContextInput): MigrateContext {
  const { ports } = i;
  const ctx: MigrateContext = {
    testCaseId: i.testCaseId,
    config: i.config,
    log: i.log,
    result: i.result,
    cleanup: i.cleanup,
    signal: i.signal,
    vnfm: ports.vnfm,
    migrator: ports.migrator,
    traffic: ports.traffic,
    em: ports.em,
    vnfConfigurator: ports.vnfConfigurator,
    vnfAgent: ports.vnfAgent,
    recordTrafficTotals: (totals) => recordTrafficTotals(ctx, totals),
    harnessInstantiateParams: ports.harnessInstantiateParams,
    labDrops: ports.labDrops,
    resolveFile: (p) => (isAbsolute(p) ? p : resolve(i.baseDir, p)),
    state: emptyMigrateState(),
  };
  return ctx;
}
