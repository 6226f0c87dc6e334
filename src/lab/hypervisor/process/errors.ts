/**
 * Errors of the process hypervisor. One class with a stable `code` (STYLE.md:
 * callers and tests match on codes); the code and data survive the IPC hop
 * between a host process and its client.
 */

export type HostErrorCode =
  /** The VM does not fit in the host's free vCPU / memory / storage / NICs. */
  | 'CAPACITY_EXCEEDED'
  /** A VmSpec field is missing, not a positive integer, or inconsistent. */
  | 'INVALID_SPEC'
  | 'VM_NOT_FOUND'
  | 'VM_EXISTS'
  /** The operation is not allowed in the VM's current state. */
  | 'INVALID_STATE'
  /** The VNF refused to boot: license missing, expired or malformed. */
  | 'LICENSE_INVALID'
  /** The host process is gone (exited, killed, IPC closed). */
  | 'HOST_GONE'
  /** The child process did not answer in time. */
  | 'TIMEOUT'
  /** Anything unexpected inside the host process. */
  | 'INTERNAL';

export class HostError extends Error {
  constructor(
    readonly code: HostErrorCode,
    message: string,
    readonly data?: Readonly<Record<string, unknown>>,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'HostError';
  }
}
