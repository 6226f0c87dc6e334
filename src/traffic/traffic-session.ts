/**
 * TrafficSession: the Traffic port's session, written once for every driver.
 * It keeps the order of the calls (prepare, configTrafficLoad, startTraffic,
 * the windows, stopTraffic, close) and their coded errors, lets close() wait
 * for a prepare or a start under way, and keeps the windows' names and cut
 * instants. A driver extends it with what differs: its receiving end, how a
 * run starts, stops and is killed, and how it counts a window.
 *
 *   class MyTraffic extends TrafficSession<MySink, MyRun, WindowStats, TrafficTotals> {
 *     readonly name = 'mine';
 *     protected error(kind, message) { return new MyError(`MY_${kind}`, message); }
 *     ...
 *   }
 */
import type {
  Disruption,
  LoadLevel,
  Traffic,
  TrafficParams,
  TrafficTotals,
  WindowStats,
} from '../ports/traffic.js';
import { monoMs } from '../util/clock.js';
import type { Endpoint } from '../util/outcome.js';
import { validateTrafficParams } from './params.js';

/** Failures of the session; a driver turns each into its own coded error (TRAFFIC_<kind>, IPERF3_<kind>). */
export type SessionErrorKind =
  'NOT_PREPARED' | 'NOT_CONFIGURED' | 'NOT_RUNNING' | 'ALREADY_RUNNING' | 'UNKNOWN_WINDOW' | 'CLOSED';

/** The load configTrafficLoad accepted: packets/s of the chosen level, and the parameters. */
export interface TrafficLoad {
  readonly rateHz: number;
  readonly params: TrafficParams;
}

/** A window as the harness thread knows it: name and cut instants (monotonic ms). */
export interface WindowMeta {
  readonly name: string;
  readonly openedAtMs: number;
  closedAtMs: number | null;
}

/** What the session keeps of a driver's run. */
export interface SessionRun<T extends TrafficTotals> {
  readonly startedAtMs: number;
  /** Every window of the run, the open one last. */
  readonly windows: WindowMeta[];
  /** The first stopTraffic()'s promise, which later calls share. */
  stopping: Promise<T> | null;
}

/**
 * The Traffic port on a driver's receiving end `Rx` (where the traffic
 * arrives: a receiver thread, an iperf3 server) and runs `R`, reporting
 * windows `W` and totals `T`.
 */
export abstract class TrafficSession<
  Rx,
  R extends SessionRun<T>,
  W extends WindowStats,
  T extends TrafficTotals,
