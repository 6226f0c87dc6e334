/**
 * Errors of the built-in traffic generator/analyzer. Each carries a stable
 * `code` callers and tests match on (STYLE.md: errors carry data).
 */
import { VnflabError } from '../util/errors.js';

export type TrafficErrorCode =
  | 'TRAFFIC_INVALID_PARAMS'
  | 'TRAFFIC_NOT_PREPARED'
  | 'TRAFFIC_NOT_CONFIGURED'
  | 'TRAFFIC_NOT_RUNNING'
  | 'TRAFFIC_ALREADY_RUNNING'
  | 'TRAFFIC_TOO_MANY_WINDOWS'
  | 'TRAFFIC_UNKNOWN_WINDOW'
  | 'TRAFFIC_WORKER_FAILED'
  | 'TRAFFIC_CLOSED'
  | 'TRAFFIC_BAD_PACKET'
  /** The impairment gate found no port number free for both UDP and TCP. */
  | 'TRAFFIC_NO_FREE_PORT'
  /** The udp_batch addon was required (traffic.io 'native') and did not load. */
  | 'TRAFFIC_ADDON_UNAVAILABLE';

/** Any failure of the builtin traffic; match on `code`. */
export class TrafficError extends VnflabError {
  readonly code: TrafficErrorCode;
  constructor(code: TrafficErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TrafficError';
    this.code = code;
  }
}

/** A traffic parameter is out of range; `field` names it as the config does (`traffic.packetSizeBytes`). */
export class TrafficParamsError extends TrafficError {
  readonly field: string;
  constructor(field: string, message: string, options?: { cause?: unknown }) {
    super('TRAFFIC_INVALID_PARAMS', `${field} ${message}`, options);
    this.name = 'TrafficParamsError';
    this.field = field;
  }
}
