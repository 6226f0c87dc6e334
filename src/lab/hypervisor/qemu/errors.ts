/**
 * Errors of the QEMU lab, one class with a stable `code` (STYLE.md) and the
 * data needed to understand the failure (command, exit code, stderr).
 */
import { VnflabError } from '../../../util/errors.js';
import type { ComputeHostErrorCode } from '../errors.js';

export type QemuLabErrorCode =
  /** Not root, no /dev/net/tun, or a package / the guest image is missing (see `vnflab lab setup qemu`). */
  | 'QEMU_LAB_UNAVAILABLE'
  /** An `ip`, `nft`, `apt-get`... command failed. */
  | 'QEMU_LAB_COMMAND_FAILED'
  /** The QEMU process exited or did not come up. */
  | 'QEMU_PROCESS_FAILED'
  /** The guest did not print its ready marker in time. */
  | 'QEMU_GUEST_BOOT_TIMEOUT'
  /** The VNF's egress is not an address the guest can reach (it must be the lab's sink address). */
  | 'QEMU_EGRESS_UNREACHABLE'
  /** CAPACITY_EXCEEDED, INVALID_SPEC (also a VmSpec field the QEMU host cannot honour), VM_NOT_FOUND, VM_EXISTS, INVALID_STATE. */
  | ComputeHostErrorCode
  /** The address plan has no free slot left (254 VMs). */
  | 'NO_ADDRESS';

export class QemuLabError extends VnflabError {
  constructor(
    readonly code: QemuLabErrorCode,
    message: string,
    readonly data?: Readonly<Record<string, unknown>>,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'QemuLabError';
  }
}
