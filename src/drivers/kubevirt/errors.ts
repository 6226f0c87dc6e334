/** Errors of the kubevirt driver, with stable codes to match on. */
import { VnflabError } from '../../util/errors.js';

export type KubevirtErrorCode =
  /** The Kubernetes API answered with an error status, or did not answer. */
  | 'KUBEVIRT_API_ERROR'
  /** kubeconfig / in-cluster config could not be loaded. */
  | 'KUBEVIRT_CONFIG_INVALID'
  /** An object did not have the shape the driver reads. */
  | 'KUBEVIRT_BAD_RESPONSE'
  /** The subject may not be live-migrated (GetMigrationType said NONE). */
  | 'KUBEVIRT_NOT_MIGRATABLE'
  /** A VMI of the subject has a migration that has not finished. */
  | 'KUBEVIRT_MIGRATION_IN_PROGRESS'
  /** A target node was asked but the cluster's VMIM has no `addedNodeSelector`. */
  | 'KUBEVIRT_TARGET_NODE_UNSUPPORTED'
  /** A handle id this driver did not make. */
  | 'KUBEVIRT_BAD_HANDLE';

export class KubevirtError extends VnflabError {
  constructor(
    readonly code: KubevirtErrorCode,
    message: string,
    readonly details: { status?: number; method?: string; path?: string; body?: unknown } = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'KubevirtError';
  }

  /** HTTP status of the API answer that caused it, when there was one. */
  get status(): number | undefined {
    return this.details.status;
  }
}
