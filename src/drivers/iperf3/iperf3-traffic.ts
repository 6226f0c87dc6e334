/**
 * Iperf3Traffic: the Traffic port on the iperf3 binary, for users who trust
 * iperf3 or must compare with it. It spawns `iperf3 -s` (bound to the sink
 * host, on a port picked free) and, per StartTraffic, `iperf3 -c ... -u -b
 * <bits/s> -l <bytes> -P <flows> -i 0.1 --json`. The server's interval lines
 * (0.1 s, text, flushed live) give the live counters; the client's JSON,
 * printed when it stops, gives what was sent, so loss after the last packet
 * that arrived still counts.
 *
 * What iperf3 can measure, by design (see docs/traffic.md):
 *  - Windows have the resolution of one report interval (0.1 s): a window
 *    is the intervals whose midpoint falls between its cuts.
 *  - Loss is charged to the interval in which iperf3 noticed it (when the
 *    next packet arrived), not to when the lost packets were sent; it is
 *    not visible while an outage lasts.
 *  - Disruption by the RFC 6201 frame-loss method only (lost / offered
 *    rate); no timestamp method, no loss episodes, no one-way latency.
 *  - iperf3 opens a TCP control connection to the same address and port as
 *    its UDP data and needs the server's UDP reply to its first datagram:
 *    the device under test must carry both (a router does; a UDP-only
 *    forwarder does not).
 */
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import type { Disruption, TrafficParams, TrafficTotals, WindowStats } from '../../ports/traffic.js';
import { TrafficParamsError } from '../../traffic/errors.js';
import {
  emptyTrafficTotals,
  sumWindows,
  TrafficSession,
  type SessionErrorKind,
  type TrafficLoad,
} from '../../traffic/traffic-session.js';
import { monoMs, sleep, sleepUntil } from '../../util/clock.js';
import type { Endpoint } from '../../util/outcome.js';
import { parseClientReport } from './client-output.js';
import { Iperf3Error } from './errors.js';
import {
  IntervalRecord,
  intervalTimeline,
  intervalWindowCounts,
  type IntervalWindow,
} from './interval-windows.js';
import { Iperf3Server, terminate } from './iperf3-process.js';
import type { ServerLine } from './server-output.js';

/** Options of the iperf3 driver. */
export interface Iperf3TrafficOptions {
  /** The iperf3 binary; default 'iperf3' (from PATH). */
  readonly binary?: string;
  /** Address the server (sink) binds; default 127.0.0.1. */
  readonly sinkHost?: string;
  /** Port the server binds (TCP and UDP); default 0: a free one is picked. */
  readonly sinkPort?: number;
  /** Report interval, s; default 0.1 (iperf3's minimum). */
  readonly intervalS?: number;
  /** DoesTrafficFlow: packets arrived in the last this many ms; default 300 (three intervals). */
  readonly flowTimeoutMs?: number;
  /** Longest wait for the intervals of a closed window, ms; default 2000. */
  readonly settleTimeoutMs?: number;
  /** Longest wait for the client to connect at StartTraffic, ms; default 5000. */
  readonly startTimeoutMs?: number;
  /**
   * Socket buffers of both ends (`-w`, which iperf3 also applies on the
   * server), bytes; default 4 MiB, as the builtin: with Linux's default
   * (~200 KB) a server descheduled for ~20 ms at 10k packets/s drops.
   */
  readonly socketBufferBytes?: number;
}

interface Run {
  readonly client: ChildProcess;
  readonly record: IntervalRecord;
  readonly windows: IntervalWindow[];
  readonly flows: number;
  readonly rateHz: number;
  readonly startedAtMs: number;
  clientOutput: string;
  clientExit: Promise<void>;
  stopping: Promise<TrafficTotals> | null;
}

/** The Traffic port on iperf3 (name 'iperf3'); the session's order of calls is TrafficSession's. */
export class Iperf3Traffic extends TrafficSession<Iperf3Server, Run, WindowStats, TrafficTotals> {
  readonly name = 'iperf3';
  private readonly binary: string;
  private readonly sinkHost: string;
  private readonly sinkPort: number;
  private readonly intervalS: number;
  private readonly flowTimeoutMs: number;
  private readonly settleTimeoutMs: number;
  private readonly startTimeoutMs: number;
  private readonly socketBufferBytes: number;
  /** The run the server's lines belong to. */
  private listener: ((line: ServerLine, atMs: number) => void) | null = null;

  constructor(opts: Iperf3TrafficOptions = {}) {
    super();
    this.binary = opts.binary ?? 'iperf3';
    this.sinkHost = opts.sinkHost ?? '127.0.0.1';
    this.sinkPort = opts.sinkPort ?? 0;
    this.intervalS = opts.intervalS ?? 0.1;
    this.flowTimeoutMs = opts.flowTimeoutMs ?? 300;
    this.settleTimeoutMs = opts.settleTimeoutMs ?? 2000;
    this.startTimeoutMs = opts.startTimeoutMs ?? 5000;
    this.socketBufferBytes = opts.socketBufferBytes ?? 4 * 1024 * 1024;
  }

