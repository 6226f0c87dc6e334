import os from 'node:os';
import { enterRealtime } from '../../../../util/realtime.js';

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
 * calling thread) and, where permitted, to real-time scheduling
 * (util/realtime.ts, scope 'lab': only with VNFLAB_REALTIME=1). Needs
 * CAP_SYS_NICE for either; without it the priority stays as it is. Returns
 * the niceness in effect.
 *
 * Real time, measured on the main run (2 cores, root): with nice alone the
 * traffic's p99 latency through the lab was 5-30 ms after a migration, and
 * runs had several loss episodes when a lab process waited for a CPU; as
 * SCHED_FIFO threads the fabric, hosts, generator and receiver got 0.4 ms
 * and one loss episode, at the switch-over, in every run. The destination
 * applies the incoming stream on its real-time thread too: it blocks on its
 * socket between frames, so the data plane waits at most one frame for it.
 */
export function raisePriority(nice: number = LAB_PROCESS_NICE): number {
  try {
    os.setPriority(nice);
  } catch {
    // Not permitted: keep the inherited priority.
  }
  enterRealtime('lab');
  return os.getPriority();
}

/** Niceness of bulk migration work: below the data plane, as a migration thread yields to vCPU threads. */
export const BULK_WORK_NICE = 10;

let bulkHolders = 0;

/**
 * Lower this thread (the destination host's main thread, which applies the
 * incoming migration stream) to {@link BULK_WORK_NICE} until the returned
 * function is called; nested holders share one lowering. Receiving 256 MiB/s
 * at the data plane's priority took the CPU the source VNF and the fabric
 * needed to keep up with the traffic (packets queued for tens of ms during
 * pre-copy). Only done where the way back is open (the thread runs at
 * {@link LAB_PROCESS_NICE}, so CAP_SYS_NICE is there): without it a lowered
 * thread could never be raised again for the resumed VNF.
 */
export function lowerForBulkWork(): () => void {
  if (bulkHolders === 0) {
    if (os.getPriority() !== LAB_PROCESS_NICE) return () => undefined;
    try {
      os.setPriority(BULK_WORK_NICE);
    } catch {
      return () => undefined;
    }
  }
  bulkHolders++;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    bulkHolders--;
    if (bulkHolders === 0) {
      try {
        os.setPriority(LAB_PROCESS_NICE);
      } catch {
        // keep what we have
      }
    }
  };
}
