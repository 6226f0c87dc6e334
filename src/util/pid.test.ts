import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { isAlive } from './pid.js';

describe('isAlive', () => {
  it('a running child is alive; once exited (zombie or reaped) it is not; nonsense pids are not', async () => {
    const child = spawn('sleep', ['30'], { stdio: 'ignore' });
    expect(isAlive(child.pid!)).toBe(true);
    expect(isAlive(process.pid)).toBe(true);
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
    expect(isAlive(child.pid!)).toBe(false);
    for (const pid of [0, -1, 1.5, 2 ** 31]) expect(isAlive(pid), String(pid)).toBe(false);
  });
});
