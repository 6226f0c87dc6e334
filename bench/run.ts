/**
 * `npm run bench`: the traffic benchmarks of issue 3, printed as Markdown
 * (paste into BENCHMARKS.md) and as one JSON line at the end.
 *
 *  1. Highest zero-loss rate on loopback: builtin generator + analyzer, and
 *     iperf3 (UDP, same packet size) in the same run; their ratio.
 *  2. Calibration error: outages 1, 10, 100, 1000, 2000 ms at 1k, 10k and
 *     50k packets/s through the impairment gate, both RFC 6201 methods,
 *     each outage repeated; the worst error per cell.
 *  3. Pacing: the builtin's offered rate over every 1 s span (target within
 *     0.1 %), its largest burst, packets skipped.
 *  4. CPU per 10k packets/s of the builtin (and iperf3) at a few rates,
 *     and CPU per datagram of the builtin's send path alone and of the
 *     whole path (what limits its rate).
 *
 * Bounded: every section has a share of a ~9 minute budget and stops
 * starting trials when it is spent. Options: --quick (shorter windows, one
 * repetition), --skip-iperf3.
 */
import { calibrate, withinBound, type CalibrationRow } from '../src/commands/calibrate.js';
import { Iperf3Traffic } from '../src/drivers/iperf3/iperf3-traffic.js';
import { iperf3Available } from '../src/drivers/iperf3/iperf3-process.js';
import { BuiltinTraffic } from '../src/traffic/builtin-traffic.js';
import { monoMs } from '../src/util/clock.js';
import { execFileSync } from 'node:child_process';
import { load1, machineNotes } from './machine.js';
import { pacing, type PacingResult } from './pacing.js';
import { perPacketCost, type PacketCost } from './per-packet-cost.js';
import { highestZeroLossRate, trial, type RateTrial } from './zero-loss-rate.js';

const args = new Set(process.argv.slice(2));
const quick = args.has('--quick');
const withIperf3 = !args.has('--skip-iperf3') && (await iperf3Available());
const startedMs = monoMs();
const budgetMs = (quick ? 3 : 9) * 60_000;
const sectionEnd = (share: number): number => monoMs() + (budgetMs - (monoMs() - startedMs)) * share;
const windowMs = quick ? 1000 : 3000;

const iperf3Version = withIperf3
  ? (execFileSync('iperf3', ['--version'], { encoding: 'utf8' }).split('\n')[0] ?? null)
  : null;
const before = machineNotes(iperf3Version);
const out: string[] = [];
const log = (line = ''): void => {
  out.push(line);
  console.log(line);
};

log(`## Run of ${new Date().toISOString()}`);
log();
log(
  `Machine: ${before.cpus} cores (${before.cpuModel}), Node ${before.node}, kernel ${before.kernel}` +
    `${before.iperf3 ? `, ${before.iperf3}` : ', iperf3 not installed'}; load average at start ${before.loadAvg.join(' / ')}.`,
);
log();

// 1. Zero-loss rate.
const ladderHz = [50_000, 100_000, 150_000, 200_000, 250_000, 300_000, 400_000];
const builtin = await highestZeroLossRate({
  create: () => new BuiltinTraffic(),
  ladderHz,
  bisectSteps: quick ? 2 : 4,
  windowMs,
  deadlineMs: sectionEnd(0.3),
});
const iperf = withIperf3
  ? await highestZeroLossRate({
      create: () => new Iperf3Traffic(),
      ladderHz,
      bisectSteps: quick ? 2 : 4,
      windowMs,
      deadlineMs: sectionEnd(0.4),
    })
  : null;
log('### Highest zero-loss rate on loopback (64-byte UDP payload, one flow)');
log();
log(
  `Each trial: 500 ms warm-up, then a ${windowMs} ms window that must lose nothing and offer >= 99 % of the rate.`,
);
log();
log('| implementation | rate tried /s | offered /s | sent | lost | CPU cores | load1 | verdict |');
log('|---|---:|---:|---:|---:|---:|---:|---|');
const row = (name: string, t: RateTrial): void =>
  log(
    `| ${name} | ${t.rateHz} | ${t.offeredRateHz} | ${t.sent} | ${t.lost} | ${t.cpuCores} | ${t.load1} | ` +
      `${t.passed ? 'pass' : t.limit === 'loss' ? 'FAIL: loss' : 'FAIL: sender short of rate'} |`,
  );
for (const t of builtin.trials) row('builtin', t);
for (const t of iperf?.trials ?? []) row('iperf3', t);
log();
log(
  `Highest zero-loss rate: builtin **${builtin.bestHz}/s**` +
    (iperf
      ? `, iperf3 **${iperf.bestHz}/s**, ratio builtin / iperf3 = **${iperf.bestHz > 0 ? (builtin.bestHz / iperf.bestHz).toFixed(2) : 'n/a'}**`
      : ', iperf3 not measured') +
    '.',
);
log();

