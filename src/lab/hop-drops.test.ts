import { spawn, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { monoMs, sleep } from '../util/clock.js';
import { hopName, LabDropMonitor, parseUdpInodeDrops, processTree } from './hop-drops.js';

const LINUX = process.platform === 'linux';

describe('parseUdpInodeDrops', () => {
  it('reads inode and drops of each socket line, skipping the header', () => {
    const text = [
      '   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops',
      ' 1180: 0100007F:9C40 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 424242 2 0000000000000000 17',
      ' 1181: 0100007F:9C41 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 424243 2 0000000000000000 0',
    ].join('\n');
    expect([...parseUdpInodeDrops(text)]).toEqual([
      [424242, 17],
      [424243, 0],
    ]);
  });
});

describe('hopName', () => {
  it('names the fabric, a compute host by its name, the lab, and anything else by pid', () => {
    expect(hopName(7, 'node\0/x/dist/lab/fabric/fabric-main.js\0{}')).toBe('fabric');
    expect(
      hopName(8, 'node\0/x/dist/lab/hypervisor/process/host-main.js\0{"name":"compute-2","capacity":{}}'),
    ).toBe('host compute-2');
    expect(hopName(9, 'node\0/x/dist/lab/main.js')).toBe('lab');
    expect(hopName(10, 'sleep\u0000100')).toBe('pid 10');
  });
});

describe.skipIf(!LINUX)('LabDropMonitor', () => {
  let child: ChildProcess | null = null;
  afterEach(() => {
    child?.kill('SIGKILL');
    child = null;
  });

  /** A child process with a UDP socket that never reads (a stalled hop), small queue; prints its port. */
  async function stalledHop(): Promise<{ pid: number; port: number }> {
    // Reads its socket like a lab process, but busy-waits for the ms it is sent on stdin (a descheduled hop).
    const code = [
      "const s = require('node:dgram').createSocket({ type: 'udp4', recvBufferSize: 4096 });",
      "s.on('message', () => {});",
      "s.bind(0, '127.0.0.1', () => console.log(s.address().port));",
      "process.stdin.on('data', (d) => { const end = Date.now() + Number(d); while (Date.now() < end); });",
    ].join('\n');
    child = spawn(process.execPath, ['-e', code], { stdio: ['pipe', 'pipe', 'inherit'] });
    const [line] = (await once(child.stdout!, 'data')) as [Buffer];
    return { pid: child.pid!, port: Number(line.toString().trim()) };
  }

  it("charges a stalled process's queue overflow to it, in the interval it happened, and nothing before the start", async () => {
    const hop = await stalledHop();
    const tx = dgram.createSocket('udp4');
    const blast = async (n: number): Promise<void> => {
      for (let i = 0; i < n; i++) tx.send(Buffer.alloc(64), hop.port, '127.0.0.1');
      await sleep(50);
    };
    try {
      // Drops before the monitor starts are not its business.
      child!.stdin!.write('400');
      await blast(2000);
      await sleep(400);
      expect((await processTree(hop.pid))[0]).toBe(hop.pid);
      const monitor = new LabDropMonitor(hop.pid, { sampleEveryMs: 20 });
      await monitor.start();
      await sleep(100);
      const quietUntil = monoMs();
      child!.stdin!.write('400');
      await sleep(20);
      const blastFrom = monoMs();
      await blast(2000);
      const blastTo = monoMs();
      await sleep(500);
      const seen = await monitor.stop();
      expect(seen.observed).toBe(true);
      expect(seen.hops).toEqual([`pid ${hop.pid}`]);
      const total = seen.totals[`pid ${hop.pid}`] ?? 0;
      expect(total).toBeGreaterThan(1000);
      expect(total).toBeLessThanOrEqual(2000);
      // Every drop is placed after the quiet part and ends no later than a sample after the blast.
      for (const i of seen.intervals) {
        expect(i.fromMs).toBeGreaterThanOrEqual(quietUntil - 1);
        expect(i.toMs).toBeGreaterThanOrEqual(blastFrom);
      }
      expect(seen.intervals[0]!.fromMs).toBeLessThanOrEqual(blastTo);
      // stop() twice is harmless and sees the same.
      expect((await monitor.stop()).totals).toEqual(seen.totals);
    } finally {
      tx.close();
    }
  });
});