> implements Traffic {
  abstract readonly name: string;
  /** The receiving end, once prepare() has bound it. */
  protected receiver: Rx | null = null;
  /** The current run, or the last one once it stopped. */
  protected run: R | null = null;
  private preparing: Promise<Rx> | null = null;
  private load: TrafficLoad | null = null;
  private starting: Promise<void> | null = null;
  private closing: Promise<void> | null = null;

  /** The driver's coded error for a failure of the session. */
  protected abstract error(kind: SessionErrorKind, message: string): Error;
  /** Bind the receiving end (once; again after a failure, as the port may be free next time). */
  protected abstract openReceiver(): Promise<Rx>;
  /** Where the receiving end listens: prepare()'s sink. */
  protected abstract sinkOf(receiver: Rx): Endpoint;
  /**
   * Start sending, the first window named `windowName`. Before the run
   * counts as started it calls assertOpen() (close() may have come
   * meanwhile), releasing what it started if that throws.
   */
  protected abstract launch(receiver: Rx, load: TrafficLoad, windowName: string): Promise<R>;
  /** DoesTrafficFlow of a run that is not stopping. */
  protected abstract flowing(run: R, receiver: Rx): Promise<boolean>;
  /** Stats of window `k` as counted so far. */
  protected abstract currentStats(run: R, k: number): Promise<W> | W;
  /** Stats of closed window `k` once everything that belongs to it is counted. */
  protected abstract finalStats(run: R, k: number): Promise<W>;
  /** StopTraffic: stop sending, let in-flight packets arrive, close the last window, total the run. */
  protected abstract stop(run: R): Promise<T>;
  /** StopTraffic's totals when nothing was started. */
  protected abstract emptyTotals(): T;
  /** close(): stop the run's sender at once. */
  protected abstract kill(run: R): Promise<void>;
  /** close(): release the receiving end. */
  protected abstract closeReceiver(receiver: Rx): Promise<void>;
  /** Refuse parameters the driver cannot run, beyond the port's own checks. */
  protected checkParams?(params: TrafficParams): void;
  /** ClearCounters: cut the driver's own counters, at the call, before the windows are cut. */
  protected cutCounters?(run: R): void;

  abstract anyTrafficLoss(): Promise<boolean>;
  abstract calculateServiceDisruptionLength(windowName?: string): Promise<Disruption | null>;

  async prepare(): Promise<{ sink: Endpoint }> {
    return { sink: this.sinkOf(await this.ensureReceiver()) };
  }

  configTrafficLoad(level: LoadLevel, params: TrafficParams): Promise<void> {
    try {
      this.assertOpen();
      if (this.run && !this.run.stopping) {
        throw this.error('ALREADY_RUNNING', 'stop the traffic before changing its load');
      }
      const rateHz = validateTrafficParams(level, params);
      this.checkParams?.(params);
      this.load = { rateHz, params };
      return Promise.resolve();
    } catch (e) {
      return Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
  }

  async startTraffic(windowName = 'traffic'): Promise<void> {
    this.assertOpen();
    const load = this.load;
    if (!load) throw this.error('NOT_CONFIGURED', 'configTrafficLoad() must come before startTraffic()');
    if (this.starting || (this.run && !this.run.stopping)) {
      throw this.error('ALREADY_RUNNING', 'traffic is already running');
    }
    this.starting = this.start(load, windowName);
    try {
      await this.starting;
    } finally {
      this.starting = null;
    }
  }

  async doesTrafficFlow(): Promise<boolean> {
    const run = this.run;
    const receiver = this.receiver;
    if (!run || run.stopping || !receiver) return false;
    return this.flowing(run, receiver);
  }

  async clearCounters(newWindowName: string): Promise<W | null> {
    const run = this.requireRun();
    if (run.stopping) throw this.error('NOT_RUNNING', 'traffic was stopped');
    const now = monoMs();
    this.cutCounters?.(run);
    const closed = run.windows[run.windows.length - 1];
    if (!closed) return null;
    closed.closedAtMs = now;
    run.windows.push({ name: newWindowName, openedAtMs: now, closedAtMs: null });
    return this.finalStats(run, run.windows.length - 2);
  }

  async readWindow(): Promise<W> {
    const run = this.requireRun();
    return this.currentStats(run, run.windows.length - 1);
  }

  async getWindow(name: string): Promise<W | null> {
    const run = this.run;
    if (!run) return null;
    const k = run.windows.findLastIndex((w) => w.name === name);
    if (k < 0 || run.windows[k]?.closedAtMs === null) return null;
    return this.finalStats(run, k);
  }

  stopTraffic(): Promise<T> {
    const run = this.run;
    if (!run) return Promise.resolve(this.emptyTotals());
    run.stopping ??= this.stop(run);
    return run.stopping;
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.preparing?.catch(() => undefined);
      await this.starting?.catch(() => undefined);
      if (this.run) await this.kill(this.run);
      if (this.receiver) await this.closeReceiver(this.receiver);
    })();
    return this.closing;
  }

  /** The last window named `name`; UNKNOWN_WINDOW when there is none. */
  protected windowIndex(run: R, name: string): number {
    const k = run.windows.findLastIndex((w) => w.name === name);
    if (k < 0) throw this.error('UNKNOWN_WINDOW', `no traffic window named '${name}'`);
    return k;
  }

  protected requireRun(): R {
    this.assertOpen();
    if (!this.run) throw this.error('NOT_RUNNING', 'traffic was not started');
    return this.run;
  }

  protected requireReceiver(): Rx {
    if (!this.receiver) throw this.error('NOT_PREPARED', 'prepare() was not called');
    return this.receiver;
  }

  /** CLOSED once close() was called. */
  protected assertOpen(message = 'traffic was closed'): void {
    if (this.closing) throw this.error('CLOSED', message);
  }

  private async start(load: TrafficLoad, windowName: string): Promise<void> {
    if (this.run) await this.run.stopping?.catch(() => undefined);
    const receiver = await this.ensureReceiver();
    this.run = await this.launch(receiver, load, windowName);
  }

  private ensureReceiver(): Promise<Rx> {
    this.assertOpen();
    this.preparing ??= this.openReceiver().then(
      (r) => (this.receiver = r),
      (e: unknown) => {
        this.preparing = null; // the port may be free next time
        throw e;
      },
    );
    return this.preparing;
  }
}

/** The port's counters of a run: the sums over its windows. */
export function sumWindows(
  windows: readonly WindowStats[],
): Pick<TrafficTotals, 'sent' | 'received' | 'lost' | 'duplicated' | 'reordered'> {
  const sum = (f: (w: WindowStats) => number): number => windows.reduce((n, w) => n + f(w), 0);
  return {
    sent: sum((w) => w.sent),
    received: sum((w) => w.received),
    lost: sum((w) => w.lost),
    duplicated: sum((w) => w.duplicated),
    reordered: sum((w) => w.reordered),
  };
}

/** The port's totals of a run that never started. */
export function emptyTrafficTotals(): TrafficTotals {
  return {
    sent: 0,
    received: 0,
    lost: 0,
    duplicated: 0,
    reordered: 0,
    offeredRateHz: 0,
    durationMs: 0,
    windows: [],
  };
}
