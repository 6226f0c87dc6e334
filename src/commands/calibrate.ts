/**
 * `vnflab calibrate`: how exact is the disruption measurement of this setup?
 *
 * Traffic at a constant rate goes through an impairment gate (see
 * src/traffic/impairment-gate.ts) that drops everything for an exactly timed
 * interval and records the true interval it dropped. For each outage the
 * service disruption is then measured by both RFC 6201 methods (frame-loss
 * §4.2.1, timestamp §4.2.2) and set beside the truth. The error bar a user
 * reads here is the one their runs have; the target is one inter-packet
 * interval + 0.5 ms.
 *
 * Each method is set against the truth it observes. The frame-loss method
 * counts the packets lost, so its reference is the drop interval: the gate
 * decides on each datagram's send stamp, so exactly the packets sent in
 * [start, end) are dropped. The timestamp method times the silence between
 * the packets bordering the loss as they arrive, so its reference is the
 * silence the gate's egress really had (DropReport.egressSilenceMs) less one
 * interval, as the method subtracts. The two references differ by the
 * change in the gate's own forwarding lag across the drop (0.1-1 ms at
 * 50k/s on the 2-core reference machine, a few ms when the gate thread is
 * descheduled): that is the forwarding element's behaviour, which a
 * timestamp measurement of a real VNF must report, not an error of the
 * tester. What is left in the timestamp error is the tester's own: the
 * loopback path and the receiver stamping the two border packets with
 * different delays.
 *
 * RFC 6201's methods assume a constant offered load, and a calibration needs
 * a reference known better than the tolerance it checks. A sample is valid
 * when, to within SAMPLE_SLACK_MS (half the bound's 0.5 ms margin): the
 * window's offered rate matches the rate asked for over the outage's length
 * (the frame-loss method divides by the window's average rate), the load
 * was regular at the outage's edges (gaps at most an interval + the slack,
 * on the clock the gate decides on: send stamps for the builtin's datagrams,
 * arrival at the gate for others), and the gate dropped as many packets as
 * the rate predicts. A disturbed sample (the machine descheduled the
 * generator) is repeated, up to `attempts` times; the row says how many it
 * took and whether the one reported was valid. The receiver's timing is not
 * a validity condition: its delays are the error being measured, so a
 * sample is never repeated for them.
 */
import type { Traffic } from '../ports/traffic.js';
import { loopbackTraffic } from '../compose/registry.js';
import { ImpairmentGate, type DropReport } from '../traffic/impairment-gate.js';
import { sleep } from '../util/clock.js';
import { VnflabError } from '../util/errors.js';

/** Outages of the default table, ms (those of issue 3's "Done when"). */
export const DEFAULT_OUTAGES_MS: readonly number[] = [1, 10, 100, 1000, 2000];
/** Default rate, packets/s: the plan's LOW load. */
export const DEFAULT_CALIBRATION_RATE_HZ = 10_000;

/** What to calibrate. */
export interface CalibrateOptions {
  /** Offered rate, packets/s (one flow). */
  readonly rateHz: number;
  /** Outages to impose, ms, each measured in its own window. */
  readonly outagesMs: readonly number[];
  /** UDP payload bytes; default 64. */
  readonly packetSizeBytes?: number;
  /** Most tries per outage when the machine disturbed the load; default 5. */
  readonly attempts?: number;
  /** The Traffic implementation to calibrate; default the builtin. */
  readonly createTraffic?: () => Traffic;
  /** Wait after each outage before its window is cut, ms; default 200 (> the builtin's grace period). */
  readonly settleMs?: number;
  /** Stops the calibration between steps (Ctrl-C); it rejects with the signal's reason after releasing everything. */
  readonly signal?: AbortSignal;
}

/** One outage: the truth beside both measurements. */
export interface CalibrationRow {
  /** Outage asked for, ms. */
  readonly outageMs: number;
  /** Interval the gate really dropped, ms (monotonic clock): the frame-loss method's reference. */
  readonly trueMs: number;
  /**
   * The silence the gate's egress really had around the drop less one
   * interval, ms: the timestamp method's reference (see the file's comment);
   * null where that method does not apply.
   */
  readonly trueGapMs: number | null;
  /** RFC 6201 frame-loss method, ms. */
  readonly lossDerivedMs: number;
  /** RFC 6201 timestamp method, ms; null when it does not apply (nothing lost, or no timestamps). */
  readonly gapDerivedMs: number | null;
  /** Rate asked for, packets/s. */
  readonly rateHz: number;
  /** Rate the generator really offered in the outage's window, packets/s (from the packets' send times). */
  readonly offeredRateHz: number;
  /**
   * Rate the gate saw arrive over the same window, packets/s (its own
   * count, forwarded + dropped, over its own clock): an independent check
   * of the offered rate the frame-loss method divides by.
   */
  readonly gateRateHz: number;
  /** Resolution of both methods (one inter-packet interval), ms. */
  readonly resolutionMs: number;
  /** Measured - true, ms. */
  readonly lossErrorMs: number;
  readonly gapErrorMs: number | null;
  /** The target: |error| <= one interval + 0.5 ms. */
  readonly boundMs: number;
  readonly lost: number;
  /** Datagrams the gate dropped (the truth in packets). */
  readonly gateDropped: number;
  /** The gate saw the load regular around the outage (a valid RFC 6201 sample). */
  readonly regular: boolean;
  /** Tries it took (a disturbed sample is repeated). */
  readonly attempts: number;
  /**
   * The tester's threads (the gate's, as the generator's and receiver's)
   * ran real time (util/realtime.ts): without it on a busy machine their
   * own scheduling delays dominate the error.
   */
  readonly realtime: boolean;
}

