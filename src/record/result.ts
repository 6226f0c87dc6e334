/**
 * tcResult: the result record of one run, written as result.json. Field
 * names follow the spec's pseudo-code (timeRecord, resourceList, traffic,
 * overallStatus) so a reader can map it to the test plan.
 */
import type { LabHopDrops } from '../ports/lab-drops.js';
import type { MigrationReport, MigrationType } from '../ports/migrator.js';
import type { FlowLatency, LossEpisode, TesterSelfCheck, WindowStats } from '../ports/traffic.js';
import type { LossPlacement, VerdictRecord } from './verdict.js';
import type { PingPongRecord } from './ping-pong.js';
import type { VResource, VnfdResources } from '../ports/vnfm.js';

/**
 * INCONCLUSIVE: every step passed but the figures cannot be trusted (the
 * tester or the embedded lab was disturbed, or a criterion set could not be
 * measured): see `verdict`.
 */
export type OverallStatus = 'PASS' | 'FAIL' | 'INCONCLUSIVE' | 'ERROR' | 'ABORTED';
/**
 * INCONCLUSIVE: the step could not judge the system under test (its check
 * failed for a reason the tester or the embedded lab shows to be its own,
 * e.g. every lost packet dropped by an overloaded lab hop). SKIPPED: the step
 * had nothing to do in this run and says why (the traffic steps with
 * traffic.driver none); never counted as PASS.
 */
export type StepStatus = 'PASS' | 'SKIPPED' | 'FAIL' | 'INCONCLUSIVE' | 'ERROR' | 'ABORTED' | 'NOT_RUN';

/** Where a run's first failure happened: before any step, in a step, or in judging what the steps measured. */
export type FailurePhase = 'setup' | 'steps' | 'verdict';

export interface StepRecord {
  readonly n: number;
  /** Name of the step function in the test case file. */
  readonly name: string;
  /** The step's title in the spec. */
  readonly title: string;
  status: StepStatus;
  startedAt: string | null;
  endedAt: string | null;
  durationMs: number | null;
  message: string | null;
}

/** An instant: wall clock for people, monotonic ms for arithmetic. */
export interface Stamp {
  readonly at: string;
  readonly monoMs: number;
}

export interface TimeRecord {
  startInstantiation: Stamp | null;
  completeInstantiation: Stamp | null;
  /** completeInstantiation - startInstantiation. */
  instantiationTimeMs: number | null;
  startVNFStart: Stamp | null;
  startVNFEnd: Stamp | null;
  /** startVNFEnd - startVNFStart (the spec subtracts the other way round: a known bug). */
  activateTimeMs: number | null;
  /** Taken just BEFORE the trigger is issued (the spec stamps after it returns: a known bug). */
  startvResourceMigration: Stamp | null;
  completevResourceMigration: Stamp | null;
  migrationTimeMs: number | null;
}

export interface ResourceList {
  /** VNFM.VNFD.GetvResourceList(SwImageID, INITIAL). */
  initialVnfd: VnfdResources | null;
  /** vResources in use once the VNF is Active (step 4). */
  activeResource: VResource[] | null;
  /** vResources in use after the migration (step 9). */
  afterMigration: VResource[] | null;
  /** Ids of the pre-migration vResources the VIM no longer holds (step 9). */
  released: string[] | null;
}

export interface TrafficRecord {
  sent: number | null;
  received: number | null;
  lost: number | null;
  duplicated: number | null;
  reordered: number | null;
  /** Step 11: RFC 6201 frame-loss method over the migration window, ms. */
  serviceDisruptionMs: number | null;
  lossDerivedMs: number | null;
  /** RFC 6201 timestamp method over the migration window, ms. */
  gapDerivedMs: number | null;
  /** Resolution of both methods (one inter-packet interval), ms. */
  resolutionMs: number | null;
  /** Offered rate the generator achieved, packets/s. */
  rateHz: number | null;
  /** Target rate of the load level. */
  targetRateHz: number | null;
  loadLevel: string | null;
  episodes: LossEpisode[];
  /**
   * The window the disruption figures and `episodes` refer to, with its own
   * counts (not the run's). `partial`: the run ended before step 11, so the
   * figures describe what was measured up to then, not a disruption.
   */
  disruptionWindow: {
    name: string;
    lost: number;
    offeredRateHz: number;
    partial: boolean;
  } | null;
  /** The tester's own health over the run (see ports/traffic.ts TesterSelfCheck). */
  selfCheck: TesterSelfCheck | null;
  /** The embedded process lab's own queue-overflow drops per hop, watched while traffic ran; null: not watched. */
  labDrops: LabHopDrops | null;
  windows: WindowStats[];
  /** One-way latency per flow of the last traffic session, where the driver measures it. */
  latency: FlowLatency[] | null;
}

