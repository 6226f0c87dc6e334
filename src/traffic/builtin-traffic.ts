/**
 * BuiltinTraffic: the Traffic port implemented with a UDP generator and a
 * receiver/analyzer, each in its own worker thread (so the harness's event
 * loop cannot disturb pacing or arrival times), sharing counters through a
 * SharedArrayBuffer. Windows are ranges of sequence numbers (see the port):
 * ClearCounters reads every flow's next sequence number from shared memory,
 * so the boundary is exact without a message round trip.
 */
import { randomInt } from 'node:crypto';
import type { Disruption } from '../ports/traffic.js';
import { monoMs, sleep, sleepUntil } from '../util/clock.js';
import type { Endpoint } from '../util/outcome.js';
import type { WindowCounts } from './analyzer.js';
import { computeDisruption } from './disruption.js';
import { readUdpSocketDrops } from './socket-drops.js';
import { TrafficError, TrafficParamsError } from './errors.js';
import { chooseTrafficIo, type TrafficIoChoice } from './udp-batch.js';
import { Generator } from './generator.js';
import { resolveOptions, type BuiltinTrafficOptions, type ResolvedOptions } from './options.js';
import { Receiver } from './receiver.js';
import { SharedTrafficState } from './shared-state.js';
import {
  emptyBuiltinTotals,
  rate,
  toStats,
  type BuiltinTrafficTotals,
  type BuiltinWindowStats,
  withDetail,
} from './stats.js';
import {
  sumWindows,
  TrafficSession,
  type SessionErrorKind,
  type TrafficLoad,
  type WindowMeta,
} from './traffic-session.js';

export type { BuiltinTrafficTotals, BuiltinWindowStats } from './stats.js';

interface Run {
  readonly state: SharedTrafficState;
  readonly generator: Generator;
  readonly flows: number;
  readonly perFlowRateHz: number;
  readonly startedAtMs: number;
  readonly windows: WindowMeta[];
  stopping: Promise<BuiltinTrafficTotals> | null;
}

/**
 * The built-in Traffic implementation (name 'builtin'); the session's order
 * of calls is TrafficSession's.
 *
 *   const traffic = new BuiltinTraffic({ sinkHost: '127.0.0.1' });
 *   const { sink } = await traffic.prepare();          // the VNF's egress
 *   await traffic.configTrafficLoad('LOW', { loadLevels, packetSizeBytes: 64, flows: 1, target: vnfIngress });
 *   await traffic.startTraffic('beforeTrigger');
 *   await traffic.clearCounters('duringMigration');    // returns 'beforeTrigger', final
 *   const d = await traffic.calculateServiceDisruptionLength('duringMigration');
 *   const totals = await traffic.stopTraffic();
 *   await traffic.close();
 */
export class BuiltinTraffic extends TrafficSession<Receiver, Run, BuiltinWindowStats, BuiltinTrafficTotals> {
  readonly name = 'builtin';
  /**
   * The socket I/O this instance uses and why (chosen once, at construction):
   * the udp_batch addon when it loads, else node:dgram (see options.io).
   */
  readonly io: TrafficIoChoice;
  private readonly opts: ResolvedOptions;
  private readonly minWaitMs: number;

  constructor(options: BuiltinTrafficOptions = {}) {
    super();
    this.opts = resolveOptions(options);
    try {
      this.io = chooseTrafficIo(this.opts.io);
    } catch (e) {
      throw new TrafficParamsError('traffic.io', `is 'native' but ${(e as Error).message}`, { cause: e });
    }
    this.minWaitMs =
      this.opts.minWaitMs ?? (this.io.io === 'native' ? NATIVE_MIN_WAIT_MS : DGRAM_MIN_WAIT_MS);
  }

  /**
   * The generator dies now, as a crash would (an injected fault, lab.faults
   * `traffic=die`). False when no traffic is running.
   */
  async killGenerator(): Promise<boolean> {
    if (this.run === null) return false;
    await this.run.generator.kill();
    return true;
  }

  protected override error(kind: SessionErrorKind, message: string): TrafficError {
    return new TrafficError(`TRAFFIC_${kind}`, message);
  }

  protected override openReceiver(): Promise<Receiver> {
    return Receiver.start({
      host: this.opts.sinkHost,
      port: this.opts.sinkPort,
      socketBufferBytes: this.opts.socketBufferBytes,
      tickMs: this.opts.tickMs,
      threadNice: this.opts.threadNice,
      addonPath: this.io.addonPath,
    });
  }

  protected override sinkOf(receiver: Receiver): Endpoint {
    return receiver.sink;
  }