/** How far, in ms of the outage, the load and the reference may stray in a valid sample. */
export const SAMPLE_SLACK_MS = 0.25;

/** Options that cannot be calibrated with; `code` is stable. */
export class CalibrationError extends VnflabError {
  readonly code = 'CALIBRATION_INVALID_OPTIONS';
  constructor(message: string) {
    super(message);
    this.name = 'CalibrationError';
  }
}

/** Run the calibration: one row per outage, in the order given. */
export async function calibrate(opts: CalibrateOptions): Promise<CalibrationRow[]> {
  if (!(opts.rateHz > 0) || !Number.isFinite(opts.rateHz))
    throw new CalibrationError(`rate must be a positive number of packets/s, got ${opts.rateHz}`);
  if (opts.outagesMs.length === 0 || opts.outagesMs.some((ms) => !(ms > 0) || !Number.isFinite(ms)))
    throw new CalibrationError(`outages must be positive ms, got ${opts.outagesMs.join(',')}`);
  const attempts = Math.max(1, opts.attempts ?? 5);
  const settleMs = opts.settleMs ?? 200;
  const signal = opts.signal;
  signal?.throwIfAborted();
  const intervalMs = 1000 / opts.rateHz;
  const traffic = opts.createTraffic?.() ?? (await loopbackTraffic());
  let gate: ImpairmentGate | null = null;
  try {
    const { sink } = await traffic.prepare();
    gate = await ImpairmentGate.start(sink);
    await traffic.configTrafficLoad('LOW', {
      loadLevels: { LOW: opts.rateHz, NORMAL: opts.rateHz, MAX: opts.rateHz },
      packetSizeBytes: opts.packetSizeBytes ?? 64,
      flows: 1,
      target: gate.ingress,
    });
    await traffic.startTraffic('warm-up');
    await sleep(Math.max(300, 3 * intervalMs), signal);
    const rows: CalibrationRow[] = [];
    let window = 0;
    for (const outageMs of opts.outagesMs) {
      for (let attempt = 1; ; attempt++) {
        const name = `outage-${++window}`;
        await traffic.clearCounters(name);
        const before = await gate.stats();
        // Lead-in and settle time of at least a few intervals, so both borders exist.
        await sleep(Math.max(50, 3 * intervalMs), signal);
        const drop = await gate.dropFor(outageMs);
        await sleep(Math.max(settleMs, 3 * intervalMs), signal);
        const after = await gate.stats();
        await traffic.clearCounters(`after-${window}`);
        const seenRateHz =
          ((after.forwarded + after.dropped - before.forwarded - before.dropped) /
            (after.atMs - before.atMs)) *
          1000;
        const d = await traffic.calculateServiceDisruptionLength(name);
        // The generator held the rate over the window (the frame-loss method divides by the window's average):
        // dividing by the average instead of the rate asked for moves the result by less than the slack.
        const heldRate =
          d !== null &&
          (Math.abs(d.offeredRateHz - opts.rateHz) / opts.rateHz) * (drop.endMs - drop.startMs) <=
            SAMPLE_SLACK_MS;
        const regular = heldRate && isRegular(drop, seenRateHz, intervalMs);
        if (!regular && attempt < attempts) continue;
        const trueMs = drop.endMs - drop.startMs;
        const lossDerivedMs = d?.lossDerivedMs ?? 0;
        const gapDerivedMs = d?.gapDerivedMs ?? null;
        const resolutionMs = d?.resolutionMs ?? intervalMs;
        // As the method: the border gap less one interval (src/traffic/disruption.ts, timestampDisruptionMs).
        const trueGapMs =
          gapDerivedMs === null || drop.egressSilenceMs === null
            ? null
            : Math.max(0, drop.egressSilenceMs - resolutionMs);
        rows.push({
          outageMs,
          trueMs,
          trueGapMs,
          lossDerivedMs,
          gapDerivedMs,
          rateHz: opts.rateHz,
          offeredRateHz: d?.offeredRateHz ?? 0,
          gateRateHz: seenRateHz,
          resolutionMs,
          lossErrorMs: lossDerivedMs - trueMs,
          gapErrorMs: gapDerivedMs === null || trueGapMs === null ? null : gapDerivedMs - trueGapMs,
          boundMs: intervalMs + 0.5,
          lost: d?.lost ?? 0,
          gateDropped: drop.dropped,
          regular,
          attempts: attempt,
          realtime: gate.realtime,
        });
        break;
      }
    }
    await traffic.stopTraffic();
    return rows;
  } finally {
    await gate?.close();
    await traffic.close();
  }
}