  protected override error(kind: SessionErrorKind, message: string): Iperf3Error {
    return new Iperf3Error(`IPERF3_${kind}`, message);
  }

  protected override openReceiver(): Promise<Iperf3Server> {
    return Iperf3Server.start(
      this.binary,
      this.sinkHost,
      this.intervalS,
      (line, atMs) => this.listener?.(line, atMs),
      this.sinkPort,
    );
  }

  protected override sinkOf(server: Iperf3Server): Endpoint {
    return { host: server.host, port: server.port };
  }

  protected override checkParams(params: TrafficParams): void {
    // iperf3 ends a test of fixed length (-t, -k) the moment its last packet
    // leaves, and its server stops counting then: packets still in flight
    // would read as lost. Runs here end at StopTraffic (freeze, drain, stop).
    if (params.durationMs !== undefined)
      throw new TrafficParamsError(
        'traffic.durationMs',
        'is not supported by the iperf3 driver (leave it out and call StopTraffic)',
      );
  }

  protected override async launch(
    _server: Iperf3Server,
    load: TrafficLoad,
    windowName: string,
  ): Promise<Run> {
    const { flows, packetSizeBytes, target } = load.params;
    // -b is per stream, in bits/s of UDP payload.
    const bitsPerStream = Math.round(((load.rateHz / flows) * packetSizeBytes * 8) / 1) || 1;
    const record = new IntervalRecord(this.intervalS);
    let connected = false;
    this.listener = (line, atMs) => {
      if (line.kind === 'connected') connected = true;
      else if (line.kind === 'interval') record.addInterval(line, atMs);
      else if (line.kind === 'outOfOrder') record.addOutOfOrder(line.startS, line.count);
      else if (line.kind === 'summary') record.addSummary(line);
    };
    const client = spawn(
      this.binary,
      [
        '-c',
        target.host,
        '-p',
        String(target.port),
        '-u',
        '-b',
        String(bitsPerStream),
        '-l',
        String(packetSizeBytes),
        '-P',
        String(flows),
        '-t',
        '86400',
        '-i',
        String(this.intervalS),
        '-w',
        String(this.socketBufferBytes),
        '--json',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const startedAtMs = monoMs();
    const run: Run = {
      client,
      record,
      windows: [{ name: windowName, openedAtMs: startedAtMs, closedAtMs: null }],
      flows,
      rateHz: load.rateHz,
      startedAtMs,
      clientOutput: '',
      clientExit: new Promise<void>((resolve) => {
        client.once('exit', () => resolve());
        client.once('error', () => resolve());
      }),
      stopping: null,
    };
    client.stdout?.setEncoding('utf8');
    client.stdout?.on('data', (d: string) => (run.clientOutput += d));
    client.stderr?.on('data', () => undefined);
    let spawnError: Error | null = null;
    client.once('error', (e) => (spawnError = e));
    // Connected = the server printed the stream's "connected" line; the client exiting first is a failure.
    const deadline = monoMs() + this.startTimeoutMs;
    while (!connected && client.exitCode === null && !spawnError && monoMs() < deadline) await sleep(5);
    if (!connected) {
      await terminate(client, 'SIGKILL', 100);
      await run.clientExit;
      const said = safeClientError(run.clientOutput);
      throw new Iperf3Error(
        'IPERF3_CLIENT_FAILED',
        `iperf3 client did not connect to ${target.host}:${target.port}` +
          (said ? `: ${said}` : spawnError ? `: ${(spawnError as Error).message}` : ''),
        { output: run.clientOutput.slice(0, 1000), exitCode: client.exitCode },
      );
    }
    try {
      this.assertOpen('traffic was closed while starting');
    } catch (e) {
      await terminate(client, 'SIGKILL', 100);
      throw e;
    }
    return run;
  }

  protected override async flowing(run: Run): Promise<boolean> {
    const windowMs = this.flowTimeoutMs;
    await sleepUntil(run.startedAtMs + windowMs + this.intervalS * 1000);
    // Only intervals wholly within the last windowMs: one that began before an outage still saw packets.
    const since = monoMs() - windowMs;
    const recent = run.record.intervals().filter((i) => run.record.t0Ms + i.startS * 1000 >= since);
    return recent.some((i) => i.total - i.lost > 0);
  }

  async anyTrafficLoss(): Promise<boolean> {
    const run = this.requireRun();
    return intervalWindowCounts(run.record, run.windows, run.windows.length - 1).lost > 0;
  }

  async calculateServiceDisruptionLength(windowName?: string): Promise<Disruption | null> {
    const run = this.requireRun();
    let lost: number;
    let sent: number;
    let offeredRateHz: number | null;
    if (windowName === undefined) {
      const all = run.windows.map((_, k) => intervalWindowCounts(run.record, run.windows, k));
      lost = all.reduce((n, c) => n + c.lost, 0);
      sent = all.reduce((n, c) => n + c.sent, 0);
      offeredRateHz = this.runRateHz(run);
    } else {
      const k = this.windowIndex(run, windowName);
      const s =
        run.windows[k]?.closedAtMs === null ? this.currentStats(run, k) : await this.finalStats(run, k);
      lost = s.lost;
      sent = s.sent;
      offeredRateHz = s.offeredRateHz;
    }
    if (sent <= 0 || offeredRateHz === null || !(offeredRateHz > 0)) return null;
    const intervalMs = 1000 / (offeredRateHz / run.flows);
    // RFC 6201 §4.2.1 frame-loss method only: iperf3 reports no per-packet arrival times.
    return {
      lossDerivedMs: (lost / offeredRateHz) * 1000,
      gapDerivedMs: null,
      resolutionMs: intervalMs,
      lossResolutionMs: intervalMs,
      gapResolutionMs: null,
      lost,
      offeredRateHz,
      episodes: [],
    };
  }

  protected override emptyTotals(): TrafficTotals {
    return emptyTrafficTotals();
  }

  protected override kill(run: Run): Promise<void> {
    return terminate(run.client, 'SIGKILL', 100);
  }

  protected override closeReceiver(server: Iperf3Server): Promise<void> {
    return server.stop();
  }

  protected override async stop(run: Run): Promise<TrafficTotals> {
    // Freeze the sender first and let the packets in flight arrive: iperf3's
    // server stops counting when the client says the test is over, so a
    // packet still on its way then would read as lost. Then SIGINT (handled
    // first on SIGCONT, before any more sending): iperf3 ends the test and
    // still prints its JSON report.
    const stoppedAtMs = monoMs();
    if (run.client.exitCode === null && run.client.signalCode === null) {
      run.client.kill('SIGSTOP');
      await sleep(DRAIN_MS);
      run.client.kill('SIGINT');
      run.client.kill('SIGCONT');
      // The client's clock ran on while it was frozen: not sending time.
      run.record.frozenS = (monoMs() - stoppedAtMs) / 1000;
    }
    await terminate(run.client, 'SIGINT', 3000);
    await run.clientExit;
    const last = run.windows[run.windows.length - 1];
    if (last) last.closedAtMs = stoppedAtMs;
    try {
      run.record.client = parseClientReport(run.clientOutput);
    } catch {
      // Killed before it could report: the server's counts are all there is (trailing loss unknown).
    }
    // The server prints the end of the test (last interval, summary) right after the client's goodbye.
    const deadline = monoMs() + this.settleTimeoutMs;
    while (run.record.summaryTotal === null && monoMs() < deadline) await sleep(10);
    const windows = run.windows.map((_, k) => this.currentStats(run, k));
    const timeline = intervalTimeline(run.record, run.windows, null);
    return {
      ...sumWindows(windows),
      offeredRateHz: this.runRateHz(run) ?? 0,
      durationMs: stoppedAtMs - run.startedAtMs,
      windows,
      ...(timeline ? { timeline } : {}),
    };
  }

  private runRateHz(run: Run): number | null {
    const c = run.record.client;
    const sendingS = (c?.seconds ?? 0) - run.record.frozenS;
    if (c && sendingS > 0) return c.sentPackets / sendingS;
    const intervals = run.record.intervals();
    const seconds = intervals.reduce((n, i) => n + i.endS - i.startS, 0);
    const total = intervals.reduce((n, i) => n + i.total, 0);
    return seconds > 0 && total > 0 ? total / seconds : null;
  }

  protected override currentStats(run: Run, k: number): WindowStats {
    const w = run.windows[k];
    const c = intervalWindowCounts(run.record, run.windows, k);
    const timeline = intervalTimeline(run.record, run.windows, k);
    return {
      name: w?.name ?? '',
      openedAtMs: w?.openedAtMs ?? Number.NaN,
      closedAtMs: w?.closedAtMs ?? null,
      sent: c.sent,
      received: c.received,
      lost: c.lost,
      duplicated: 0,
      reordered: c.reordered,
      offeredRateHz: c.offeredRateHz ?? run.rateHz,
      ...(timeline ? { timeline } : {}),
    };
  }

  /** Stats of closed window `k` once the server has reported every interval that can belong to it. */
  protected override async finalStats(run: Run, k: number): Promise<WindowStats> {
    const closedAtMs = run.windows[k]?.closedAtMs ?? monoMs();
    // The interval holding the cut ends at most one interval later; its line then needs a moment.
    const needMs = closedAtMs + this.intervalS * 1000;
    const deadline = monoMs() + this.settleTimeoutMs;
    while (
      !(run.record.lastLineMs >= needMs + 0) &&
      !run.stopping &&
      run.client.exitCode === null &&
      monoMs() < deadline
    ) {
      await sleep(10);
    }
    return this.currentStats(run, k);
  }
}

/** Time for packets in flight to reach the server after the sender froze, ms. */
const DRAIN_MS = 50;

function safeClientError(output: string): string | null {
  try {
    return parseClientReport(output).error;
  } catch {
    const m = /"error":\s*"([^"]*)"/.exec(output);
    return m?.[1] ?? null;
  }
}
