/**
 * Child side of the lab's IPC: read the init argument, answer requests,
 * emit events, and die with the parent (no orphan processes, ever).
 */
import { VnflabBugError } from '../../../../util/errors.js';
import {
  isWireRequest,
  READY_EVENT,
  RUNNING_METHOD,
  type RpcApi,
  type WireError,
  type WireResponse,
} from './wire.js';
import { killProcessGroup, labProcessGroup } from './process-group.js';

/** The JSON value the parent passed to forkChild. */
export function readInit(): unknown {
  const arg = process.argv[2];
  if (arg === undefined) throw new VnflabBugError('missing init argument (start this module with forkChild)');
  return JSON.parse(arg) as unknown;
}

/**
 * Exit as soon as the IPC channel closes: the parent exited, crashed or was
 * killed. Sockets and timers go with the process. In the lab's own process
 * group (process-group.ts), the whole group is killed instead: a SIGSTOPped
 * sibling cannot notice its parent is gone, SIGKILL ends it all the same.
 */
export function exitWithParent(): void {
  const orphaned = (): never => {
    const group = labProcessGroup();
    try {
      if (group !== null) killProcessGroup(group); // this process included
    } finally {
      process.exit(0);
    }
  };
  if (!process.connected) orphaned();
  process.on('disconnect', orphaned);
}

/** Send an event to the parent; dropped silently when the channel is closed. */
export function emit(name: string, data: unknown): void {
  if (process.connected) process.send?.({ t: 'evt', name, data });
}

export function announceReady(data: unknown): void {
  emit(READY_EVENT, data);
}

/**
 * Answer the parent's requests with `api`'s methods. `afterReply` runs once
 * the answer to `method` has been handed to the IPC channel (used to exit
 * after replying to shutdown).
 */
export function serveRpc<Api extends RpcApi<Api>>(
  api: Api,
  toWire: (err: unknown) => WireError,
  afterReply?: (method: string) => void,
): void {
  const methods = api as unknown as Record<string, ((...args: unknown[]) => Promise<unknown>) | undefined>;
  /** Ids of long calls under way (see RUNNING_METHOD). */
  const running = new Set<number>();
  process.on('message', (m: unknown) => {
    if (!isWireRequest(m)) return;
    if (m.method === RUNNING_METHOD) {
      reply({ t: 'res', id: m.id, ok: true, value: running.has(Number(m.args[0])) }, m.method);
      return;
    }
    if (m.long === true) running.add(m.id);
    const fn = methods[m.method];
    const run =
      fn === undefined
        ? Promise.reject(new VnflabBugError(`unknown method ${m.method}`))
        : Promise.resolve().then(() => fn.apply(api, [...m.args]));
    void run.then(
      (value) => reply({ t: 'res', id: m.id, ok: true, value: value ?? null }, m.method),
      (err: unknown) => reply({ t: 'res', id: m.id, ok: false, error: toWire(err) }, m.method),
    );
  });

  function reply(res: WireResponse, method: string): void {
    // Queued before any later poll's answer (IPC keeps order): not running + no answer seen = lost.
    running.delete(res.id);
    if (!process.connected) return;
    process.send?.(res, undefined, {}, () => afterReply?.(method));
  }
}
