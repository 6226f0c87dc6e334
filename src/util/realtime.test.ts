import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { currentThreadId, isRealtime } from './realtime.js';

const moduleUrl = new URL('./realtime.ts', import.meta.url).href;

/** Runs in a child process (a real-time test thread would stay real time): enter, then report. */
function probe(
  env: NodeJS.ProcessEnv = {},
  scope: 'traffic' | 'lab' = 'lab',
): {
  entered: boolean;
  realtime: boolean;
  workerRealtime: boolean;
} {
  const script = `
    const { Worker } = await import('node:worker_threads');
    const rt = await import(${JSON.stringify(moduleUrl)});
    const entered = rt.enterRealtime(${JSON.stringify(scope)});
    const realtime = rt.isRealtime();
    // A thread the real-time thread starts afterwards runs normal (SCHED_RESET_ON_FORK).
    const w = new Worker(\`const { parentPort } = require('node:worker_threads');
      const s = require('node:fs').readFileSync('/proc/thread-self/stat', 'utf8');
      parentPort.postMessage(Number(s.slice(s.lastIndexOf(')') + 2).split(' ')[38]));\`, { eval: true, execArgv: [] });
    const policy = await new Promise((r) => w.once('message', r));
    await w.terminate();
    console.log(JSON.stringify({ entered, realtime, workerRealtime: policy === 1 || policy === 2 }));
  `;
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: fileURLToPath(new URL('../..', import.meta.url)),
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
  return JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as ReturnType<typeof probe>;
}

const permitted = (() => {
  try {
    execFileSync('chrt', ['-f', '-p', '1', String(process.pid)], { stdio: 'ignore' });
    execFileSync('chrt', ['-o', '-p', '0', String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe('realtime', () => {
  it('knows the calling thread id and that the test thread is not real time', () => {
    expect(currentThreadId()).toBeGreaterThan(0);
    expect(isRealtime()).toBe(false);
  });

  it.runIf(permitted)('where permitted: the thread runs SCHED_FIFO, threads it starts later do not', () => {
    expect(probe({ VNFLAB_REALTIME: '1' })).toEqual({ entered: true, realtime: true, workerRealtime: false });
  });

  it.skipIf(permitted)('where not permitted (no CAP_SYS_NICE): says so and the thread stays normal', () => {
    expect(probe({ VNFLAB_REALTIME: '1' })).toEqual({
      entered: false,
      realtime: false,
      workerRealtime: false,
    });
  });

  it("the lab's data plane: off unless VNFLAB_REALTIME=1", () => {
    expect(probe({ VNFLAB_REALTIME: '' })).toEqual({
      entered: false,
      realtime: false,
      workerRealtime: false,
    });
    expect(probe({ VNFLAB_REALTIME: '0' })).toEqual({
      entered: false,
      realtime: false,
      workerRealtime: false,
    });
  });

  it("the traffic's threads: on unless VNFLAB_REALTIME=0 (where permitted)", () => {
    const off = { entered: false, realtime: false, workerRealtime: false };
    const on = permitted ? { entered: true, realtime: true, workerRealtime: false } : off;
    expect(probe({ VNFLAB_REALTIME: '' }, 'traffic')).toEqual(on);
    expect(probe({ VNFLAB_REALTIME: '1' }, 'traffic')).toEqual(on);
    expect(probe({ VNFLAB_REALTIME: '0' }, 'traffic')).toEqual(off);
  });
});
