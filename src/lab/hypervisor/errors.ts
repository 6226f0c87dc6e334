/**
 * Error codes every ComputeHost implementation (process/, qemu/) uses for
 * the same condition, so a caller of a ComputeHost matches on them whatever
 * the hypervisor. Each implementation's errors.ts adds its own codes.
 */
export type ComputeHostErrorCode =
  /** The VM does not fit in the host's free vCPU / memory / storage / NICs. */
  | 'CAPACITY_EXCEEDED'
  /** A VmSpec field is missing, not a positive integer, or inconsistent, or one the host cannot honour. */
  | 'INVALID_SPEC'
  | 'VM_NOT_FOUND'
  | 'VM_EXISTS'
  /** The operation is not allowed in the VM's current state. */
  | 'INVALID_STATE';
