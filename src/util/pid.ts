/**
 * Is a process alive? Linux: its /proc entry exists and is not a zombie (a
 * process that exited but was not yet reaped by its parent has ended for
 * every purpose of ours). Elsewhere: signal 0 reaches it.
 */
import { readFileSync } from 'node:fs';

export function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The state follows the comm field, which may hold spaces and parentheses: read after the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0] !== 'Z';
  } catch (err) {
    if (process.platform === 'linux' && (err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  }
}
