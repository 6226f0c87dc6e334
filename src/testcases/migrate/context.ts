/**
 * What the MIGRATE family's steps share: the ports, the run's record, the
 * cleanup stack, and the state one step hands to the next.
 */
import type { LabDropWatch } from '../../ports/lab-drops.js';
import type { RunConfig } from '../../config/schema.js';
import type { TcLogger } from '../../ports/logger.js';
import type { MigrationHandle, MigrationSubject } from '../../ports/migrator.js';
import type { Ports } from '../../ports/ports.js';
import type { TrafficTotals } from '../../ports/traffic.js';
import type { Endpoint } from '../../util/outcome.js';
import { VnflabBugError } from '../../util/errors.js';
import type { LcmOperation, VResource, VnfRecord } from '../../ports/vnfm.js';
import type { CleanupHandle, CleanupStack } from '../../runner/cleanup-stack.js';
import type { TcResult } from '../../record/result.js';

export interface MigrateContext extends Ports {
  readonly testCaseId: string;
  readonly config: RunConfig;
  readonly log: TcLogger;
  readonly result: TcResult;
  readonly cleanup: CleanupStack;
  readonly signal: AbortSignal;
  /** Add a traffic session's totals to the record (the load trigger restarts traffic). */
  readonly recordTrafficTotals: (totals: TrafficTotals) => void;
  /** additionalParams the harness adds to instantiation (lab: the traffic sink as the VNF's egress). */
  readonly harnessInstantiateParams: Readonly<Record<string, unknown>>;
  /** The embedded process lab's per-hop drops, watched while traffic runs; null: not the process lab. */
  readonly labDrops: LabDropWatch | null;
  /** Resolve a tcInput file path (relative to the config file's folder). */
  readonly resolveFile: (path: string) => string;
  /** Handed from step to step. */
  readonly state: MigrateState;
}

export interface MigrateState {
  vnfRecord: VnfRecord | null;
  instantiateOp: LcmOperation | null;
  startOp: LcmOperation | null;
  activeResources: VResource[] | null;
  subject: MigrationSubject | null;
  migration: MigrationHandle | null;
  /** Traffic is being sent now (between a start and a stop). */
  trafficRunning: boolean;
  /** Where the traffic goes (the VNF's ingress). */
  trafficTarget: Endpoint | null;
  /** Cleanup entries the normal flow releases itself. */
  stopTraffic: CleanupHandle | null;
  terminate: CleanupHandle | null;
  deleteRecord: CleanupHandle | null;
  abortMigration: CleanupHandle | null;
  /** ClearCounters calls whose closed window's final stats are still coming (see cutTrafficWindow). */
  windowCuts: Promise<unknown>[];
}

export function emptyMigrateState(): MigrateState {
  return {
    vnfRecord: null,
    instantiateOp: null,
    startOp: null,
    activeResources: null,
    subject: null,
    migration: null,
    trafficRunning: false,
    trafficTarget: null,
    stopTraffic: null,
    terminate: null,
    deleteRecord: null,
    abortMigration: null,
    windowCuts: [],
  };
}

/** The VNF record, or a bug in the step order. */
export function requireVnf(ctx: MigrateContext): VnfRecord {
  if (!ctx.state.vnfRecord) throw new VnflabBugError('no VNF record: step 1 did not run');
  return ctx.state.vnfRecord;
}
