import { fork, type ChildProcess } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { siblingEntry } from '../../../util/entry.js';
import { isAlive, processGroupMembers, until } from '../../../../test/fakes/process-lab/test-kit.js';

/** Start orphan.fixture.ts (with `args`) and wait for the pids it reports. */
async function startFixture<T>(args: string[]): Promise<{ parent: ChildProcess; pids: T }> {
  const { file, execArgv } = siblingEntry(import.meta.url, 'orphan.fixture');
  const parent = fork(file, args, { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const pids = await new Promise<T>((resolve) => parent.once('message', (m) => resolve(m as T)));
  return { parent, pids };
}

async function kill(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL'); // no chance to clean up: the children must notice by themselves
  await exited;
}

describe('lab child processes', () => {
  it('exit by themselves when their parent is killed', async () => {
    const { parent, pids } = await startFixture<{ fabricPid: number; hostPid: number }>([]);
    expect(isAlive(pids.fabricPid)).toBe(true);
    expect(isAlive(pids.hostPid)).toBe(true);
    await kill(parent);
    await until(() => !isAlive(pids.fabricPid) && !isAlive(pids.hostPid), 5000, 'children gone');
  });

  // Real time: the group must be empty within a bound.
  it("take a SIGSTOPped sibling with them when the lab's main process and its harness are both killed (real time)", async () => {
    const { parent: harness, pids } = await startFixture<{ labPid: number; hostPids: number[] }>([
      'lab-process',
    ]);
    const frozen = pids.hostPids[0] ?? -1;
    // A stopped process runs no watchdog and ignores everything but SIGKILL (and SIGCONT).
    process.kill(frozen, 'SIGSTOP');
    await kill(harness); // nobody is left to kill the lab's group from outside...
    process.kill(pids.labPid, 'SIGKILL');
    // ...so the lab's children, orphaned, kill their group: the stopped host included.
    const running = (): number[] =>
      processGroupMembers(pids.labPid)
        .filter((p) => p.state !== 'Z')
        .map((p) => p.pid);
    await until(() => running().length === 0, 10_000, "the lab's process group empty");
  });
});