/**
 * A valid sample at the gate: the load was regular at the outage's edges
 * (arrival gaps at most an interval + SAMPLE_SLACK_MS) and it dropped as many
 * packets as the rate it saw predicts, to within one packet or the slack's
 * worth of packets.
 */
export function isRegular(drop: DropReport, seenRateHz: number, intervalMs: number): boolean {
  if (drop.edgeGapsMs.some((g) => g === null || g > intervalMs + SAMPLE_SLACK_MS)) return false;
  const expected = (seenRateHz * (drop.endMs - drop.startMs)) / 1000;
  return Math.abs(drop.dropped - expected) <= Math.max(1, (seenRateHz * SAMPLE_SLACK_MS) / 1000);
}

/** |error| within the target for each method that applies. */
export function withinBound(row: CalibrationRow): boolean {
  const ok = (e: number | null): boolean => e === null || Math.abs(e) <= row.boundMs;
  return ok(row.lossErrorMs) && ok(row.gapErrorMs);
}

/** The rows as a fixed-width text table (one line per outage, a header, a verdict). */
export function formatCalibrationTable(rows: readonly CalibrationRow[]): string {
  const f = (n: number | null, digits = 3): string => (n === null ? 'n/a' : n.toFixed(digits));
  const header = [
    'rate/s',
    'gate saw/s',
    'outage ms',
    'true ms',
    'frame-loss ms',
    'error ms',
    'egress true ms',
    'timestamp ms',
    'error ms',
    'bound ms',
    'lost',
    'ok',
  ];
  const lines = rows.map((r) => [
    String(r.rateHz),
    r.gateRateHz.toFixed(0),
    String(r.outageMs),
    f(r.trueMs),
    f(r.lossDerivedMs),
    f(r.lossErrorMs),
    f(r.trueGapMs),
    f(r.gapDerivedMs),
    f(r.gapErrorMs),
    f(r.boundMs),
    String(r.lost),
    (withinBound(r) ? 'yes' : 'NO') + (r.regular ? '' : ' (load irregular)'),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? '').length)));
  const row = (cells: readonly string[]): string =>
    cells.map((c, i) => (i === cells.length - 1 ? c : c.padStart(widths[i] ?? 0))).join('  ');
  const failed = rows.filter((r) => !withinBound(r)).length;
  const scheduling = rows.every((r) => r.realtime)
    ? 'tester threads: real time (SCHED_FIFO)'
    : 'tester threads: normal priority (real time needs root or CAP_SYS_NICE, and VNFLAB_REALTIME unset or 1): ' +
      'their own scheduling delays are part of these errors';
  return [
    row(header),
    ...lines.map(row),
    scheduling,
    failed === 0
      ? `all ${rows.length} within one interval + 0.5 ms`
      : `${failed} of ${rows.length} outside one interval + 0.5 ms`,
  ].join('\n');
}

/** Parse `--outages 1,10,100` (CLI helper); throws CalibrationError naming the flag, the bad value and the fix. */
export function parseOutages(text: string): number[] {
  const values = text.split(',').map((s) => s.trim());
  const out = values.map(Number);
  const bad = values.find((s, i) => s === '' || !isPositive(out[i]));
  if (bad !== undefined)
    throw new CalibrationError(
      `--outages must be positive ms separated by commas (e.g. --outages 1,10,100), got '${text}'`,
    );
  return out;
}

/** Parse `--rate 10000` (CLI helper); throws CalibrationError naming the flag, the bad value and the fix. */
export function parseRate(text: string): number {
  const rateHz = text.trim() === '' ? Number.NaN : Number(text);
  if (!isPositive(rateHz))
    throw new CalibrationError(
      `--rate must be a positive number of packets/s (e.g. --rate 10000), got '${text}'`,
    );
  return rateHz;
}

const isPositive = (n: number | undefined): n is number => n !== undefined && Number.isFinite(n) && n > 0;
