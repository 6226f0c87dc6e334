import { fork, type ChildProcess } from 'node:child_process';
import { siblingEntry } from '../../../../util/entry.js';
import { LabChildError } from '../errors.js';
import { isWireEvent, READY_EVENT } from './wire.js';

/** A lab child process (compute host, fabric) started by its parent. */
export interface ChildHandle {
  readonly child: ChildProcess;
  readonly pid: number;
  /** Data of the child's ready event. */
  readonly ready: unknown;
  /** Resolves when the child has exited. */
  readonly exited: Promise<void>;
}

/**
 * Fork a sibling module of `callerUrl` (from sources or dist, see
 * util/entry.ts) with `init` as its only argument (JSON), and wait for its
 * ready event. Rejects, killing the child, if it is not ready in time.
 */
export async function forkChild(
  callerUrl: string,
  baseName: string,
  init: unknown,
  readyTimeoutMs = 15_000,
): Promise<ChildHandle> {
  const { file, execArgv } = siblingEntry(callerUrl, baseName);
  const child = fork(file, [JSON.stringify(init)], {
    execArgv,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    serialization: 'json',
  });
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  const pid = child.pid;
  try {
    if (pid === undefined)
      throw new LabChildError('LAB_CHILD_SPAWN_FAILED', `could not start ${baseName}`, baseName);
    const ready = await new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new LabChildError(
              'LAB_CHILD_READY_TIMEOUT',
              `${baseName} not ready after ${readyTimeoutMs} ms`,
              baseName,
            ),
          ),
        readyTimeoutMs,
      );
      const onMessage = (m: unknown): void => {
        if (!isWireEvent(m) || m.name !== READY_EVENT) return;
        clearTimeout(timer);
        child.off('message', onMessage);
        resolve(m.data);
      };
      child.on('message', onMessage);
      child.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      void exited.then(() => {
        clearTimeout(timer);
        reject(
          new LabChildError(
            'LAB_CHILD_EXITED',
            `${baseName} exited before it was ready (code ${child.exitCode})`,
            baseName,
            child.exitCode,
          ),
        );
      });
    });
    return { child, pid, ready, exited };
  } catch (err) {
    child.kill('SIGKILL');
    await exited;
    throw err;
  }
}

/** SIGKILL the child (stopped or not) and wait for it to be gone. */
export async function killChild(handle: ChildHandle): Promise<void> {
  handle.child.kill('SIGKILL');
  await handle.exited;
}

/** Wait for the child to exit by itself for `graceMs`, then kill it. */
export async function awaitExit(handle: ChildHandle, graceMs = 5_000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>(
    (resolve) => (timer = setTimeout(() => resolve('timeout'), graceMs)),
  );
  const outcome = await Promise.race([handle.exited.then(() => 'exited' as const), timeout]);
  clearTimeout(timer);
  if (outcome === 'timeout') await killChild(handle);
}
