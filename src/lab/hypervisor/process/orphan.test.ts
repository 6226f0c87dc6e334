import { fork } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { siblingEntry } from '../../../util/entry.js';
import { isAlive, until } from '../../../../test/fakes/process-lab/test-kit.js';

describe('lab child processes', () => {
  it('exit by themselves when their parent is killed', async () => {
    const { file, execArgv } = siblingEntry(import.meta.url, 'orphan.fixture');
    const parent = fork(file, [], { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const pids = await new Promise<{ fabricPid: number; hostPid: number }>((resolve) =>
      parent.once('message', (m) => resolve(m as { fabricPid: number; hostPid: number })),
    );
    expect(isAlive(pids.fabricPid)).toBe(true);
    expect(isAlive(pids.hostPid)).toBe(true);
    const exited = new Promise((resolve) => parent.once('exit', resolve));
    parent.kill('SIGKILL'); // no chance to clean up: the children must notice by themselves
    await exited;
    await until(() => !isAlive(pids.fabricPid) && !isAlive(pids.hostPid), 5000, 'children gone');
  });
});
