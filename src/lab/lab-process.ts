/**
 * Run the embedded lab in its own OS process, so the lab's HTTP servers and
 * VIM never share an event loop with the harness's measurements.
 */
import { fork, type ChildProcess } from 'node:child_process';
import type { LabConfig } from './config.js';
import { siblingEntry } from '../util/entry.js';
import { killProcessGroup } from './hypervisor/process/ipc/process-group.js';
import type { LabInfo, LabVnfmAuthMode } from './lab.js';
import type { LoadPolicyConfig } from './vnfm/load-policy.js';
import type { ProcessFault } from './process-faults.js';
import { VnflabError } from '../util/errors.js';

export interface LabProcess {
  readonly info: LabInfo;
  readonly pid: number;
  /** Stop the lab and wait for its process (and so its hosts) to exit. */
  stop(): Promise<void>;
  /** Kill or freeze one of the lab's processes now (lab.faults); resolves with what was done. */
  injectProcessFault(fault: ProcessFault): Promise<string>;
}

export class LabStartError extends VnflabError {
  readonly code = 'VNFLAB_LAB_START';
}

export interface LabProcessOptions {
  readonly startTimeoutMs?: number;
  /** TCP port of the SOL003 VNFM; default any free port. */
  readonly sol003Port?: number;
  /**
   * Default 'oauth2', as in startLab: the VNFM requires the client
   * credentials it puts in LabInfo (`labSol003Config(info)` builds the
   * driver from them); 'none' leaves it open.
   */
  readonly vnfmAuth?: LabVnfmAuthMode;
  /** The VNFM's load policy, on the lab VIM's packet rates (trigger type `load`). */
  readonly loadPolicy?: LoadPolicyConfig;
  /** Aborted before the lab is up (Ctrl-C): the lab is stopped and the start rejects at once. */
  readonly signal?: AbortSignal;
}

export async function startLabProcess(config: LabConfig, opts: LabProcessOptions = {}): Promise<LabProcess> {
  const { file, execArgv } = siblingEntry(import.meta.url, 'main');
  // Its own process group: a terminal's Ctrl-C reaches the harness only, which
  // then cleans up through the lab (terminate the VNF) before stopping it. The
  // lab still exits by itself if the harness dies (IPC disconnect).
  const child: ChildProcess = fork(file, [], {
    execArgv,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    detached: true,
  });
  // The group's id is the lab's pid (setsid). Whatever ends the lab's main
  // process (its stop, a crash, SIGKILL), what is left of its group (a host
  // that is SIGSTOPped cannot notice, nor exit on SIGTERM) is SIGKILLed; and
  // so is the whole group if this process exits first (ipc/process-group.ts).
  const group = child.pid;
  const killGroup = (): void => {
    try {
      if (group !== undefined) killProcessGroup(group);
    } catch {
      // Not ours to signal (EPERM): nothing more this process can do.
    }
  };
  process.once('exit', killGroup);
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      process.off('exit', killGroup);
      killGroup();
      resolve();
    }),
  );
  // Known once the lab is up: a QEMU lab left behind by a killed child is removed by its id.
  let qemuLabId: string | undefined;
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      // The lab may die while we ask (EPIPE): its exit, awaited below, is what counts.
      if (child.connected) child.send({ type: 'stop' }, () => undefined);
      // QEMU hosts quit each guest (up to 3 s each before SIGKILL) and delete namespaces: give them longer.
      const graceMs = config.hypervisor === 'qemu' ? 30_000 : 10_000;
      let killed = false;
      const timer = setTimeout(() => {
        killed = true;
        child.kill('SIGKILL');
      }, graceMs);
      await exited;
      clearTimeout(timer);
      if (killed && qemuLabId !== undefined) await removeQemuLab(qemuLabId);
    }
  };
  const startTimeoutMs = opts.startTimeoutMs ?? 30_000;
  const { signal } = opts;
  let onAbort = (): void => undefined;
  try {
    const info = await new Promise<LabInfo>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new LabStartError(`the embedded lab did not come up within ${startTimeoutMs} ms`)),
        startTimeoutMs,
      );
      onAbort = () => {
        clearTimeout(timer);
        reject(new LabStartError('interrupted while starting the embedded lab'));
      };
      if (signal?.aborted) onAbort();
      else signal?.addEventListener('abort', onAbort, { once: true });
      child.on('message', (msg: { type?: string; info?: LabInfo; message?: string }) => {
        if (msg.type === 'ready' && msg.info) {
          clearTimeout(timer);
          qemuLabId = msg.info.qemuLabId;
          resolve(msg.info);
        } else if (msg.type === 'error') {
          clearTimeout(timer);
          reject(new LabStartError(`the embedded lab failed to start: ${msg.message ?? 'unknown error'}`));
        }
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new LabStartError(`the embedded lab exited during start (code ${code}, signal ${signal})`));
      });
      child.send(
        {
          type: 'start',
          config,
          options: {
            vnfmAuth: opts.vnfmAuth ?? 'oauth2',
            ...(opts.sol003Port !== undefined ? { sol003Port: opts.sol003Port } : {}),
            ...(opts.loadPolicy !== undefined ? { loadPolicy: opts.loadPolicy } : {}),
          },
        },
        // A lab that died at once fails the send (EPIPE); its exit rejects the start.
        () => undefined,
      );
    });
    let nextFaultId = 1;
    const injectProcessFault = (fault: ProcessFault): Promise<string> => {
      const id = nextFaultId++;
      return new Promise<string>((resolve) => {
        if (!child.connected) {
          resolve(`fault ${fault.spec}: the lab has exited: nothing done`);
          return;
        }
        const onMessage = (msg: { type?: string; id?: number; text?: string }): void => {
          if (msg.type !== 'fault-done' || msg.id !== id) return;
          child.off('message', onMessage);
          child.off('exit', onExit);
          resolve(msg.text ?? `fault ${fault.spec}: done`);
        };
        const onExit = (): void => {
          child.off('message', onMessage);
          resolve(`fault ${fault.spec}: the lab exited before it answered`);
        };
        child.on('message', onMessage);
        child.once('exit', onExit);
        child.send({ type: 'fault', id, fault }, () => undefined);
      });
    };
    return { info, pid: child.pid ?? -1, stop, injectProcessFault };
  } catch (err) {
    await stop();
    throw err;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}

/** The child was killed before it stopped its QEMU lab: kill what runs in the lab's namespaces and delete them. */
async function removeQemuLab(labId: string): Promise<void> {
  const { cleanupQemuLabs } = await import('./hypervisor/qemu/cleanup.js');
  await cleanupQemuLabs({ labId }).catch(() => undefined);
}