// 2. Calibration.
const rates = [1000, 10_000, 50_000];
const outagesMs = [1, 10, 100, 1000, 2000];
const repeats = quick ? 1 : 3;
const calEnd = sectionEnd(0.75);
const cells = new Map<string, CalibrationRow[]>();
for (let rep = 0; rep < repeats && monoMs() < calEnd; rep++) {
  for (const rateHz of rates) {
    if (monoMs() > calEnd) break;
    for (const r of await calibrate({ rateHz, outagesMs })) {
      const key = `${rateHz}/${r.outageMs}`;
      cells.set(key, [...(cells.get(key) ?? []), r]);
    }
  }
}
const worst = (rows: readonly CalibrationRow[], f: (r: CalibrationRow) => number | null): number | null => {
  const v = rows.map(f).filter((x): x is number => x !== null);
  return v.length === 0 ? null : v.reduce((a, b) => (Math.abs(b) > Math.abs(a) ? b : a));
};
log('### Calibration error (impairment gate, one flow, 64-byte payload)');
log();
log(
  `Worst error (measured - true) over ${repeats} repetition(s) per cell; bound = 1/rate + 0.5 ms. Frame-loss is ` +
    "set against the drop interval, timestamp against the gate's egress silence less one interval; " +
    "egress - drop = the gate's own forwarding lag change across the drop (src/commands/calibrate.ts).",
);
log();
log(
  '| rate /s | gate saw /s (min-max) | outage ms | true ms (last) | frame-loss error ms | egress - drop ms | timestamp error ms | bound ms | irregular samples | within bound |',
);
log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|');
let allWithin = true;
for (const rateHz of rates) {
  for (const o of outagesMs) {
    const rows = cells.get(`${rateHz}/${o}`) ?? [];
    const last = rows[rows.length - 1];
    if (!last) continue;
    const ok = rows.every(withinBound);
    allWithin &&= ok;
    const f = (n: number | null): string => (n === null ? 'n/a' : n.toFixed(3));
    const seen = rows.map((r) => r.gateRateHz);
    log(
      `| ${rateHz} | ${Math.min(...seen).toFixed(0)}-${Math.max(...seen).toFixed(0)} | ${o} | ${last.trueMs.toFixed(3)} | ${f(worst(rows, (r) => r.lossErrorMs))} | ` +
        `${f(worst(rows, (r) => (r.trueGapMs === null ? null : r.trueGapMs - r.trueMs)))} | ${f(worst(rows, (r) => r.gapErrorMs))} | ${last.boundMs.toFixed(3)} | ${rows.filter((r) => !r.regular).length} | ${ok ? 'yes' : 'NO'} |`,
    );
  }
}
log();
log(
  `All cells within the bound: **${allWithin ? 'yes' : 'NO'}**. Load average after: ${load1()}. Tester threads: ` +
    `${[...cells.values()].flat().every((r) => r.realtime) ? 'real time (SCHED_FIFO)' : 'NOT all real time'}.`,
);
log();

// 3. Pacing over every 1 s span.
const paced: PacingResult[] = [];
for (const r of [10_000, 50_000, 100_000]) paced.push(await pacing(r, quick ? 2000 : 4000));
log('### Pacing of the builtin generator (one flow, loopback)');
log();
log(
  'Packets sent in every 1 s span (100 bins of 10 ms by send time) against the rate; target within 0.1 %. ' +
    'Largest burst = most datagrams sent back to back (after a stall); skipped = lag beyond what the pacer repays.',
);
log();
log('| rate /s | 1 s spans | worst span error % | spans within 0.1 % | largest burst | skipped | load1 |');
log('|---:|---:|---:|---:|---:|---:|---:|');
for (const p of paced)
  log(
    `| ${p.rateHz} | ${p.spans} | ${p.worstSpanErrorPct} | ${p.spansWithinPct} % | ${p.maxBurstPackets} | ${p.skipped} | ${p.load1} |`,
  );
log();

// 4. CPU per 10k packets/s.
const cpuRates = [10_000, 50_000, 100_000];
const cpuEnd = sectionEnd(1);
const cpu: { name: string; t: RateTrial }[] = [];
for (const r of cpuRates) {
  if (monoMs() > cpuEnd) break;
  cpu.push({ name: 'builtin', t: await trial(() => new BuiltinTraffic(), r, windowMs) });
  if (withIperf3 && monoMs() < cpuEnd)
    cpu.push({ name: 'iperf3', t: await trial(() => new Iperf3Traffic(), r, windowMs) });
}
// 5. What limits the builtin: CPU per datagram, sending alone and the whole path.
const costs: PacketCost[] = [];
for (const r of [50_000, 100_000]) costs.push(...(await perPacketCost(r, windowMs)));
log('### What limits the builtin: CPU per datagram');
log();
log('| path | rate asked /s | rate achieved /s | CPU us / datagram | one core would do /s | load1 |');
log('|---|---:|---:|---:|---:|---:|');
for (const c of costs)
  log(
    `| ${c.path} | ${c.rateHz} | ${c.offeredRateHz} | ${c.cpuUsPerPacket} | ${c.oneCoreRateHz} | ${c.load1} |`,
  );
log();

log('### CPU per 10k packets/s (generator + receiver/analyzer, loopback)');
log();
log(
  'CPU cores = CPU seconds of the process (all threads; for iperf3 its client and server) / wall seconds over the window.',
);
log();
log('| implementation | rate /s | CPU cores | CPU per 10k/s (% of one core) | lost | load1 |');
log('|---|---:|---:|---:|---:|---:|');
for (const { name, t } of cpu) {
  log(
    `| ${name} | ${t.rateHz} | ${t.cpuCores} | ${((t.cpuCores / (t.rateHz / 10_000)) * 100).toFixed(1)} | ${t.lost} | ${t.load1} |`,
  );
}
log();
log(
  `Whole bench: ${((monoMs() - startedMs) / 1000).toFixed(0)} s; load average at the end ${machineNotes(iperf3Version).loadAvg.join(' / ')}.`,
);
console.log(
  JSON.stringify({
    machine: before,
    zeroLoss: { builtin, iperf3: iperf },
    calibration: Object.fromEntries(cells),
    pacing: paced,
    cpu,
    costs,
  }),
);
