import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { parseLabFault } from './faults.js';
import { injectProcessFault, type ProcessFault } from './process-faults.js';
import type { Vim } from './vim/vim.js';

/** The process's state letter in /proc (S sleeping, T stopped). */
const state = (pid: number): string => /\) (\w) /.exec(readFileSync(`/proc/${pid}/stat`, 'utf8'))?.[1] ?? '?';
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
/** The process's state once it settled on `want`, or whatever it was after 1 s (a signal lands asynchronously). */
async function settled(pid: number, want: string): Promise<string> {
  const end = Date.now() + 1000;
  while (state(pid) !== want && Date.now() < end) await sleep(5);
  return state(pid);
}

const child = spawn('sleep', ['30'], { stdio: 'ignore' });
afterAll(() => child.kill('SIGKILL'));
const vim = {
  listServers: () => Promise.resolve([]),
  listMigrations: () => Promise.resolve([]),
} as unknown as Vim;

describe('injectProcessFault', () => {
  it('freezeMSms stops the process and wakes it that much later; sigstop leaves it stopped', async () => {
    const pid = child.pid!;
    // Until it runs `sleep`, the child is still node's fork on its way to exec.
    const end = Date.now() + 5000;
    while (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() !== 'sleep' && Date.now() < end) await sleep(5);
    expect(await settled(pid, 'S')).toBe('S');
    const fault = parseLabFault('fabric=freeze1000ms@step7') as ProcessFault;
    const said = await injectProcessFault(fault, vim, { fabricPid: pid, hostPids: new Map() });
    expect(said).toBe(
      `fault fabric=freeze1000ms@step7: SIGSTOP sent to the fabric (pid ${pid}), SIGCONT in 1000 ms`,
    );
    expect(await settled(pid, 'T')).toBe('T');
    // Still stopped well inside the freeze, awake well after it.
    await sleep(50);
    expect(state(pid)).toBe('T');
    await sleep(1500);
    expect(await settled(pid, 'S')).toBe('S');

    const stop = parseLabFault('host.1=sigstop@step7') as ProcessFault;
    expect(
      await injectProcessFault(stop, vim, { fabricPid: null, hostPids: new Map([['compute-1', pid]]) }),
    ).toBe(`fault host.1=sigstop@step7: SIGSTOP sent to host compute-1 (pid ${pid})`);
    expect(await settled(pid, 'T')).toBe('T');
    await sleep(300);
    expect(state(pid)).toBe('T');
    // No VNF yet: host.source names no host, nothing is done.
    const source = parseLabFault('host.source=freeze100ms@step1') as ProcessFault;
    expect(
      await injectProcessFault(source, vim, { fabricPid: null, hostPids: new Map([['compute-1', pid]]) }),
    ).toMatch(/no such host now .*nothing done/);
  });
});
