/**
 * Child-process entry of the embedded lab (forked by lab-process.ts). It
 * sends `{ type: 'ready', info }` over IPC once up, and tears the lab down
 * on `{ type: 'stop' }`, SIGTERM / SIGINT, or when its parent goes away.
 */
import type { LabConfig } from './config.js';
import { raiseControlPlane } from './hypervisor/process/ipc/priority.js';
import { LAB_PROCESS_GROUP_ENV } from './hypervisor/process/ipc/process-group.js';
import type { ProcessFault } from './process-faults.js';
import { type LabStartOptions, startLab, type RunningLab } from './lab.js';

// lab-process.ts forks this process detached: it leads its own process group,
// which the hosts and the fabric it forks join. Named here, every child knows
// the group holds nothing but the lab, and kills it all when orphaned
// (hypervisor/process/ipc/process-group.ts).
process.env[LAB_PROCESS_GROUP_ENV] = String(process.pid);
// The VIM, the Nova API and the VNFM run ahead of other work on the machine, as a host's services do.
raiseControlPlane();

let lab: RunningLab | null = null;
let stopping = false;

async function shutdown(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    await lab?.stop();
  }
  process.exit(code);
}

process.on('disconnect', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));
process.on('SIGINT', () => void shutdown(0));
process.on(
  'message',
  (msg: {
    type?: string;
    config?: LabConfig;
    options?: LabStartOptions;
    id?: number;
    fault?: ProcessFault;
  }) => {
    if (msg.type === 'stop') {
      void shutdown(0);
      return;
    }
    if (msg.type === 'fault' && msg.fault) {
      const { id, fault } = msg;
      const done = (text: string): void => void process.send?.({ type: 'fault-done', id, text });
      if (!lab) done(`fault ${fault.spec}: the lab is not up: nothing done`);
      else
        lab
          .injectProcessFault(fault)
          .then(done, (err: unknown) => done(`fault ${fault.spec}: ${String(err)}`));
      return;
    }
    if (msg.type !== 'start' || !msg.config || lab) return;
    startLab(msg.config, msg.options ?? {}).then(
      (running) => {
        lab = running;
        if (stopping) {
          void running.stop();
          return;
        }
        process.send?.({ type: 'ready', info: running.info });
      },
      (err: unknown) => {
        process.send?.({ type: 'error', message: (err as Error).message });
        void shutdown(1);
      },
    );
  },
);
