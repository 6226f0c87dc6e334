/**
 * CPU hogs beside a measurement: busy shell loops at normal priority, as
 * /work/shared/tools/under-load.sh makes them (our standard "busy machine").
 */
import { spawn, type ChildProcess } from 'node:child_process';

/** Start `n` hogs; the returned function stops them and waits until they are gone. */
export function startHogs(n: number): () => Promise<void> {
  const hogs: ChildProcess[] = [];
  for (let i = 0; i < n; i++)
    // `timeout` bounds a hog this process could not stop (it was killed itself).
    hogs.push(spawn('timeout', ['3600', 'sh', '-c', 'while :; do :; done'], { stdio: 'ignore' }));
  return async () => {
    await Promise.all(
      hogs.map(
        (h) =>
          new Promise<void>((resolve) => {
            if (h.exitCode !== null || h.signalCode !== null) return resolve();
            h.once('exit', () => resolve());
            h.kill('SIGTERM');
          }),
      ),
    );
  };
}