  protected override async launch(receiver: Receiver, load: TrafficLoad, windowName: string): Promise<Run> {
    const o = this.opts;
    const { flows, packetSizeBytes, target } = load.params;
    const perFlowRateHz = load.rateHz / flows;
    // Memory per flow sized to ~2 s of its traffic: send times and tracked sequence numbers.
    const span = 2 ** Math.min(21, Math.max(12, Math.ceil(Math.log2(perFlowRateHz * 2))));
    const layout = { flows, ringSize: span, maxWindows: o.maxWindows };
    const state = SharedTrafficState.create(layout, o.firstSeq);
    const runId = randomInt(1, 2 ** 32);
    await receiver.attach({
      buffer: state.buffer,
      layout,
      firstSeq: o.firstSeq,
      runId,
      graceMs: o.graceMs,
      capacity: span,
    });
    const { generator } = await Generator.start({
      buffer: state.buffer,
      layout,
      rateHz: load.rateHz,
      packetSizeBytes,
      target,
      sourceHost: o.sourceHost ?? (isLoopback(target.host) ? loopbackFor(target.host) : null),
      firstSeq: o.firstSeq,
      runId,
      tickMs: o.tickMs,
      spacing: o.spacing,
      minWaitMs: this.minWaitMs,
      burstCapPackets: Math.max(flows, Math.ceil((load.rateHz * o.burstCapMs) / 1000)),
      catchUpFactor: o.catchUpFactor,
      maxLagPackets: Math.max(flows, Math.ceil((load.rateHz * o.maxLagMs) / 1000)),
      limitPackets:
        load.params.durationMs === undefined
          ? null
          : Math.round((load.rateHz * load.params.durationMs) / 1000),
      socketBufferBytes: o.socketBufferBytes,
      threadNice: o.threadNice,
      addonPath: this.io.addonPath,
    });
    try {
      // close() was called while the threads were starting: do not leave a sender behind.
      this.assertOpen('traffic was closed while starting');
      state.cutWindow();
      const startedAtMs = await generator.go();
      return {
        state,
        generator,
        flows,
        perFlowRateHz,
        startedAtMs,
        windows: [{ name: windowName, openedAtMs: startedAtMs, closedAtMs: null }],
        stopping: null,
      };
    } catch (e) {
      await generator.close();
      throw e;
    }
  }

  protected override async flowing(run: Run, receiver: Receiver): Promise<boolean> {
    // At low rates a flow's packets are far apart: never judge on less than three intervals.
    const windowMs = Math.max(this.opts.flowTimeoutMs, 3000 / run.perFlowRateHz);
    await sleepUntil(run.startedAtMs + windowMs);
    // A generator that died sends nothing: say so, rather than only that nothing flows.
    if (run.generator.failed) throw run.generator.failed;
    return receiver.flowing(windowMs);
  }

  /**
   * Loss among everything the current window sent up to this call. When all
   * of it has arrived the answer is known at once (no loss); a packet still
   * missing gets its grace period (RFC 2680 Tmax) to arrive before it counts
   * as lost, so the call then takes up to `graceMs`.
   */
  async anyTrafficLoss(): Promise<boolean> {
    const run = this.requireRun();
    const receiver = this.requireReceiver();
    const k = run.windows.length - 1;
    const untilMs = monoMs();
    const deadlineMs = untilMs + this.opts.graceMs + 5 * this.opts.tickMs;
    for (;;) {
      const { lost, missing } = await receiver.lossUpTo(k, untilMs);
      if (lost > 0) return true;
      if (missing === 0) return false;
      // Past the grace period a packet that has not arrived is lost, settled or not.
      if (monoMs() > deadlineMs) return true;
      await sleep(this.opts.tickMs);
    }
  }

  protected override cutCounters(run: Run): void {
    try {
      run.state.cutWindow();
    } catch (e) {
      throw new TrafficError('TRAFFIC_TOO_MANY_WINDOWS', `more than ${this.opts.maxWindows} windows`, {
        cause: e,
      });
    }
  }

  protected override async currentStats(run: Run, k: number): Promise<BuiltinWindowStats> {
    return toStats(run.windows[k], await this.requireReceiver().counts(k));
  }

  async calculateServiceDisruptionLength(windowName?: string): Promise<Disruption | null> {
    const run = this.requireRun();
    const receiver = this.requireReceiver();
    let k: number | null = null;
    let offeredRateHz: number;
    if (windowName === undefined) {
      const durationMs = (run.windows[run.windows.length - 1]?.closedAtMs ?? monoMs()) - run.startedAtMs;
      offeredRateHz = (await receiver.sendRate(null)) ?? rate(totalSent(run), durationMs);
    } else {
      k = this.windowIndex(run, windowName);
      const w = run.windows[k];
      offeredRateHz = toStats(
        w,
        w?.closedAtMs === null ? await receiver.counts(k) : await this.settled(run, k),
      ).offeredRateHz;
    }
    const data = await receiver.disruption(k);
    return computeDisruption({ ...data, offeredRateHz, flows: run.flows });
  }

