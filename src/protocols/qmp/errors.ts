/** Errors of the QMP client, with stable codes (STYLE.md). */
import { VnflabError } from '../../util/errors.js';

export type QmpErrorCode =
  /** The socket could not be reached within the timeout. */
  | 'QMP_CONNECT_FAILED'
  /** QEMU answered the command with `{"error": {class, desc}}`. */
  | 'QMP_COMMAND_FAILED'
  /** No answer within the timeout. */
  | 'QMP_TIMEOUT'
  /** The connection closed (QEMU exited) before the answer. */
  | 'QMP_CLOSED'
  /** Not QMP: bad greeting or a line that is not JSON. */
  | 'QMP_PROTOCOL';

export class QmpError extends VnflabError {
  constructor(
    readonly code: QmpErrorCode,
    message: string,
    /** QEMU's error class (GenericError, CommandNotFound, ...) for QMP_COMMAND_FAILED. */
    readonly qmpClass?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'QmpError';
  }
}
