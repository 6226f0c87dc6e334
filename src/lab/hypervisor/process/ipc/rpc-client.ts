import type { ChildProcess } from 'node:child_process';
import {
  isWireEvent,
  isWireResponse,
  RUNNING_METHOD,
  type RpcApi,
  type WireError,
  type WireRequest,
} from './wire.js';
import { processState } from './process-state.js';

interface Pending {
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
  /** Deadline or liveness timer of the call. */
  timer?: NodeJS.Timeout;
}

/** How long the parent waits for its child. */
export interface RpcTiming {
  /** Deadline of an ordinary call, ms: a stopped or hung child fails it instead of hanging its caller. */
  readonly callTimeoutMs: number;
  /** How often a long call asks whether the child still works on it, ms (default callTimeoutMs / 4). */
  readonly pollIntervalMs?: number;
  /**
   * How long a long call waits without any answer from a child that is
   * alive (not stopped), ms (default {@link DEFAULT_STALL_LIMIT_MS}).
   */
  readonly stallLimitMs?: number;
}

/**
 * A destination host receives a migration at low priority (priority.ts
 * lowerForBulkWork); on a loaded 2-core machine its thread got ~2 % of a CPU
 * and answered nothing for many seconds while it worked through the stream.
 */
export const DEFAULT_STALL_LIMIT_MS = 60_000;

/** Default deadline of a call into a lab child process. */
export const DEFAULT_RPC_TIMEOUT_MS = 5_000;

/** Error factories of one RpcClient: the child's own errors, the child gone, a call past its deadline. */
export interface RpcErrors {
  readonly toError: (e: WireError) => Error;
  readonly gone: (why: string) => Error;
  readonly timedOut: (method: string, why: string) => Error;
}

/**
 * Parent side of a child's RPC: `call(method, ...args)` sends a request with
 * a fresh id and resolves with the child's answer to that id. Every call has
 * a deadline (a SIGSTOPped or hung child must not hang the lab's API above
 * it); a call that legitimately takes long (a migration) is a `callLong`:
 * no deadline for the whole call, but the child is asked every
 * pollIntervalMs whether it still works on it; a poll unanswered within
 * callTimeoutMs fails the call if the child is stopped or gone
 * (process-state.ts), and so does stallLimitMs without any answer from a
 * child that runs. When the child exits, every pending and later call
 * rejects with `gone()`.
 */
export class RpcClient<Api extends RpcApi<Api>> {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Map<string, Set<(data: unknown) => void>>();
  private goneError: Error | null = null;
  private readonly callTimeoutMs: number;
  private readonly pollIntervalMs: number;
  private readonly stallLimitMs: number;

  constructor(
    private readonly child: ChildProcess,
    private readonly errors: RpcErrors,
    timing: RpcTiming = { callTimeoutMs: DEFAULT_RPC_TIMEOUT_MS },
  ) {
    this.callTimeoutMs = timing.callTimeoutMs;
    this.pollIntervalMs = timing.pollIntervalMs ?? Math.max(10, Math.floor(timing.callTimeoutMs / 4));
    this.stallLimitMs = timing.stallLimitMs ?? DEFAULT_STALL_LIMIT_MS;
    child.on('message', (m: unknown) => this.onMessage(m));
    child.once('exit', (code, signal) => this.onGone(`exited (code ${code}, signal ${signal})`));
  }

  /** Call `method` in the child; rejects with `timedOut` after callTimeoutMs. */
  call<K extends keyof Api & string>(
    method: K,
    ...args: Parameters<Api[K]>
  ): Promise<Awaited<ReturnType<Api[K]>>> {
    return this.callWithin(this.callTimeoutMs, method, ...args);
  }

  /** Call `method` with its own deadline (e.g. a call that waits `timeoutMs` in the child, plus callTimeoutMs). */
  callWithin<K extends keyof Api & string>(
    timeoutMs: number,
    method: K,
    ...args: Parameters<Api[K]>
  ): Promise<Awaited<ReturnType<Api[K]>>> {
    return this.send(method, args, false, (id) =>
      this.deadline(timeoutMs, () =>
        this.settle(id, undefined, this.errors.timedOut(method, `no answer within ${timeoutMs} ms`)),
      ),
    ) as Promise<Awaited<ReturnType<Api[K]>>>;
  }

