/**
 * ETSI GS NFV-SOL 003 (V3.3.1, VNF LCM API 2.0.0) data types, limited to the
 * attributes vnflab reads or the lab VNFM writes. Names follow the standard.
 */

/** SOL003 §7.3 / IETF RFC 7807: `status` and `detail` are mandatory. */
export interface ProblemDetails {
  readonly type?: string;
  readonly title?: string;
  readonly status: number;
  readonly detail: string;
  readonly instance?: string;
}

/** SOL013 §9.3.3 ApiVersionInformation. */
export interface ApiVersionInformation {
  readonly uriPrefix: string;
  readonly apiVersions: readonly { version: string; isDeprecated?: boolean; retirementDate?: string }[];
}

export interface Link {
  readonly href: string;
}

/** SOL003 §4.4.1.7 ResourceHandle. */
export interface ResourceHandle {
  readonly vimConnectionId?: string;
  readonly resourceProviderId?: string;
  readonly resourceId: string;
  readonly vimLevelResourceType?: string;
}

/** SOL003 §4.4.1.6 VimConnectionInfo (v2: a map keyed by vimConnectionId). */
export interface VimConnectionInfo {
  readonly vimId?: string;
  readonly vimType: string;
  readonly interfaceInfo?: Record<string, unknown>;
  readonly accessInfo?: Record<string, unknown>;
  readonly extra?: Record<string, unknown>;
}

export interface VnfcCpInfo {
  readonly id: string;
  readonly cpdId: string;
  readonly vnfExtCpId?: string;
  readonly metadata?: Record<string, unknown>;
}

/** SOL003 §5.5.3.5 VnfcResourceInfo. */
export interface VnfcResourceInfo {
  readonly id: string;
  readonly vduId: string;
  readonly vnfdId?: string;
  readonly computeResource: ResourceHandle;
  readonly storageResourceIds?: readonly string[];
  readonly vnfcCpInfo?: readonly VnfcCpInfo[];
  readonly metadata?: Record<string, unknown>;
}

/** SOL003 §5.5.3.7 VirtualStorageResourceInfo. */
export interface VirtualStorageResourceInfo {
  readonly id: string;
  readonly virtualStorageDescId: string;
  readonly vnfdId?: string;
  readonly storageResource: ResourceHandle;
  readonly metadata?: Record<string, unknown>;
}

/** SOL003 §5.5.3.17 VnfExtCpInfo. */
export interface VnfExtCpInfo {
  readonly id: string;
  readonly cpdId: string;
  readonly cpConfigId: string;
  readonly cpProtocolInfo: readonly unknown[];
  readonly associatedVnfcCpId?: string;
  readonly metadata?: Record<string, unknown>;
}

export type VnfOperationalState = 'STARTED' | 'STOPPED';

/** SOL003 §5.5.2.2 VnfInstance.instantiatedVnfInfo. */
export interface InstantiatedVnfInfo {
  readonly flavourId: string;
  readonly vnfState: VnfOperationalState;
  readonly extCpInfo?: readonly VnfExtCpInfo[];
  readonly vnfcResourceInfo?: readonly VnfcResourceInfo[];
  readonly virtualStorageResourceInfo?: readonly VirtualStorageResourceInfo[];
}

/** SOL003 §5.5.2.2 VnfInstance. */
export interface VnfInstance {
  readonly id: string;
  readonly vnfInstanceName?: string;
  readonly vnfInstanceDescription?: string;
  readonly vnfdId: string;
  readonly vnfProvider: string;
  readonly vnfProductName: string;
  readonly vnfSoftwareVersion: string;
  readonly vnfdVersion: string;
  readonly vimConnectionInfo?: Readonly<Record<string, VimConnectionInfo>>;
  readonly instantiationState: 'NOT_INSTANTIATED' | 'INSTANTIATED';
  readonly instantiatedVnfInfo?: InstantiatedVnfInfo;
  readonly metadata?: Record<string, unknown>;
  readonly _links: { readonly self: Link } & Readonly<Record<string, Link>>;
}

/** SOL003 §5.5.5.5 LcmOperationType (v2). */
export type LcmOperationType =
  | 'INSTANTIATE'
  | 'SCALE'
  | 'SCALE_TO_LEVEL'
  | 'CHANGE_FLAVOUR'
  | 'TERMINATE'
  | 'HEAL'
  | 'OPERATE'
  | 'CHANGE_EXT_CONN'
  | 'MODIFY_INFO'
  | 'CREATE_SNAPSHOT'
  | 'REVERT_TO_SNAPSHOT'
  | 'CHANGE_VNFPKG';

/** SOL003 §5.5.5.6 LcmOperationStateType. */
export type LcmOperationStateType =
  'STARTING' | 'PROCESSING' | 'COMPLETED' | 'FAILED_TEMP' | 'FAILED' | 'ROLLING_BACK' | 'ROLLED_BACK';

/** SOL003 §5.5.3.2 AffectedVnfc. */
export interface AffectedVnfc {
  readonly id: string;
  readonly vduId: string;
  readonly changeType: 'ADDED' | 'REMOVED' | 'MODIFIED' | 'TEMPORARY';
  readonly computeResource: ResourceHandle;
}

/** SOL003 §5.5.2.13 VnfLcmOpOcc. */
export interface VnfLcmOpOcc {
  readonly id: string;
  readonly operationState: LcmOperationStateType;
  readonly stateEnteredTime: string;
  readonly startTime: string;
  readonly vnfInstanceId: string;
  readonly operation: LcmOperationType;
  readonly isAutomaticInvocation: boolean;
  readonly operationParams?: Record<string, unknown>;
  readonly isCancelPending: boolean;
  readonly cancelMode?: 'GRACEFUL' | 'FORCEFUL';
  readonly error?: ProblemDetails;
  /** MODIFY_INFO only: the attributes that changed. */
  readonly changedInfo?: Record<string, unknown>;
  readonly resourceChanges?: { readonly affectedVnfcs?: readonly AffectedVnfc[] };
  readonly _links: { readonly self: Link; readonly vnfInstance: Link } & Readonly<Record<string, Link>>;
}

/** SOL003 §5.5.2.3 CreateVnfRequest. */
export interface CreateVnfRequest {
  readonly vnfdId: string;
  readonly vnfInstanceName?: string;
  readonly vnfInstanceDescription?: string;
  readonly metadata?: Record<string, unknown>;
}

/** SOL003 §5.5.2.4 InstantiateVnfRequest (the attributes vnflab sends). */
export interface InstantiateVnfRequest {
  readonly flavourId: string;
  readonly instantiationLevelId?: string;
  readonly vimConnectionInfo?: Readonly<Record<string, VimConnectionInfo>>;
  readonly additionalParams?: Record<string, unknown>;
}

/** SOL003 §5.5.2.10 OperateVnfRequest. */
export interface OperateVnfRequest {
  readonly changeStateTo: VnfOperationalState;
  readonly stopType?: 'FORCEFUL' | 'GRACEFUL';
  readonly gracefulStopTimeout?: number;
  readonly additionalParams?: Record<string, unknown>;
}

/** SOL003 §5.5.2.8 TerminateVnfRequest. */
export interface TerminateVnfRequest {
  readonly terminationType: 'FORCEFUL' | 'GRACEFUL';
  readonly gracefulTerminationTimeout?: number;
  readonly additionalParams?: Record<string, unknown>;
}

/** The VNF LCM interface's API version (SOL003 §5.1, SOL013 §9.1). */
export const SOL003_LCM_API_VERSION = '2.0.0';
