/** Errors of the nova driver, with stable codes to match on. */
import { VnflabError } from '../../util/errors.js';

export type NovaErrorCode =
  | 'NOVA_AUTH_FAILED'
  | 'NOVA_NO_COMPUTE_ENDPOINT'
  | 'NOVA_MICROVERSION_UNSUPPORTED'
  | 'NOVA_HTTP_ERROR'
  | 'NOVA_BAD_RESPONSE'
  | 'NOVA_TIMEOUT'
  | 'NOVA_MIGRATION_NOT_FOUND'
  | 'NOVA_MIGRATION_IN_PROGRESS'
  | 'NOVA_NOT_MIGRATABLE'
  | 'NOVA_ABORT_UNSUPPORTED'
  | 'NOVA_BAD_HANDLE';

export class NovaError extends VnflabError {
  constructor(
    readonly code: NovaErrorCode,
    message: string,
    readonly details: { status?: number; method?: string; url?: string; body?: unknown } = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'NovaError';
  }

  /** HTTP status of the answer that caused it, when there was one. */
  get status(): number | undefined {
    return this.details.status;
  }
}

/** The message inside a Nova fault (`{"conflictingRequest": {"message": ...}}`) or a Keystone error. */
export function faultMessage(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  for (const value of Object.values(body as Record<string, unknown>)) {
    if (typeof value === 'object' && value !== null && 'message' in value) {
      const message = value.message;
      if (typeof message === 'string') return message;
    }
  }
  return undefined;
}
