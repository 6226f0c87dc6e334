import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { MEASURES_REAL_TIME } from '../../test/measures-real-time.js';
import { monoMs, sleep } from '../util/clock.js';
import { chooseTrafficIo, loadUdpBatch, type UdpBatchAddon } from './udp-batch.js';

const choice = chooseTrafficIo('native');
const addon: UdpBatchAddon = loadUdpBatch(choice.addonPath ?? '');

describe('udp_batch addon', () => {
  const fds: number[] = [];
  afterEach(() => {
    for (const fd of fds.splice(0)) addon.close(fd);
  });
  const open = (recvBufferBytes = 1 << 20): ReturnType<UdpBatchAddon['openSocket']> => {
    const s = addon.openSocket(4, '127.0.0.1', 0, recvBufferBytes, 1 << 20);
    fds.push(s.fd);
    return s;
  };
  /** A sink and a sender connected to it. */
  const pair = (recvBufferBytes?: number): { sink: number; sender: number; port: number } => {
    const sink = open(recvBufferBytes);
    const sender = open();
    addon.connect(sender.fd, '127.0.0.1', sink.port);
    return { sink: sink.fd, sender: sender.fd, port: sink.port };
  };
  const receive = (fd: number, max: number, timeoutMs: number) => {
    const slot = 2048;
    const buffer = Buffer.alloc(slot * max);
    const lengths = new Uint32Array(max);
    const stampsMs = new Float64Array(max);
    const meta = new Float64Array(1);
    const n = addon.recvBatch(fd, buffer, slot, lengths, stampsMs, meta, timeoutMs);
    return { n, buffer, slot, lengths, stampsMs, drops: meta[0] ?? 0 };
  };

  it('sends a batch with one sendmmsg and receives it with recvmmsg, in order and whole', () => {
    const { sink, sender } = pair();
    const count = 300;
    const out = Buffer.alloc(64 * count);
    for (let i = 0; i < count; i++) out.writeUInt32BE(i, i * 64);
    expect(addon.sendBatch(sender, out, 64, count)).toBe(count);
    const seen: number[] = [];
    for (let tries = 0; seen.length < count && tries < 20; tries++) {
      const r = receive(sink, 256, 100);
      for (let i = 0; i < r.n; i++) {
        expect(r.lengths[i]).toBe(64);
        seen.push(r.buffer.readUInt32BE(i * r.slot));
      }
    }
    expect(seen).toEqual(Array.from({ length: count }, (_, i) => i));
  });

  it(
    'stamps each datagram on CLOCK_MONOTONIC when the kernel took it, not when it was read [measures real time]',
    MEASURES_REAL_TIME,
    async () => {
      const { sink, sender } = pair();
      const sentAtMs = monoMs();
      expect(addon.sendBatch(sender, Buffer.alloc(64 * 3), 64, 3)).toBe(3);
      const afterSendMs = monoMs();
      await sleep(50);
      const readAtMs = monoMs();
      const r = receive(sink, 16, 100);
      expect(r.n).toBe(3);
      for (let i = 0; i < r.n; i++) {
        const stamp = r.stampsMs[i] ?? Number.NaN;
        // Kernel time of arrival: inside the send call, ~50 ms before the read (not the read's time).
        expect(stamp).toBeGreaterThanOrEqual(sentAtMs - 0.05);
        expect(stamp).toBeLessThanOrEqual(afterSendMs + 0.05);
        expect(readAtMs - stamp).toBeGreaterThan(40);
      }
    },
  );

  it("reports the socket's own drop counter (SO_RXQ_OVFL): received + dropped = sent", () => {
    // The smallest receive queue the kernel allows: a burst overflows it.
    const { sink, sender } = pair(1);
    const count = 5000;
    let sent = 0;
    const out = Buffer.alloc(64 * 500);
    for (let i = 0; i < count / 500; i++) sent += Math.max(0, addon.sendBatch(sender, out, 64, 500));
    expect(sent).toBe(count);
    let received = 0;
    let drops = 0;
    for (;;) {
      const r = receive(sink, 256, 20);
      if (r.n === 0) break;
      received += r.n;
      drops = Math.max(drops, r.drops);
    }
    // Each datagram carries the count when it was queued: the ones queued before the overflow carry none.
    expect(addon.sendBatch(sender, out, 64, 1)).toBe(1);
    const after = receive(sink, 4, 100);
    expect(after.n).toBe(1);
    drops = after.drops;
    expect(drops).toBeGreaterThan(0);
    expect(received + drops).toBe(count);
    expect(addon.socketDrops(sink)).toBe(drops);
  });

  it(
    'sleeps to an absolute CLOCK_MONOTONIC deadline, never waking before it [measures real time]',
    MEASURES_REAL_TIME,
    () => {
      for (const aheadMs of [0.2, 1, 5]) {
        const deadline = addon.monoMs() + aheadMs;
        addon.sleepUntilMs(deadline);
        const woke = monoMs();
        expect(woke).toBeGreaterThanOrEqual(deadline);
        expect(woke - deadline).toBeLessThan(20);
      }
      // A deadline in the past returns at once.
      const before = monoMs();
      addon.sleepUntilMs(before - 1000);
      expect(monoMs() - before).toBeLessThan(20);
    },
  );

  it('returns no datagram after the timeout on a quiet socket, and errors carry the errno', () => {
    const sink = open();
    expect(receive(sink.fd, 4, 1).n).toBe(0);
    expect(() => addon.openSocket(4, 'not-an-address', 0, 0, 0)).toThrow(/numeric address/);
    expect(() => addon.sendBatch(sink.fd, Buffer.alloc(10), 64, 1)).toThrow(/buffer too short/);
    const taken = open();
    expect(() => addon.openSocket(4, '127.0.0.1', taken.port, 0, 0)).toThrow(
      expect.objectContaining({
        errno: 98,
        code: 'EADDRINUSE',
        message: expect.stringMatching(/^bind: /) as unknown,
      }) as Error,
    );
  });

  it('closes only its own sockets, and every socket a terminated worker thread left open', async () => {
    const s = open();
    fds.pop();
    addon.close(s.fd);
    expect(() => addon.close(s.fd)).toThrow(expect.objectContaining({ code: 'EBADF' }) as Error);
    const worker = new Worker(
      `const { parentPort } = require('node:worker_threads');
       const a = require(${JSON.stringify(choice.addonPath)});
       parentPort.postMessage(a.openSocket(4, '127.0.0.1', 0, 0, 0).port);
       setInterval(() => {}, 1000);`,
      { eval: true },
    );
    const port = await new Promise<number>((resolve) => worker.once('message', resolve));
    expect(() => addon.openSocket(4, '127.0.0.1', port, 0, 0)).toThrow(/EADDRINUSE|in use/);
    await worker.terminate();
    const again = addon.openSocket(4, '127.0.0.1', port, 0, 0);
    fds.push(again.fd);
    expect(again.port).toBe(port);
  });
});

