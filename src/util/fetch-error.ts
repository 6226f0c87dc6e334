/**
 * What a failed fetch says. Node's fetch (undici) rejects with a bare
 * `TypeError: fetch failed` and keeps the reason in `err.cause`: the errno
 * and address of a refused or timed-out connection, the resolver's ENOTFOUND,
 * the TLS verification code, one error per address tried (AggregateError).
 * Messages put that reason in, so no one reads a bare "fetch failed".
 */

/** `fetch failed: connect ECONNREFUSED 127.0.0.1:9890`, `fetch failed: UNABLE_TO_VERIFY_LEAF_SIGNATURE unable to verify the first certificate`. */
export function describeFetchError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const parts = [err.message];
  let cause: unknown = err.cause;
  for (let depth = 0; depth < 6 && cause instanceof Error; depth++) {
    const reason = describeNetError(cause);
    if (reason !== '' && !parts.includes(reason)) parts.push(reason);
    cause = cause.cause;
  }
  return parts.filter((p) => p !== '').join(': ');
}

/** One error's own account: its message, with its code where the message lacks it; every address tried. */
export function describeNetError(e: Error): string {
  const { code, reason } = e as { code?: unknown; reason?: unknown };
  // Happy eyeballs tried several addresses: each has its own errno and address.
  // OpenSSL's message is its error queue over several lines; its reason says it in words.
  const text = (
    e instanceof AggregateError && e.errors.length > 0
      ? e.errors.map((x) => (x instanceof Error ? x.message : String(x))).join('; ')
      : typeof reason === 'string' && reason !== ''
        ? reason
        : e.message
  )
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .join(' ');
  if (typeof code !== 'string') return text;
  if (text === '') return code;
  return text.includes(code) ? text : `${code} ${text}`;
}
