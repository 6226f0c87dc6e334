import os from 'node:os';

/**
 * Niceness of the lab's data-plane processes (fabric, compute hosts). They
 * sleep most of the time but must wake on time: on the 2-core lab machine, a
 * normal-priority host waited up to ~10 ms for a CPU after the fabric had
 * switched traffic to it, which the measured downtime then included although
 * no packet was lost. Real hypervisors likewise run vCPU and vhost threads
 * ahead of housekeeping.
 */
export const LAB_PROCESS_NICE = -10;

/**
 * Raise this process's main thread to `nice` (Linux: setpriority on the
 * calling thread). Needs CAP_SYS_NICE for negative values; without it the
 * priority stays as it is. Returns the niceness in effect.
 */
export function raisePriority(nice: number = LAB_PROCESS_NICE): number {
  try {
    os.setPriority(nice);
  } catch {
    // Not permitted: keep the inherited priority.
  }
  return os.getPriority();
}