  protected override emptyTotals(): BuiltinTrafficTotals {
    return emptyBuiltinTotals();
  }

  protected override async kill(run: Run): Promise<void> {
    run.state.requestStop();
    await run.generator.close();
  }

  protected override closeReceiver(receiver: Receiver): Promise<void> {
    return receiver.close();
  }

  protected override async stop(run: Run): Promise<BuiltinTrafficTotals> {
    run.state.requestStop();
    let stoppedAtMs: number;
    try {
      stoppedAtMs = await withTimeout(run.generator.stopped(), GENERATOR_STOP_TIMEOUT_MS);
    } catch {
      // The generator died or hangs: once its thread is gone nothing more is
      // sent, and what it published in shared memory is the final count.
      await run.generator.close();
      stoppedAtMs = monoMs();
      run.state.markStopped(stoppedAtMs);
    } finally {
      await run.generator.close();
    }
    const last = run.windows[run.windows.length - 1];
    if (last) last.closedAtMs = stoppedAtMs;
    const windows: BuiltinWindowStats[] = [];
    for (let k = 0; k < run.windows.length; k++) windows.push(await this.finalStats(run, k));
    const sums = sumWindows(windows);
    const durationMs = stoppedAtMs - run.startedAtMs;
    const late = windows.reduce((n, w) => n + w.late, 0);
    // Read while the receiver's socket is still open: the kernel's counter goes with it. The native path reads
    // the socket's own counter (SO_MEMINFO; SO_RXQ_OVFL with each batch), dgram's /proc/net/udp by port.
    const receiverSocketDrops =
      (await this.requireReceiver().socketDrops()) ??
      (await readUdpSocketDrops(this.requireReceiver().sink.port));
    const diag = await this.requireReceiver().diagnostics();
    return {
      ...sums,
      late,
      offeredRateHz: (await this.requireReceiver().sendRate(null)) ?? rate(sums.sent, durationMs),
      durationMs,
      windows,
      skipped: run.state.skipped,
      maxBurstPackets: run.state.maxBurst,
      sendErrors: run.state.sendErrors,
      selfCheck: {
        receiverSocketDrops,
        late,
        skipped: run.state.skipped,
        maxBurstPackets: run.state.maxBurst,
        sendErrors: run.state.sendErrors,
        arrivalStamps: this.io.io === 'native' ? 'kernel' : 'receiver-thread',
        receiverStalls: {
          count: diag.stalls ?? 0,
          longestMs: diag.longestStallMs ?? 0,
          spans: diag.stallSpans ?? [],
        },
      },
      ...withDetail(await this.requireReceiver().detail(null)),
    };
  }

  /** Stats of closed window `k` once every packet of it had its grace period. */
  protected override async finalStats(run: Run, k: number): Promise<BuiltinWindowStats> {
    const counts = await this.settled(run, k);
    return toStats(run.windows[k], counts, await this.requireReceiver().detail(k));
  }

  private async settled(run: Run, k: number): Promise<WindowCounts> {
    await sleepUntil((run.windows[k]?.closedAtMs ?? monoMs()) + this.opts.graceMs + 2 * this.opts.tickMs);
    return this.requireReceiver().final(k, this.opts.settleTimeoutMs);
  }
}

function totalSent(run: Run): number {
  let n = 0;
  for (let f = 0; f < run.flows; f++) n += run.state.nextSeq(f) - run.state.windowStart(0, f);
  return n;
}

/**
 * Shortest wait between sends on the native path, ms: clock_nanosleep to an absolute deadline wakes on time at
 * this spacing. Each wake-up costs CPU (at 100k/s on the reference machine: ~16 us per datagram at 0.01 ms,
 * ~8 us at 0.1 ms); packets due within it leave in one batch, all stamped with its send time.
 */
const NATIVE_MIN_WAIT_MS = 0.02;
/** Atomics.wait: below ~0.1 ms the wake-ups cost more than they place packets. */
const DGRAM_MIN_WAIT_MS = 0.1;

/** The generator answers a stop request within a tick; allow for a loaded machine. */
const GENERATOR_STOP_TIMEOUT_MS = 2000;

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

const isLoopback = (host: string): boolean =>
  host === 'localhost' || host === '::1' || host.startsWith('127.');
const loopbackFor = (host: string): string => (host === '::1' ? '::1' : '127.0.0.1');
