import os from 'node:os';
import { enterRealtime, realtimeWanted } from '../../../../util/realtime.js';

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

/**
 * Niceness of the lab's control plane (its main process: VIM, Nova API,
 * VNFM) and, when the data plane runs real time, of its bulk migration work.
 * A real NFV host runs its hypervisor services ahead of other tenants' work.
 * Measured on the 2-core machine with two CPU hogs at nice 0 beside a run
 * and the data plane real time (VNFLAB_REALTIME=1): with the copier at nice
 * 10 and the lab's main process at 0, no packet was lost but 5 of 5
 * migrations stalled (the copier got ~5 % of a core against the hogs) and the
 * Nova API missed its deadlines.
 */
export const LAB_CONTROL_NICE = -5;

/**
 * The copier's niceness: below the data plane either way. With a real-time
 * data plane (which preempts any nice level) it need not yield to it by
 * niceness, only stay ahead of other tenants: LAB_CONTROL_NICE.
 */
export function bulkWorkNice(): number {
  return realtimeWanted('lab') ? LAB_CONTROL_NICE : BULK_WORK_NICE;
}

/** Raise this process (the lab's main one) to {@link LAB_CONTROL_NICE} where permitted; the niceness in effect. */
export function raiseControlPlane(): number {
  try {
    os.setPriority(LAB_CONTROL_NICE);
  } catch {
    // Not permitted: keep the inherited priority.
  }
  return os.getPriority();
}

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
      os.setPriority(bulkWorkNice());
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
