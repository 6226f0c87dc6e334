/**
 * Messages between a lab child process (compute host, fabric) and its parent
 * over Node's fork IPC channel (JSON serialization). Requests carry an id;
 * the child answers each id exactly once and may emit events at any time.
 */

export interface WireError {
  readonly code: string;
  readonly message: string;
  readonly data?: Readonly<Record<string, unknown>>;
}

export interface WireRequest {
  readonly t: 'req';
  readonly id: number;
  readonly method: string;
  readonly args: readonly unknown[];
  /** A long call: the parent polls {@link RUNNING_METHOD} with its id while it waits. */
  readonly long?: true;
}

export type WireResponse =
  | { readonly t: 'res'; readonly id: number; readonly ok: true; readonly value: unknown }
  | { readonly t: 'res'; readonly id: number; readonly ok: false; readonly error: WireError };

export interface WireEvent {
  readonly t: 'evt';
  readonly name: string;
  readonly data: unknown;
}

/** The event a child sends once it is ready to serve requests. */
export const READY_EVENT = 'ready';

/**
 * Built into every child (serveRpc): `$running(id)` answers whether the long
 * call `id` is still under way. The parent's liveness poll: a stopped or hung
 * child does not answer it.
 */
export const RUNNING_METHOD = '$running';

/** Methods of an RPC API: every member is an async function. */
export type RpcApi<T> = { [K in keyof T]: (...args: never[]) => Promise<unknown> };

export function isWireRequest(m: unknown): m is WireRequest {
  return typeof m === 'object' && m !== null && (m as { t?: unknown }).t === 'req';
}

export function isWireResponse(m: unknown): m is WireResponse {
  return typeof m === 'object' && m !== null && (m as { t?: unknown }).t === 'res';
}

export function isWireEvent(m: unknown): m is WireEvent {
  return typeof m === 'object' && m !== null && (m as { t?: unknown }).t === 'evt';
}