  /**
   * Call `method`, which may run for long (a migration's source side): the
   * call has no deadline of its own, but the child must confirm every
   * pollIntervalMs, within callTimeoutMs, that it still runs it.
   */
  callLong<K extends keyof Api & string>(
    method: K,
    ...args: Parameters<Api[K]>
  ): Promise<Awaited<ReturnType<Api[K]>>> {
    return this.send(method, args, true, (id) => this.scheduleLivenessPoll(id, method)) as Promise<
      Awaited<ReturnType<Api[K]>>
    >;
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

  private send(
    method: string,
    args: readonly unknown[],
    long: boolean,
    arm: (id: number) => NodeJS.Timeout,
  ): Promise<unknown> {
    if (this.goneError !== null) return Promise.reject(this.goneError);
    const id = this.nextId++;
    const request: WireRequest = { t: 'req', id, method, args, ...(long ? { long: true } : {}) };
    return new Promise((resolve, reject) => {
      const pending: Pending = { resolve, reject };
      this.pending.set(id, pending);
      pending.timer = arm(id);
      try {
        this.child.send(request, (err) => {
          if (err) this.settle(id, undefined, this.errors.gone(`IPC send failed: ${err.message}`));
        });
      } catch (err) {
        this.settle(id, undefined, this.errors.gone(`IPC send failed: ${(err as Error).message}`));
      }
    });
  }

  /**
   * After pollIntervalMs, ask the child whether it still runs call `id`.
   * The call fails when the child says it does not, or does not answer
   * within callTimeoutMs while it is stopped (SIGSTOP) or gone. A child
   * that is alive but slow to answer (starved of CPU) is given up to
   * stallLimitMs without any answer.
   */
  private scheduleLivenessPoll(
    id: number,
    method: string,
    lastAnswerAtMs = performance.now(),
  ): NodeJS.Timeout {
    return setTimeout(() => {
      const pending = this.pending.get(id);
      if (pending === undefined) return;
      const silent = (): void => {
        if (!this.pending.has(id)) return; // answered meanwhile, or the child is gone (onGone)
        const state = this.child.pid === undefined ? 'unknown' : processState(this.child.pid);
        const silentMs = performance.now() - lastAnswerAtMs;
        if (state === 'stopped' || state === 'gone' || silentMs >= this.stallLimitMs) {
          const why =
            state === 'stopped' || state === 'gone'
              ? `no answer to a liveness poll within ${this.callTimeoutMs} ms, and the process is ${state}`
              : `no answer to liveness polls for ${Math.round(silentMs)} ms`;
          this.settle(id, undefined, this.errors.timedOut(method, why));
        } else pending.timer = this.scheduleLivenessPoll(id, method, lastAnswerAtMs);
      };
      this.send(RUNNING_METHOD, [id], false, (pollId) =>
        this.deadline(this.callTimeoutMs, () =>
          this.settle(pollId, undefined, this.errors.timedOut(RUNNING_METHOD, 'no answer')),
        ),
      ).then((running) => {
        if (!this.pending.has(id)) return;
        // The answer to `id` is sent before the poll's: not running and still pending means lost.
        if (running !== true)
          this.settle(id, undefined, this.errors.timedOut(method, 'the child no longer runs the call'));
        else pending.timer = this.scheduleLivenessPoll(id, method);
      }, silent);
    }, this.pollIntervalMs);
  }

  /**
   * A timer that runs `expire` after `ms` - once the answers that arrived
   * meanwhile have been read: when this process's own event loop was held
   * (a loaded machine), the timer and the answer are due together, and
   * timers run before I/O in a loop turn. setImmediate runs after it.
   */
  private deadline(ms: number, expire: () => void): NodeJS.Timeout {
    return setTimeout(() => setImmediate(expire), ms);
  }

  private onMessage(m: unknown): void {
    if (isWireResponse(m)) {
      if (m.ok) this.settle(m.id, m.value, undefined);
      else this.settle(m.id, undefined, this.errors.toError(m.error));
    } else if (isWireEvent(m)) {
      for (const listener of this.listeners.get(m.name) ?? []) listener(m.data);
    }
  }

  private settle(id: number, value: unknown, error: Error | undefined): void {
    const p = this.pending.get(id);
    if (p === undefined) return; // answered late, after its deadline: dropped
    this.pending.delete(id);
    clearTimeout(p.timer);
    if (error !== undefined) p.reject(error);
    else p.resolve(value);
  }

  private onGone(why: string): void {
    this.goneError = this.errors.gone(why);
    for (const [id] of this.pending) this.settle(id, undefined, this.goneError);
  }
}
