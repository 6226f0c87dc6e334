/**
 * Errors of the lab VNFM's HTTP layer. Each becomes an
 * `application/problem+json` ProblemDetails response (SOL003 §7.3 / SOL013
 * §6.4: `status` and `detail` are mandatory).
 */
import type { ProblemDetails } from '../../protocols/sol003/sol003-types.js';
import { VnflabError } from '../../util/errors.js';

/** Stable codes, for tests and logs. */
export type LabVnfmErrorCode =
  | 'LAB_VNFM_BAD_REQUEST'
  | 'LAB_VNFM_UNAUTHORIZED'
  | 'LAB_VNFM_NOT_FOUND'
  | 'LAB_VNFM_METHOD_NOT_ALLOWED'
  | 'LAB_VNFM_NOT_ACCEPTABLE'
  | 'LAB_VNFM_CONFLICT'
  | 'LAB_VNFM_PAYLOAD_TOO_LARGE'
  | 'LAB_VNFM_UNSUPPORTED_MEDIA_TYPE'
  | 'LAB_VNFM_UNPROCESSABLE'
  | 'LAB_VNFM_INTERNAL'
  | 'LAB_VNFM_UNAVAILABLE';

const codeByStatus: Readonly<Record<number, LabVnfmErrorCode>> = {
  400: 'LAB_VNFM_BAD_REQUEST',
  401: 'LAB_VNFM_UNAUTHORIZED',
  404: 'LAB_VNFM_NOT_FOUND',
  405: 'LAB_VNFM_METHOD_NOT_ALLOWED',
  406: 'LAB_VNFM_NOT_ACCEPTABLE',
  409: 'LAB_VNFM_CONFLICT',
  413: 'LAB_VNFM_PAYLOAD_TOO_LARGE',
  415: 'LAB_VNFM_UNSUPPORTED_MEDIA_TYPE',
  422: 'LAB_VNFM_UNPROCESSABLE',
  503: 'LAB_VNFM_UNAVAILABLE',
};

const titleByStatus: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** An HTTP error answer of the lab VNFM. */
export class ProblemError extends VnflabError {
  readonly code: LabVnfmErrorCode;
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly headers: Readonly<Record<string, string>> = {},
    options?: { cause?: unknown },
  ) {
    super(detail, options);
    this.name = 'ProblemError';
    this.code = codeByStatus[status] ?? 'LAB_VNFM_INTERNAL';
  }

  toProblemDetails(): ProblemDetails {
    return problemDetails(this.status, this.detail);
  }
}

/** A ProblemDetails body with the standard title for the status. */
export function problemDetails(status: number, detail: string): ProblemDetails {
  const title = titleByStatus[status];
  return title === undefined ? { status, detail } : { title, status, detail };
}
