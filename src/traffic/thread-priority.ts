import os from 'node:os';
import { enterRealtime } from '../util/realtime.js';

/**
 * Raise the calling thread's scheduling priority (Linux: setpriority on a
 * thread id changes that thread only). The generator and receiver threads
 * sleep most of the time but must wake on time: on a loaded machine (a lab
 * of emulated guests on two cores) a normal-priority thread waits several ms
 * for a CPU, which shows up as pacing gaps and late arrival stamps. Needs
 * CAP_SYS_NICE for negative values; without it the priority stays as it is.
 * Where permitted the thread also runs real-time (util/realtime.ts, scope
 * 'traffic': on unless VNFLAB_REALTIME=0; it sleeps between ticks, never
 * spins). Returns the niceness in effect.
 */
export function applyThreadNice(nice: number | null): number {
  if (nice !== null) {
    try {
      os.setPriority(nice);
    } catch {
      // Not permitted: keep the inherited priority.
    }
    enterRealtime('traffic');
  }
  return os.getPriority();
}