export interface MigrationRecord extends Partial<MigrationReport> {
  /** GetMigrationType's answer at step 5 and the rule that decided it. */
  migrationType: MigrationType | null;
  migrationTypeReason: string | null;
  vResourceType: string;
  triggerType: string;
  /** Who initiated the migration (the harness via the VNFM's VIM, the EM, the VNF, the VNFM's policy). */
  initiatedBy: string | null;
  migrationId: string | null;
}

export interface CleanupRecord {
  readonly name: string;
  readonly status: 'DONE' | 'FAILED';
  readonly message: string | null;
  readonly durationMs: number;
}

/**
 * Version of result.json's format, published as docs/result.schema.json
 * (`vnflab schema result`): the major number changes when a field is
 * removed or changes meaning, the minor one when a field is added.
 */
export const RESULT_SCHEMA_VERSION = '1.2';

/** The record of one run: result.json. */
export interface TcResult {
  /** Version of this record's format (docs/result.schema.json). */
  schemaVersion: typeof RESULT_SCHEMA_VERSION;
  testCase: string;
  title: string;
  /** ERROR until the run ends (a record cut off before its end keeps it: see `complete`). */
  overallStatus: OverallStatus;
  /**
   * What went wrong first and why: a step (`phase` 'steps'), the set-up
   * before any step ran (`phase` 'setup', `step` null: the lab or a driver
   * could not be started, or the run was interrupted while it was), or the
   * judgement after the steps (`phase` 'verdict', `step` null: the criterion
   * that failed, or why the figures are not trusted).
   */
  failure: {
    step: number | null;
    phase: FailurePhase;
    criterion?: string;
    message: string;
  } | null;
  /**
   * True only in the record's final save, once the run has ended and cleaned
   * up. A result.json with `complete: false` was cut off (a second Ctrl-C,
   * SIGKILL, a power cut): it holds the run as far as it got, saved when
   * each step started and ended.
   */
  complete: boolean;
  /** When this copy was saved (ISO 8601); null before the first save. */
  lastSavedAt: string | null;
  startedAt: string;
  endedAt: string | null;
  durationMs: number | null;
  tcInput: Record<string, unknown>;
  environment: Record<string, unknown>;
  steps: StepRecord[];
  timeRecord: TimeRecord;
  resourceList: ResourceList;
  traffic: TrafficRecord;
  migration: MigrationRecord;
  /** The move's loss placed on its own timeline (phases, switch-over, degradation); null: not measured. */
  disruption: LossPlacement | null;
  /** Criteria judged and the figures' validity; null until the run concluded. */
  verdict: VerdictRecord | null;
  /**
   * Ping-pong runs only (`--ping-pong N`): every move of the VNF back and
   * forth, and the first move against the repeats. The fields above
   * (migration, timeRecord, traffic's disruption, disruption, verdict) hold
   * the last move.
   */
  pingPong?: PingPongRecord;
  cleanup: CleanupRecord[];
  vnfInstanceId: string | null;
}

export function emptyTrafficRecord(): TrafficRecord {
  return {
    sent: null,
    received: null,
    lost: null,
    duplicated: null,
    reordered: null,
    serviceDisruptionMs: null,
    lossDerivedMs: null,
    gapDerivedMs: null,
    resolutionMs: null,
    rateHz: null,
    targetRateHz: null,
    loadLevel: null,
    episodes: [],
    disruptionWindow: null,
    selfCheck: null,
    labDrops: null,
    windows: [],
    latency: null,
  };
}

export function emptyTimeRecord(): TimeRecord {
  return {
    startInstantiation: null,
    completeInstantiation: null,
    instantiationTimeMs: null,
    startVNFStart: null,
    startVNFEnd: null,
    activateTimeMs: null,
    startvResourceMigration: null,
    completevResourceMigration: null,
    migrationTimeMs: null,
  };
}
