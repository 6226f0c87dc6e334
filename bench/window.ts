/**
 * One measured window of traffic, the shape every traffic bench shares: one
 * flow of 64-byte datagrams at `rateHz` (to `target`, or to the Traffic's
 * own sink), a warm-up, then counters cut to a window named "measure" of
 * `windowMs` with this process's CPU time sampled around it, then stop.
 */
import type { Traffic, TrafficTotals, WindowStats } from '../src/ports/traffic.js';
import { monoMs, sleep } from '../src/util/clock.js';
import type { Endpoint } from '../src/util/outcome.js';
import { cpuSeconds } from './machine.js';

export interface MeasuredWindow<T extends TrafficTotals = TrafficTotals> {
  /** The "measure" window's counters (undefined if the Traffic did not report it). */
  readonly window: WindowStats | undefined;
  readonly totals: T;
  /** CPU seconds of this process (and of its children, e.g. iperf3) over the window. */
  readonly cpu: { readonly self: number; readonly children: number };
  readonly wallSeconds: number;
}

export async function measureWindow<T extends TrafficTotals>(
  traffic: Traffic & { stopTraffic(): Promise<T> },
  opts: { rateHz: number; windowMs: number; warmUpMs: number; target?: Endpoint },
): Promise<MeasuredWindow<T>> {
  try {
    const { sink } = await traffic.prepare();
    const { rateHz } = opts;
    await traffic.configTrafficLoad('LOW', {
      loadLevels: { LOW: rateHz, NORMAL: rateHz, MAX: rateHz },
      packetSizeBytes: 64,
      flows: 1,
      target: opts.target ?? sink,
    });
    await traffic.startTraffic('warm-up');
    await sleep(opts.warmUpMs);
    await traffic.clearCounters('measure');
    const c0 = cpuSeconds();
    const t0 = monoMs();
    await sleep(opts.windowMs);
    const c1 = cpuSeconds();
    const wallSeconds = (monoMs() - t0) / 1000;
    await traffic.clearCounters('tail');
    // The intersection resolves to the port's signature; T is what this traffic returns.
    const totals = (await traffic.stopTraffic()) as T;
    return {
      window: totals.windows.find((w) => w.name === 'measure'),
      totals,
      cpu: { self: c1.self - c0.self, children: Math.max(0, c1.children - c0.children) },
      wallSeconds,
    };
  } finally {
    await traffic.close();
  }
}
