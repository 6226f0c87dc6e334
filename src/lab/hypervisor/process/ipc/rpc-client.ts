import type { ChildProcess } from 'node:child_process';
import { isWireEvent, isWireResponse, type RpcApi, type WireError, type WireRequest } from './wire.js';

interface Pending {
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
}

/**
 * Parent side of a child's RPC: `call(method, ...args)` sends a request with
 * a fresh id and resolves with the child's answer to that id. When the child
 * exits, every pending and later call rejects with `gone()`.
 */
export class RpcClient<Api extends RpcApi<Api>> {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Map<string, Set<(data: unknown) => void>>();
  private goneError: Error | null = null;

  constructor(
    private readonly child: ChildProcess,
    private readonly toError: (e: WireError) => Error,
    private readonly gone: (why: string) => Error,
  ) {
    child.on('message', (m: unknown) => this.onMessage(m));
    child.once('exit', (code, signal) => this.onGone(`exited (code ${code}, signal ${signal})`));
  }

  /** Call `method` in the child. */
  call<K extends keyof Api & string>(
    method: K,
    ...args: Parameters<Api[K]>
  ): Promise<Awaited<ReturnType<Api[K]>>> {
    if (this.goneError !== null) return Promise.reject(this.goneError);
    const id = this.nextId++;
    const request: WireRequest = { t: 'req', id, method, args };
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      try {
        this.child.send(request, (err) => {
          if (err) this.settle(id, undefined, this.gone(`IPC send failed: ${err.message}`));
        });
      } catch (err) {
        this.settle(id, undefined, this.gone(`IPC send failed: ${(err as Error).message}`));
      }
    });
  }

  /** Listen to an event the child emits; returns the unsubscribe function. */
  on(name: string, listener: (data: unknown) => void): () => void {
    let set = this.listeners.get(name);
    if (set === undefined) this.listeners.set(name, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }

  get isGone(): boolean {
    return this.goneError !== null;
  }

  private onMessage(m: unknown): void {
    if (isWireResponse(m)) {
      if (m.ok) this.settle(m.id, m.value, undefined);
      else this.settle(m.id, undefined, this.toError(m.error));
    } else if (isWireEvent(m)) {
      for (const listener of this.listeners.get(m.name) ?? []) listener(m.data);
    }
  }

  private settle(id: number, value: unknown, error: Error | undefined): void {
    const p = this.pending.get(id);
    if (p === undefined) return;
    this.pending.delete(id);
    if (error !== undefined) p.reject(error);
    else p.resolve(value);
  }

  private onGone(why: string): void {
    this.goneError = this.gone(why);
    for (const [id] of this.pending) this.settle(id, undefined, this.goneError);
  }
}