describe('chooseTrafficIo', () => {
  const saved = process.env.VNFLAB_UDP_BATCH_ADDON;
  afterEach(() => {
    if (saved === undefined) delete process.env.VNFLAB_UDP_BATCH_ADDON;
    else process.env.VNFLAB_UDP_BATCH_ADDON = saved;
  });

  it('takes the addon when it loads, and falls back to dgram saying why when it does not', () => {
    expect(chooseTrafficIo('auto')).toMatchObject({ io: 'native', addonPath: choice.addonPath });
    process.env.VNFLAB_UDP_BATCH_ADDON = '/nonexistent/udp_batch.node';
    expect(chooseTrafficIo('auto')).toEqual({
      io: 'dgram',
      addonPath: null,
      reason: 'udp_batch addon not loaded (/nonexistent/udp_batch.node: absent)',
    });
    expect(() => chooseTrafficIo('native')).toThrow(
      expect.objectContaining({
        code: 'TRAFFIC_ADDON_UNAVAILABLE',
        message: expect.stringMatching(/^udp_batch addon not loaded/) as unknown,
      }) as Error,
    );
    // A file that is not a loadable binary.
    process.env.VNFLAB_UDP_BATCH_ADDON = new URL('./udp-batch.ts', import.meta.url).pathname;
    expect(chooseTrafficIo('auto')).toMatchObject({
      io: 'dgram',
      reason: expect.stringContaining('udp-batch.ts: ') as unknown,
    });
  });

  it('never loads the addon when dgram is asked for', () => {
    process.env.VNFLAB_UDP_BATCH_ADDON = '/nonexistent/udp_batch.node';
    expect(chooseTrafficIo('dgram')).toMatchObject({ io: 'dgram', addonPath: null });
  });
});
