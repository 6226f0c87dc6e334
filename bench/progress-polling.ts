/**
 * What the console's live progress costs the measurement: the builtin
 * traffic at `rateHz` through loopback, one window of `windowMs` measured
 * with no reads, then with Traffic.readWindow every 250 ms (the live view's
 * period) and every 10 ms (25 times more, to make any effect visible).
 * Prints per run the read's round trip (harness -> receiver worker ->
 * harness), the window's loss, late packets, socket drops and p99 / max
 * latency, and the harness's CPU. `npx tsx bench/progress-polling.ts [rateHz] [windowMs] [reps]`.
 */
import { BuiltinTraffic } from '../src/traffic/index.js';
import { monoMs, sleep } from '../src/util/clock.js';
import { measureWindow } from './window.js';

const rateHz = Number(process.argv[2] ?? 10_000);
const windowMs = Number(process.argv[3] ?? 5_000);
const reps = Number(process.argv[4] ?? 3);

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};

async function once(periodMs: number | null): Promise<Record<string, string | number>> {
  const traffic = new BuiltinTraffic();
  const readsMs: number[] = [];
  let polling = periodMs !== null;
  const poller = (async () => {
    await sleep(300);
    while (polling && periodMs !== null) {
      const t0 = monoMs();
      try {
        await traffic.readWindow();
        readsMs.push(monoMs() - t0);
      } catch {
        // stopping
      }
      await sleep(periodMs);
    }
  })();
  const m = await measureWindow(traffic, { rateHz, windowMs, warmUpMs: 300 });
  polling = false;
  await poller;
  const lat = m.window?.latency?.[0];
  return {
    poll: periodMs === null ? 'none' : `${periodMs} ms`,
    reads: readsMs.length,
    readP50Ms: +pct(readsMs, 50).toFixed(3),
    readMaxMs: +pct(readsMs, 100).toFixed(3),
    sent: m.window?.sent ?? 0,
    lost: m.window?.lost ?? 0,
    late: m.window?.late ?? 0,
    socketDrops: m.totals.selfCheck?.receiverSocketDrops ?? -1,
    latP99Ms: lat?.p99Ms ?? -1,
    latMaxMs: lat?.maxMs ?? -1,
    cpuSelfS: +m.cpu.self.toFixed(3),
  };
}

const rows = [];
for (let i = 0; i < reps; i++) for (const p of [null, 250, 10]) rows.push(await once(p));
console.table(rows);
