/** Errors of the iperf3 traffic driver, with stable codes to match on. */
import { VnflabError } from '../../util/errors.js';

export type Iperf3ErrorCode =
  | 'IPERF3_NOT_FOUND'
  | 'IPERF3_SERVER_FAILED'
  | 'IPERF3_CLIENT_FAILED'
  | 'IPERF3_BAD_OUTPUT'
  | 'IPERF3_NOT_PREPARED'
  | 'IPERF3_NOT_CONFIGURED'
  | 'IPERF3_NOT_RUNNING'
  | 'IPERF3_ALREADY_RUNNING'
  | 'IPERF3_UNKNOWN_WINDOW'
  | 'IPERF3_INVALID_PARAMS'
  | 'IPERF3_CLOSED';

/** Any failure of the iperf3 driver; `details` carries what iperf3 said when it said something. */
export class Iperf3Error extends VnflabError {
  constructor(
    readonly code: Iperf3ErrorCode,
    message: string,
    readonly details: { readonly output?: string; readonly exitCode?: number | null } = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'Iperf3Error';
  }
}
