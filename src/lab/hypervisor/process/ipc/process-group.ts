/**
 * The lab's processes as one process group, so that nothing of a lab
 * outlives it, not even a SIGSTOPped host.
 *
 * lab-process.ts forks the lab's main process detached (setsid: it leads a
 * new session and process group whose id is its pid); the hosts and the
 * fabric it forks join that group. A stopped process cannot run its own
 * watchdog (serve.ts exitWithParent) and ignores SIGTERM until continued,
 * but SIGKILL ends it, stopped or not. So:
 * - the harness SIGKILLs the group as soon as the lab's main process has
 *   exited, whatever ended it (lab-process.ts);
 * - a child whose parent died (its IPC channel closed) SIGKILLs the whole
 *   group, itself included, so a stopped sibling goes too even when the
 *   harness died with the lab (Linux has PR_SET_PDEATHSIG, Node does not
 *   expose it, and it would not reach a stopped sibling anyway).
 * Only a group known to hold nothing but the lab is ever signalled: the lab's
 * main process names it in {@link LAB_PROCESS_GROUP_ENV}; a lab started
 * in-process (tests, `vnflab lab up`) has none, and its children just exit.
 */
import { InvalidArgumentError } from '../../../../util/errors.js';

/** Environment variable naming the lab's own process group (set by lab/main.ts, inherited by its children). */
export const LAB_PROCESS_GROUP_ENV = 'VNFLAB_LAB_PGID';

/** The lab's own process group, if this process belongs to one. */
export function labProcessGroup(env: NodeJS.ProcessEnv = process.env): number | null {
  const value = env[LAB_PROCESS_GROUP_ENV];
  if (value === undefined || !/^\d+$/.test(value)) return null;
  const pgid = Number(value);
  // 0 and 1 are no group of ours: kill(-1) would signal every process we may signal.
  return pgid > 1 ? pgid : null;
}

/** SIGKILL every process of group `pgid` (stopped ones too); false when the group is already empty. */
export function killProcessGroup(pgid: number): boolean {
  if (!Number.isInteger(pgid) || pgid <= 1) throw new InvalidArgumentError(`not a process group id: ${pgid}`);
  try {
    process.kill(-pgid, 'SIGKILL');
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw err;
  }
}
