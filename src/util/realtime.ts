/**
 * Real-time scheduling of one thread (Linux SCHED_FIFO, via util-linux
 * `chrt`, since Node has no sched_setscheduler). The lab's data plane
 * (fabric, the compute hosts' VNF threads, the traffic generator and
 * receiver) uses it where permitted (root or CAP_SYS_NICE), as a
 * real NFV host pins its vCPU and vhost threads: a thread that sleeps in
 * epoll most of the time then wakes within microseconds instead of waiting
 * behind bulk work for its CFS turn.
 *
 * SCHED_RESET_ON_FORK is set, so threads the real-time thread creates later
 * (workers, libuv's pool) start as normal threads.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, readlinkSync } from 'node:fs';

/**
 * Whose threads run real time:
 *  - 'traffic': the measurement threads (traffic generator, receiver and
 *    the calibration's impairment gate). On by default where permitted:
 *    they sleep between packets and never spin, and without it the tester
 *    itself is the largest error of the measurement (`vnflab calibrate` at
 *    50k/s on the 2-core reference machine: the gate fell up to 90 ms behind
 *    and the generator repaid stalls of 5-15 ms inside the outage; with real
 *    time all 45 of the bench's samples were within 1/rate + 0.5 ms).
 *  - 'lab': the embedded lab's data plane (fabric, compute hosts' VNF
 *    threads). Opt-in with VNFLAB_REALTIME=1: in a clean-clone CI run
 *    (2 cores) one migration stalled at 39 % for 120 s with it on, most
 *    likely the normal-priority migration thread starved; under
 *    investigation.
 * VNFLAB_REALTIME=0 turns both off, =1 turns both on.
 */
export type RealtimeScope = 'traffic' | 'lab';

export function realtimeWanted(scope: RealtimeScope): boolean {
  const v = process.env.VNFLAB_REALTIME;
  if (v === '0') return false;
  if (v === '1') return true;
  return scope === 'traffic';
}

/** SCHED_FIFO priority of the lab's data-plane threads (1-99; low: kernel threads stay above). */
export const DATA_PLANE_RT_PRIORITY = 10;

/** Linux id of the calling thread (its TID), or null where /proc/thread-self is missing. */
export function currentThreadId(): number | null {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').at(-1));
    return Number.isInteger(tid) && tid > 0 ? tid : null;
  } catch {
    return null;
  }
}

function chrt(args: readonly string[]): boolean {
  const tid = currentThreadId();
  if (tid === null) return false;
  try {
    execFileSync('chrt', [...args, String(tid)], { stdio: 'ignore', timeout: 2000 });
    return true;
  } catch {
    return false; // no chrt, not permitted, or the cgroup has no real-time budget
  }
}

/**
 * Make the calling thread SCHED_FIFO at `priority` where `scope` wants it
 * (see realtimeWanted); false where not wanted or not permitted. Synchronous (it runs `chrt`): call
 * it when a thread starts, never on a timed path - forking a process that
 * maps tens of MiB of guest memory took ~40 ms on the lab machine.
 */
export function enterRealtime(scope: RealtimeScope, priority: number = DATA_PLANE_RT_PRIORITY): boolean {
  return realtimeWanted(scope) && chrt(['--reset-on-fork', '--fifo', '-p', String(priority)]);
}

/** The calling thread's policy is SCHED_FIFO or SCHED_RR (Linux /proc). */
export function isRealtime(): boolean {
  const tid = currentThreadId();
  if (tid === null) return false;
  try {
    // Field 41 of /proc/<tid>/stat is the policy; the comm field (2) may hold spaces, so count after its ')'.
    const stat = readFileSync(`/proc/thread-self/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const policy = Number(fields[41 - 3]);
    return policy === 1 || policy === 2;
  } catch {
    return false;
  }
}
