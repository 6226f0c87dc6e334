import dgram from 'node:dgram';
import { readdirSync } from 'node:fs';
import type { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import type { TrafficParams } from '../ports/traffic.js';
import { runTrafficContract } from '../../test/contracts/traffic.contract.js';
import { sleep } from '../util/clock.js';
import type { Endpoint } from '../util/outcome.js';
import { BuiltinTraffic, type BuiltinTrafficTotals } from './builtin-traffic.js';
import { TrafficError } from './errors.js';

// The contract on both socket I/O paths: the udp_batch addon (required here: CI builds it) and node:dgram.
runTrafficContract({ name: 'builtin (native I/O)', create: () => new BuiltinTraffic({ io: 'native' }) });
runTrafficContract({ name: 'builtin (dgram I/O)', create: () => new BuiltinTraffic({ io: 'dgram' }) });

const params = (target: Endpoint, over: Partial<TrafficParams> = {}): TrafficParams => ({
  loadLevels: { LOW: 10_000, NORMAL: 50_000, MAX: 100_000 },
  packetSizeBytes: 64,
  flows: 1,
  target,
  ...over,
});

/** OS threads of this process (a worker thread is one). */
const threads = (): number => readdirSync('/proc/self/task').length;

async function expectThreads(n: number): Promise<void> {
  for (let i = 0; i < 50 && threads() !== n; i++) await sleep(20);
  expect(threads()).toBe(n);
}

describe('BuiltinTraffic', () => {
  const open: BuiltinTraffic[] = [];
  const make = (o?: ConstructorParameters<typeof BuiltinTraffic>[0]): BuiltinTraffic => {
    const t = new BuiltinTraffic(o);
    open.push(t);
    return t;
  };
  afterEach(async () => {
    for (const t of open.splice(0)) await t.close();
  });

  it('rejects bad parameters with an error naming the field', async () => {
    const t = make();
    const target = { host: '127.0.0.1', port: 9 };
    const bad: [Partial<TrafficParams>, string][] = [
      [{ packetSizeBytes: 16 }, 'traffic.packetSizeBytes must be >= 32'],
      [{ packetSizeBytes: 64.5 }, 'traffic.packetSizeBytes must be an integer'],
      [{ flows: 0 }, 'traffic.flows must be an integer >= 1'],
      [{ loadLevels: { LOW: -1, NORMAL: 1, MAX: 1 } }, 'traffic.loadLevels.LOW must be a positive number'],
      [{ target: { host: '127.0.0.1', port: 0 } }, 'traffic.target.port must be an integer in 1..65535'],
      [{ target: { host: '', port: 9 } }, 'traffic.target.host must be a non-empty string'],
    ];
    for (const [over, message] of bad) {
      const err: unknown = await t.configTrafficLoad('LOW', params(target, over)).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TrafficError);
      expect(err).toMatchObject({ code: 'TRAFFIC_INVALID_PARAMS' });
      expect((err as Error).message).toContain(message);
    }
    expect(() => new BuiltinTraffic({ graceMs: 0 })).toThrow(/traffic.graceMs/);
  });

  it('refuses steps out of order with coded errors', async () => {
    const t = make();
    await expect(t.startTraffic()).rejects.toMatchObject({ code: 'TRAFFIC_NOT_CONFIGURED' });
    await expect(t.clearCounters('x')).rejects.toMatchObject({ code: 'TRAFFIC_NOT_RUNNING' });
    await expect(t.readWindow()).rejects.toMatchObject({ code: 'TRAFFIC_NOT_RUNNING' });
    expect(await t.doesTrafficFlow()).toBe(false);
    await t.close();
    await expect(t.prepare()).rejects.toMatchObject({ code: 'TRAFFIC_CLOSED' });
  });

  it('sequence numbers cross 2^32 without a loss, a duplicate or a reordering', async () => {
    const t = make({ firstSeq: 2 ** 32 - 1000 });
    const { sink } = await t.prepare();
    await t.configTrafficLoad('LOW', params(sink));
    await t.startTraffic('wrap');
    await sleep(400);
    const totals = await t.stopTraffic();
    expect(totals.sent).toBeGreaterThan(2000);
    expect(totals).toMatchObject({ lost: 0, duplicated: 0, reordered: 0, late: 0 });
    expect(totals.received).toBe(totals.sent);
  });

  it.each(['native', 'dgram'] as const)(
    'runs the NORMAL load (50,000 packets/s) over 4 flows without loss (%s I/O)',
    async (io) => {
      const t = make({ io });
      expect(t.io.io).toBe(io);
      const { sink } = await t.prepare();
      await t.configTrafficLoad('NORMAL', params(sink, { flows: 4 }));
      await t.startTraffic();
      await sleep(500);
      const totals = await t.stopTraffic();
      expect(totals.sent).toBeGreaterThan(15_000);
      expect(totals.lost).toBe(0);
      expect(totals.received).toBe(totals.sent);
      expect(totals.offeredRateHz).toBeLessThanOrEqual(50_000 * 1.02);
    },
  );

  it('leaves no thread and no socket behind: after a run, a failed start, and a crashed receiver', async () => {
    // Warm-up cycle: the first run starts thread pools that stay.
    const warm = make();
    const { sink: warmSink } = await warm.prepare();
    await warm.configTrafficLoad('LOW', params(warmSink));
    await warm.startTraffic();
    await warm.close();
    const baseline = threads();

    const run = make();
    const { sink } = await run.prepare();
    await run.configTrafficLoad('LOW', params(sink, { flows: 2 }));
    await run.startTraffic();
    expect(threads()).toBeGreaterThanOrEqual(baseline + 2); // two workers (from sources each has a loader thread too)
    await run.stopTraffic();
    await run.close();
    await expectThreads(baseline);
    await expectBindable(sink);

    // close() while the threads are still starting: the start fails, no sender is left running.
    const racing = make();
    const { sink: racingSink } = await racing.prepare();
    await racing.configTrafficLoad('LOW', params(racingSink));
    const starting = racing.startTraffic().then(
      () => 'started',
      (e: unknown) => e,
    );
    await racing.close();
    expect(await starting).toMatchObject({ code: 'TRAFFIC_CLOSED' });
    await expectThreads(baseline);
    await expectBindable(racingSink);

    // The generator cannot bind (an IPv4 source for an IPv6 target): start fails, nothing stays.
    const failing = make({ sourceHost: '127.0.0.1' });
    const { sink: failingSink } = await failing.prepare();
    await failing.configTrafficLoad('LOW', params({ host: '::1', port: 9 }));
    await expect(failing.startTraffic()).rejects.toMatchObject({ code: 'TRAFFIC_WORKER_FAILED' });
    await failing.close();
    await expectThreads(baseline);
    await expectBindable(failingSink);

    // The receiver thread dies mid-run: calls fail with a code, close() still releases everything.
    const crashing = make();
    const { sink: crashSink } = await crashing.prepare();
    await crashing.configTrafficLoad('LOW', params(crashSink));
    await crashing.startTraffic();
    const receiverWorker = (crashing as unknown as { receiver: { worker: Worker } }).receiver.worker;
    await receiverWorker.terminate();
    await expect(crashing.readWindow()).rejects.toMatchObject({ code: 'TRAFFIC_WORKER_FAILED' });
    await crashing.close();
    await expectThreads(baseline);
    await expectBindable(crashSink);
  });

  describe('socket I/O path', () => {
    const saved = { addon: process.env.VNFLAB_UDP_BATCH_ADDON, io: process.env.VNFLAB_TRAFFIC_IO };
    afterEach(() => {
      for (const [key, value] of [
        ['VNFLAB_UDP_BATCH_ADDON', saved.addon],
        ['VNFLAB_TRAFFIC_IO', saved.io],
      ] as const) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    });

    /** A short run at LOW; its totals. */
    const shortRun = async (t: BuiltinTraffic): Promise<BuiltinTrafficTotals> => {
      const { sink } = await t.prepare();
      await t.configTrafficLoad('LOW', params(sink));
      await t.startTraffic();
      await sleep(300);
      return t.stopTraffic();
    };

    it("takes the addon when it loads: kernel stamps and the socket's own drop counter in the self-check", async () => {
      const t = make();
      expect(t.io).toMatchObject({
        io: 'native',
        reason: expect.stringMatching(/^udp_batch addon loaded from /) as unknown,
      });
      const totals = await shortRun(t);
      expect(totals).toMatchObject({ lost: 0, received: totals.sent });
      expect(totals.selfCheck).toMatchObject({ arrivalStamps: 'kernel', receiverSocketDrops: 0 });
    });

    it('falls back to dgram when the addon does not load, and says why; traffic still flows', async () => {
      process.env.VNFLAB_UDP_BATCH_ADDON = '/nonexistent/udp_batch.node';
      const t = make();
      expect(t.io).toEqual({
        io: 'dgram',
        addonPath: null,
        reason: 'udp_batch addon not loaded (/nonexistent/udp_batch.node: absent)',
      });
      const totals = await shortRun(t);
      expect(totals.sent).toBeGreaterThan(1000);
      expect(totals).toMatchObject({ lost: 0, received: totals.sent });
      expect(totals.selfCheck?.arrivalStamps).toBe('receiver-thread');
      // Asked for by name, a missing addon is an error naming the option.
      expect(() => new BuiltinTraffic({ io: 'native' })).toThrow(
        expect.objectContaining({
          code: 'TRAFFIC_INVALID_PARAMS',
          message: expect.stringMatching(/^traffic.io is 'native' but udp_batch addon not loaded/) as unknown,
        }) as Error,
      );
    });

    it('uses dgram when VNFLAB_TRAFFIC_IO=dgram, without loading the addon', () => {
      process.env.VNFLAB_TRAFFIC_IO = 'dgram';
      process.env.VNFLAB_UDP_BATCH_ADDON = '/nonexistent/udp_batch.node';
      expect(make().io).toMatchObject({
        io: 'dgram',
        reason: expect.stringContaining('VNFLAB_TRAFFIC_IO') as unknown,
      });
      expect(() => new BuiltinTraffic({ io: 'fast' as 'native' })).toThrow(
        /traffic.io must be 'auto', 'native' or 'dgram'/,
      );
    });
  });

  it('reports a sink port that is taken as a failed prepare()', async () => {
    const holder = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => holder.bind(0, '127.0.0.1', resolve));
    try {
      const t = make({ sinkPort: holder.address().port });
      await expect(t.prepare()).rejects.toMatchObject({ code: 'TRAFFIC_WORKER_FAILED' });
    } finally {
      holder.close();
    }
  });
});

async function expectBindable(e: Endpoint): Promise<void> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(e.port, e.host, () => resolve());
  });
  await new Promise<void>((resolve) => socket.close(() => resolve()));
}
