import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { parseLabFault } from './faults.js';
import { injectProcessFault, type ProcessFault } from './process-faults.js';
import type { Vim } from './vim/vim.js';

/** The process's state letter in /proc (S sleeping, T stopped). */
const state = (pid: number): string => /\) (\w) /.exec(readFileSync(`/proc/${pid}/stat`, 'utf8'))?.[1] ?? '?';
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const child = spawn('sleep', ['30'], { stdio: 'ignore' });
afterAll(() => child.kill('SIGKILL'));
const vim = {
  listServers: () => Promise.resolve([]),
  listMigrations: () => Promise.resolve([]),
} as unknown as Vim;

describe('injectProcessFault', () => {
  it('freezeMSms stops the process and wakes it that much later; sigstop leaves it stopped', async () => {
    const pid = child.pid!;
    const fault = parseLabFault('fabric=freeze200ms@step7') as ProcessFault;
    const said = await injectProcessFault(fault, vim, { fabricPid: pid, hostPids: new Map() });
    expect(said).toBe(
      `fault fabric=freeze200ms@step7: SIGSTOP sent to the fabric (pid ${pid}), SIGCONT in 200 ms`,
    );
    expect(state(pid)).toBe('T');
    await sleep(600);
    expect(state(pid)).toBe('S');

    const stop = parseLabFault('host.1=sigstop@step7') as ProcessFault;
    expect(
      await injectProcessFault(stop, vim, { fabricPid: null, hostPids: new Map([['compute-1', pid]]) }),
    ).toBe(`fault host.1=sigstop@step7: SIGSTOP sent to host compute-1 (pid ${pid})`);
    await sleep(300);
    expect(state(pid)).toBe('T');
    // No VNF yet: host.source names no host, nothing is done.
    const source = parseLabFault('host.source=freeze100ms@step1') as ProcessFault;
    expect(
      await injectProcessFault(source, vim, { fabricPid: null, hostPids: new Map([['compute-1', pid]]) }),
    ).toMatch(/no such host now .*nothing done/);
  });
});
