/**
 * What the kernel says of a process (Linux /proc/<pid>/stat): stopped
 * (SIGSTOP, a debugger), gone (exited, a zombie), or otherwise alive. Lets
 * the lab tell a child that cannot answer (stopped) from one that is only
 * slow (starved of CPU, e.g. a destination host receiving a migration at
 * low priority on a loaded machine).
 */
import { readFileSync } from 'node:fs';

export type ProcessState = 'stopped' | 'gone' | 'alive' | 'unknown';

export function processState(pid: number): ProcessState {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT' && readable() ? 'gone' : 'unknown';
  }
  // pid (comm) state ...: comm may hold spaces and parentheses.
  const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  if (state === 'T' || state === 't') return 'stopped';
  if (state === 'Z' || state === 'X' || state === 'x') return 'gone';
  return 'alive';
}

/** Is there a /proc to read at all (Linux)? */
function readable(): boolean {
  try {
    readFileSync('/proc/self/stat');
    return true;
  } catch {
    return false;
  }
}
