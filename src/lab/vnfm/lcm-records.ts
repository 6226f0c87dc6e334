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

/** The lab VNFM's in-memory records, in creation order. */
export class LcmRecords {
  readonly instances = new Map<string, VnfInstanceRecord>();
  readonly opOccs = new Map<string, LcmOpOccRecord>();
}
