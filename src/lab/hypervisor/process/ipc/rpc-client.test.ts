// Real time: liveness polls of a long call against the clock; bounds have slack for a loaded machine.
import { type ChildProcess, spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { RpcClient } from './rpc-client.js';
import type { WireRequest } from './wire.js';

/** A stand-in for a forked child: requests are recorded, nothing answers; `pid` is some real process. */
class SilentChild extends EventEmitter {
  readonly requests: WireRequest[] = [];
  constructor(readonly pid: number) {
    super();
  }
  send(message: WireRequest, callback: (err: Error | null) => void): boolean {
    this.requests.push(message);
    callback(null);
    return true;
  }
}

type Api = { migrate(vmId: string): Promise<string> };

const sleepers: ChildProcess[] = [];
afterEach(() => {
  for (const s of sleepers.splice(0)) s.kill('SIGKILL');
});

/** A real process that does nothing (its state is what the client reads from /proc). */
function sleeper(): number {
  const p = spawn('sleep', ['30'], { stdio: 'ignore' });
  sleepers.push(p);
  return p.pid ?? -1;
}

function client(pid: number): { rpc: RpcClient<Api>; child: SilentChild } {
  const child = new SilentChild(pid);
  const rpc = new RpcClient<Api>(
    child as unknown as ChildProcess,
    {
      toError: (e) => new Error(e.message),
      gone: (why) => new Error(`gone: ${why}`),
      timedOut: (method, why) => Object.assign(new Error(`${method}: ${why}`), { code: 'TIMEOUT' }),
    },
    { callTimeoutMs: 100, pollIntervalMs: 50, stallLimitMs: 1_500 },
  );
  return { rpc, child };
}

describe('RpcClient long calls (real time)', () => {
  it('fail soon after the child stops answering its liveness polls, if the child is stopped', async () => {
    const pid = sleeper();
    process.kill(pid, 'SIGSTOP');
    const { rpc } = client(pid);
    const t0 = performance.now();
    await expect(rpc.callLong('migrate', 'vm-1')).rejects.toThrow(
      /^migrate: no answer to a liveness poll within 100 ms, and the process is stopped$/,
    );
    expect(performance.now() - t0).toBeLessThan(1_000);
  });

  it('wait longer for a child that runs but does not answer (starved of CPU), up to stallLimitMs', async () => {
    const { rpc, child } = client(sleeper());
    const call = rpc.callLong('migrate', 'vm-1');
    call.catch(() => undefined);
    const t0 = performance.now();
    await new Promise((resolve) => setTimeout(resolve, 600));
    // Still waiting, polling on: several polls went unanswered, the child is alive.
    expect(child.requests.filter((r) => r.method === '$running').length).toBeGreaterThan(2);
    expect(
      await Promise.race([
        call.then(
          () => 'settled',
          () => 'settled',
        ),
        Promise.resolve('pending'),
      ]),
    ).toBe('pending');
    await expect(call).rejects.toThrow(/^migrate: no answer to liveness polls for \d+ ms$/);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(1_400);
    expect(performance.now() - t0).toBeLessThan(4_000);
  });

  it('a late answer of the child still counts while the call is pending', async () => {
    const { rpc, child } = client(sleeper());
    const call = rpc.callLong('migrate', 'vm-1');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const id = child.requests[0]?.id;
    child.emit('message', { t: 'res', id, ok: true, value: 'done' });
    await expect(call).resolves.toBe('done');
  });
});
