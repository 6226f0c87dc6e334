/**
 * What the lab VNFM remembers: VNF instances and LCM operation occurrences
 * (in memory; the lab's lifetime is one run). The SOL003 representations are
 * rendered from these on every read (views.ts), with the VIM's current view.
 */
import type {
  AffectedVnfc,
  LcmOperationStateType,
  LcmOperationType,
  ProblemDetails,
  VimConnectionInfo,
} from '../../protocols/sol003/sol003-types.js';
import { isoNow } from '../../util/clock.js';
import { Sequence } from './paging.js';
import { ProblemError } from './problem.js';

/** One VNFC: a VDU realised as one VIM server. */
export interface VnfcRecord {
  readonly id: string;
  readonly vduId: string;
  /** VIM server id (computeResource.resourceId). */
  readonly serverId: string;
}

export interface VnfInstanceRecord {
  readonly id: string;
  readonly vnfdId: string;
  /** Changed by PATCH (MODIFY_INFO). */
  vnfInstanceName?: string;
  vnfInstanceDescription?: string;
  /** User metadata from CreateVnfRequest, merged by PATCH; the lab adds `vnflab.lastMigration`. */
  metadata: Record<string, unknown>;
  instantiationState: 'NOT_INSTANTIATED' | 'INSTANTIATED';
  flavourId: string | null;
  vnfState: 'STARTED' | 'STOPPED' | null;
  vimConnectionInfo: Record<string, VimConnectionInfo>;
  vnfcs: VnfcRecord[];
  /**
   * The occurrence that is not yet closed (STARTING, PROCESSING, FAILED_TEMP,
   * ROLLING_BACK): while set, other LCM operations are refused with 409
   * (SOL003 §5.4.4.3.1 and siblings; Tacker also counts FAILED_TEMP).
   */
  openOpId: string | null;
}

export interface LcmOpOccRecord {
  readonly id: string;
  readonly vnfInstanceId: string;
  readonly operation: LcmOperationType;
  readonly startTime: string;
  readonly operationParams: Readonly<Record<string, unknown>>;
  operationState: LcmOperationStateType;
  stateEnteredTime: string;
  error: ProblemDetails | null;
  affectedVnfcs: AffectedVnfc[];
  /** VIM servers this occurrence created, so a rollback (or fail) can release them. */
  createdServerIds: string[];
  /** SOL003 §5.5.2.13: MODIFY_INFO only, the attributes the PATCH changed. */
  changedInfo?: Record<string, unknown>;
  /** SOL003 §5.4.17 cancel: set while a cancellation is under way. */
  isCancelPending: boolean;
  cancelMode?: 'GRACEFUL' | 'FORCEFUL';
  /** Aborted by cancel: the operation's VIM steps give up. */
  abort: AbortController;
}

/** Operation states in which the occurrence still blocks its VNF instance. */
export const OPEN_STATES: ReadonlySet<LcmOperationStateType> = new Set([
  'STARTING',
  'PROCESSING',
  'FAILED_TEMP',
  'ROLLING_BACK',
]);

/** Move an occurrence to a new state, stamping stateEnteredTime. */
export function enterState(op: LcmOpOccRecord, state: LcmOperationStateType): void {
  op.operationState = state;
  op.stateEnteredTime = isoNow();
}

/** How much the lab VNFM keeps (the lab may run for long as `vnflab lab up`). */
export interface RecordLimits {
  /** VNF instance records at most: creating one more is refused (422) until one is deleted. */
  readonly maxVnfInstances: number;
  /**
   * LCM operation occurrences kept: beyond, the oldest closed ones are
   * purged, those of deleted instances first; an open one never is.
   */
  readonly keptLcmOpOccs: number;
}

export const DEFAULT_RECORD_LIMITS: RecordLimits = { maxVnfInstances: 1000, keptLcmOpOccs: 1000 };

/**
 * The lab VNFM's in-memory records, in creation order. Read the maps; add
 * and delete through the methods, which number the records (for paging)
 * and keep them within their limits.
 */
export class LcmRecords {
  readonly instances = new Map<string, VnfInstanceRecord>();
  readonly opOccs = new Map<string, LcmOpOccRecord>();
  /** Creation numbers of instances and occurrences (ids are UUIDs: one sequence serves both). */
  readonly sequence = new Sequence();
  private readonly deletedListeners: ((inst: VnfInstanceRecord) => void)[] = [];

  constructor(readonly limits: RecordLimits = DEFAULT_RECORD_LIMITS) {}

  addInstance(inst: VnfInstanceRecord): void {
    if (this.instances.size >= this.limits.maxVnfInstances)
      throw new ProblemError(
        422,
        `the lab VNFM holds ${this.instances.size} VNF instances, its limit: delete one before creating another`,
      );
    this.instances.set(inst.id, inst);
    this.sequence.stamp(inst.id);
  }

  /** Forget a deleted instance; what is kept for it elsewhere goes with it (onInstanceDeleted). */
  deleteInstance(inst: VnfInstanceRecord): void {
    if (!this.instances.delete(inst.id)) return;
    this.sequence.forget(inst.id);
    for (const listener of this.deletedListeners) listener(inst);
    this.purgeOpOccs();
  }

  /** Run `listener` for every instance deleted from now on. */
  onInstanceDeleted(listener: (inst: VnfInstanceRecord) => void): void {
    this.deletedListeners.push(listener);
  }

  addOpOcc(op: LcmOpOccRecord): void {
    this.opOccs.set(op.id, op);
    this.sequence.stamp(op.id);
    this.purgeOpOccs();
  }

  /** Purge closed occurrences beyond keptLcmOpOccs: first of deleted instances, then of any, oldest first. */
  private purgeOpOccs(): void {
    let excess = this.opOccs.size - this.limits.keptLcmOpOccs;
    for (const ofDeletedOnly of [true, false]) {
      for (const op of this.opOccs.values()) {
        if (excess <= 0) return;
        const inst = this.instances.get(op.vnfInstanceId);
        if (ofDeletedOnly && inst !== undefined) continue;
        if (OPEN_STATES.has(op.operationState) || inst?.openOpId === op.id) continue;
        this.opOccs.delete(op.id);
        this.sequence.forget(op.id);
        excess--;
      }
    }
  }
}
