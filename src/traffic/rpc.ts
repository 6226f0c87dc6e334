/**
 * Request/response over a worker's message channel: the harness asks the
 * receiver worker for counters without sharing its data structures.
 */
import type { MessagePort, Worker } from 'node:worker_threads';
import { TrafficError, type TrafficErrorCode } from './errors.js';

interface Request {
  readonly rpc: number;
  readonly op: string;
  readonly args: unknown;
}

type Reply =
  | { readonly rpc: number; readonly ok: true; readonly value: unknown }
  | {
      readonly rpc: number;
      readonly ok: false;
      readonly message: string;
      readonly code: TrafficErrorCode | undefined;
    };

const isReply = (m: unknown): m is Reply => typeof m === 'object' && m !== null && 'rpc' in m && 'ok' in m;

/** Harness side: `call` resolves with the worker's answer; `failAll` rejects everything pending. */
export class RpcClient {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private failure: Error | null = null;

  constructor(private readonly worker: Worker) {
    worker.on('message', (m: unknown) => {
      if (!isReply(m)) return;
      const p = this.pending.get(m.rpc);
      if (!p) return;
      this.pending.delete(m.rpc);
      if (m.ok) p.resolve(m.value);
      else p.reject(new TrafficError(m.code ?? 'TRAFFIC_WORKER_FAILED', m.message));
    });
  }

  call<T>(op: string, args: unknown = null): Promise<T> {
    if (this.failure) return Promise.reject(this.failure);
    const rpc = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(rpc, { resolve: resolve as (v: unknown) => void, reject });
      const request: Request = { rpc, op, args };
      this.worker.postMessage(request);
    });
  }

  failAll(error: Error): void {
    this.failure ??= error;
    for (const p of this.pending.values()) p.reject(error);
    this.pending.clear();
  }
}

/** Worker side: answer requests with `handlers[op](args)`; a thrown error becomes a rejected call. */
export function serveRpc(
  port: MessagePort,
  handlers: Readonly<Record<string, (args: never) => unknown>>,
  onOtherMessage?: (m: unknown) => void,
): void {
  port.on('message', (m: unknown) => {
    if (typeof m !== 'object' || m === null || !('rpc' in m) || 'ok' in m) {
      onOtherMessage?.(m);
      return;
    }
    const { rpc, op, args } = m as Request;
    const handler = handlers[op];
    const reply = (r: Reply): void => port.postMessage(r);
    if (!handler) {
      reply({ rpc, ok: false, message: `unknown operation ${op}`, code: undefined });
      return;
    }
    Promise.resolve()
      .then(() => handler(args as never))
      .then(
        (value) => reply({ rpc, ok: true, value }),
        (e: unknown) =>
          reply({
            rpc,
            ok: false,
            message: e instanceof Error ? e.message : String(e),
            code: e instanceof TrafficError ? e.code : undefined,
          }),
      );
  });
}
