/**
 * Errors of the process hypervisor. One class with a stable `code` (STYLE.md:
 * callers and tests match on codes); the code and data survive the IPC hop
 * between a host process and its client, and the hop from a migration
 * thread to its host ({@link toWireError} / {@link fromWireError}).
 */
import { VnflabBugError, VnflabError } from '../../../util/errors.js';
import type { ComputeHostErrorCode } from '../errors.js';

export type HostErrorCode =
  /** CAPACITY_EXCEEDED, INVALID_SPEC, VM_NOT_FOUND, VM_EXISTS, INVALID_STATE. */
  | ComputeHostErrorCode
  /** The VNF refused to boot: license missing, expired or malformed. */
  | 'LICENSE_INVALID'
  /** The host process is gone (exited, killed, IPC closed). */
  | 'HOST_GONE'
  /** The child process did not answer in time. */
  | 'TIMEOUT'
  /** Anything unexpected inside the host process. */
  | 'INTERNAL'
  /** The migration was cancelled (migrate_cancel, or the destination cancelled it). */
  | 'MIGRATION_CANCELLED'
  /** A migration blocker: the VM cannot move live (specialized NICs). */
  | 'MIGRATION_BLOCKED'
  /** The source could not open the migration stream to the destination. */
  | 'MIGRATION_CONNECT_FAILED'
  /** The migration stream closed (peer gone, stream ended, migration thread exited). */
  | 'MIGRATION_STREAM_CLOSED'
  /** A frame of the migration stream broke the protocol (migration-frames.ts). */
  | 'MIGRATION_PROTOCOL'
  /** The destination refused or failed the migration. */
  | 'MIGRATION_DEST_FAILED'
  /** The destination did not resume the VM in time. */
  | 'MIGRATION_TIMEOUT';

export class HostError extends VnflabError {
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

/** Codes of {@link LabChildError}. */
export type LabChildErrorCode =
  /** The OS did not start the process (no pid). */
  | 'LAB_CHILD_SPAWN_FAILED'
  /** The process did not announce it was ready in time. */
  | 'LAB_CHILD_READY_TIMEOUT'
  /** The process exited before it was ready. */
  | 'LAB_CHILD_EXITED';

/** A lab child process (compute host, fabric) that did not come up (ipc/child.ts forkChild). */
export class LabChildError extends VnflabError {
  constructor(
    readonly code: LabChildErrorCode,
    message: string,
    /** The child's module, e.g. 'host-main'. */
    readonly child: string,
    readonly exitCode?: number | null,
  ) {
    super(message);
    this.name = 'LabChildError';
  }
}

/** An error as it crosses a process or thread boundary (JSON / structured clone keep no class). */
export interface HostWireError {
  readonly code: HostErrorCode | VnflabBugError['code'];
  readonly message: string;
  readonly data?: Readonly<Record<string, unknown>>;
}

/** What a host process or migration thread sends of an error it threw: its code, message and data. */
export function toWireError(err: unknown): HostWireError {
  if (err instanceof HostError)
    return { code: err.code, message: err.message, ...(err.data ? { data: err.data } : {}) };
  if (err instanceof VnflabBugError) return { code: err.code, message: err.message };
  return { code: 'INTERNAL', message: err instanceof Error ? err.message : String(err) };
}

/** The error again, on the receiving side of {@link toWireError}: same class, code, message and data. */
export function fromWireError(e: {
  readonly code: string;
  readonly message: string;
  readonly data?: Readonly<Record<string, unknown>>;
}): HostError | VnflabBugError {
  const bugCode: VnflabBugError['code'] = 'VNFLAB_INTERNAL';
  if (e.code === bugCode) return new VnflabBugError(e.message);
  return new HostError(e.code as HostErrorCode, e.message, e.data);
}
