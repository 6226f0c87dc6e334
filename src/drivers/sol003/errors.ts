/** Errors of the SOL003 driver, with stable codes (STYLE.md: errors carry data). */
import { VnflabError } from '../../util/errors.js';

export type Sol003ErrorCode =
  /** 400: the VNFM refused the request's syntax or a required header. */
  | 'SOL003_BAD_REQUEST'
  /** 401 / 403: credentials missing, wrong or insufficient. */
  | 'SOL003_UNAUTHORIZED'
  /** 404: no such VNF instance / operation occurrence / resource. */
  | 'SOL003_NOT_FOUND'
  /** 409: the resource's state forbids the request (e.g. an operation in progress). */
  | 'SOL003_CONFLICT'
  /** 422: well-formed but unprocessable (e.g. an unknown VNFD). */
  | 'SOL003_UNPROCESSABLE'
  /** Any other non-2xx answer. */
  | 'SOL003_HTTP_ERROR'
  /** No answer within requestTimeoutMs. */
  | 'SOL003_TIMEOUT'
  /** The connection failed (refused, reset) after the retries allowed. */
  | 'SOL003_CONNECTION'
  /** The answer broke the protocol (no Location on a 202, malformed body). */
  | 'SOL003_PROTOCOL'
  /** The VNFD cannot be read (no lab endpoint and no vnfdFile). */
  | 'SOL003_VNFD_UNAVAILABLE'
  /** The driver was closed. */
  | 'SOL003_CLOSED'
  /** The VNFM does not offer the resource (e.g. Tacker's v2 API has no operate). */
  | 'SOL003_UNSUPPORTED'
  /** An occurrence did not reach a final state in the time given. */
  | 'SOL003_OPERATION_TIMEOUT';

const codeByStatus: Readonly<Record<number, Sol003ErrorCode>> = {
  400: 'SOL003_BAD_REQUEST',
  401: 'SOL003_UNAUTHORIZED',
  403: 'SOL003_UNAUTHORIZED',
  404: 'SOL003_NOT_FOUND',
  409: 'SOL003_CONFLICT',
  422: 'SOL003_UNPROCESSABLE',
};

export class Sol003Error extends VnflabError {
  readonly code: Sol003ErrorCode;
  /** HTTP status of the answer; null when there was none. */
  readonly status: number | null;
  /** ProblemDetails.detail, or a description of what went wrong. */
  readonly detail: string;
  readonly title: string | null;
  readonly method: string;
  readonly url: string;

  constructor(
    init: {
      code?: Sol003ErrorCode;
      status?: number | null;
      detail: string;
      title?: string | null;
      method: string;
      url: string;
    },
    options?: { cause?: unknown },
  ) {
    const status = init.status ?? null;
    const code =
      init.code ?? (status === null ? 'SOL003_HTTP_ERROR' : (codeByStatus[status] ?? 'SOL003_HTTP_ERROR'));
    const head = status === null ? `${init.method} ${init.url}` : `${init.method} ${init.url} -> ${status}`;
    super(`${head}: ${init.detail}`, options);
    this.name = 'Sol003Error';
    this.code = code;
    this.status = status;
    this.detail = init.detail;
    this.title = init.title ?? null;
    this.method = init.method;
    this.url = init.url;
  }
}
