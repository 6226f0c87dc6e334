/**
 * Nova's error bodies (nova/api/openstack/wsgi.py Fault): the HTTP status
 * picks the key (`badRequest`, `itemNotFound`, `conflictingRequest`, ...,
 * `computeFault` for anything else) and the body is
 * `{"<key>": {"code": <status>, "message": "..."}}`.
 */
import { isUnavailable, VimError } from '../vim.js';
import { VnflabError } from '../../../util/errors.js';

const FAULT_NAMES: Readonly<Record<number, string>> = {
  400: 'badRequest',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'itemNotFound',
  405: 'badMethod',
  409: 'conflictingRequest',
  413: 'overLimit',
  415: 'badMediaType',
  429: 'overLimit',
  501: 'notImplemented',
  503: 'serviceUnavailable',
};

/** An HTTP error the API answers with a Nova fault body. */
export class NovaFault extends VnflabError {
  readonly code = 'NOVA_API_FAULT';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'NovaFault';
  }
}

export function faultBody(
  status: number,
  message: string,
): Record<string, { code: number; message: string }> {
  return { [FAULT_NAMES[status] ?? 'computeFault']: { code: status, message } };
}

/** Map anything thrown by a handler to a status and message. */
export function toFault(e: unknown): { status: number; message: string } {
  if (e instanceof NovaFault) return { status: e.status, message: e.message };
  // A compute host that does not answer is a service that is unavailable for now, as Nova says when nova-compute is down.
  if (isUnavailable(e)) return { status: 503, message: (e as Error).message };
  if (e instanceof VimError) return { status: e.status, message: e.message };
  const text = e instanceof Error ? e.message : String(e);
  return { status: 500, message: `Unexpected API Error: ${text}` };
}
