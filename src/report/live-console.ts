/**
 * The console on a terminal: the plain reporter's lines, plus a block below
 * them redrawn every `tickMs` while a step runs: the step with its elapsed
 * time, and while they are known the traffic's received rate and loss so far
 * and the migration's progress as the target reports it. The block is erased
 * before any line is written, so what stays on the screen is the plain
 * output (coloured).
 */
import type { MigrationProgress } from '../ports/migrator.js';
import type { StepRecord, TcResult } from '../record/result.js';
import { ConsoleReporter } from './console.js';
import { ERASE_DOWN, ERASE_LINE, dim, stripAnsi, up } from './ansi.js';
import type { LiveProgress, TrafficSnapshot } from './progress.js';
import type { LogLevel } from './reporter.js';

export interface LiveConsoleOptions {
  readonly color: boolean;
  /** Redraw period, ms (default 200); 0: only on events (tests draw by hand). */
  readonly tickMs?: number;
  /** Monotonic ms (default performance.now). */
  readonly now?: () => number;
}

type TtyStream = NodeJS.WritableStream & { columns?: number };

export class LiveConsoleReporter extends ConsoleReporter {
  readonly #now: () => number;
  readonly #tickMs: number;
  #timer: NodeJS.Timeout | null = null;
  #steps = 0;
  #running: { step: StepRecord; startedAtMs: number } | null = null;
  #progress: LiveProgress | null = null;
  /** Received packets/s over the last two reads of the same window. */
  #rxRateHz: number | null = null;
  #lastTraffic: TrafficSnapshot | null = null;
  /** Lines of the block now on the screen. */
  #drawn = 0;

  constructor(stream: TtyStream = process.stderr, opts: LiveConsoleOptions = { color: true }) {
    super(stream, opts.color);
    this.#now = opts.now ?? (() => performance.now());
    this.#tickMs = opts.tickMs ?? 200;
  }

  override onRunStart(result: TcResult): void {
    this.#steps = result.steps.length;
    super.onRunStart(result);
  }

  onStepStart(step: StepRecord): void {
    this.#running = { step, startedAtMs: this.#now() };
    this.#progress = null;
    if (this.#tickMs > 0 && this.#timer === null) {
      this.#timer = setInterval(() => this.draw(), this.#tickMs);
      this.#timer.unref();
    }
    this.draw();
  }

  onProgress(progress: LiveProgress): void {
    if (this.#running?.step.n !== progress.step) return;
    const t = progress.traffic;
    const last = this.#lastTraffic;
    if (t !== null && last !== null && t.window === last.window && t.atMs > last.atMs)
      this.#rxRateHz = (1000 * Math.max(0, t.received - last.received)) / (t.atMs - last.atMs);
    else if (t === null) this.#rxRateHz = null;
    if (t !== null && (last === null || t.atMs > last.atMs)) this.#lastTraffic = t;
    if (t === null) this.#lastTraffic = null;
    this.#progress = progress;
    this.draw();
  }

  override onStepEnd(step: StepRecord): void {
    this.#running = null;
    this.#stopTimer();
    this.#erase();
    super.onStepEnd(step);
  }

  override onLog(level: LogLevel, message: string): void {
    if (level !== 'ERROR') return;
    this.#erase();
    super.onLog(level, message);
    this.draw();
  }

  override onRunEnd(result: TcResult): void {
    this.#running = null;
    this.#stopTimer();
    this.#erase();
    super.onRunEnd(result);
  }

  /** Redraw the running step's block (nothing when no step runs). */
  draw(): void {
    const lines = this.#running === null ? [] : this.blockLines();
    // columns is 0 or absent on a terminal that does not say its size (script(1) without a tty of its own).
    const columns = (this.stream as TtyStream).columns ?? 0;
    const width = (columns > 0 ? columns : 160) - 1;
    // A line longer than the terminal would wrap and the erase would miss its second row.
    const fitted = lines.map((l) => (stripAnsi(l).length > width ? stripAnsi(l).slice(0, width) : l));
    let out = this.#eraseCodes();
    for (const l of fitted) out += `${l}${ERASE_LINE}\n`;
    this.#drawn = fitted.length;
    if (out !== '') this.stream.write(out);
  }

  /** The block's lines: the step, then what the ports show. */
  protected blockLines(): string[] {
    const run = this.#running;
    if (run === null) return [];
    const { step, startedAtMs } = run;
    const elapsed = `${((this.#now() - startedAtMs) / 1000).toFixed(1)} s`;
    const of = this.#steps > 0 ? dim(` [${step.n}/${this.#steps}]`, this.color) : '';
    const lines = [
      `  ${this.status('RUNNING', 7)} ${String(step.n).padStart(2)}. ${step.title} ${elapsed}${of}`,
    ];
    const t = this.#progress?.traffic ?? null;
    if (t !== null) lines.push(`             ${trafficLine(t, this.#rxRateHz)}`);
    const m = this.#progress?.migration ?? null;
    if (m !== null) lines.push(`             ${migrationLine(m)}`);
    return lines;
  }

  #eraseCodes(): string {
    return this.#drawn === 0 ? '' : `${up(this.#drawn)}\r${ERASE_DOWN}`;
  }

  #erase(): void {
    const codes = this.#eraseCodes();
    this.#drawn = 0;
    if (codes !== '') this.stream.write(codes);
  }

  #stopTimer(): void {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
  }
}

const MIB = 1024 * 1024;
const mib = (bytes: number): string => `${(bytes / MIB).toFixed(1)} MiB`;

/** `traffic 'duringMigration': 9998 pkt/s received, 43 lost (0.043 %) of 100000 sent`. */
export function trafficLine(t: TrafficSnapshot, rxRateHz: number | null): string {
  const rate = rxRateHz === null ? '... pkt/s' : `${rxRateHz.toFixed(0)} pkt/s`;
  const share = t.sent > 0 ? ` (${((100 * t.lost) / t.sent).toFixed(3)} %)` : '';
  return `traffic '${t.window}': ${rate} received, ${t.lost} lost${share} of ${t.sent} sent`;
}

/** `migration running 67.0 %, 120.0 of 180.0 MiB copied, 60.0 MiB to go`. */
export function migrationLine(m: MigrationProgress): string {
  const parts = [`migration ${m.phase ?? 'in progress'}`];
  if (m.percent !== undefined) parts.push(`${m.percent.toFixed(1)} %`);
  const bytes: string[] = [];
  if (m.memoryProcessedBytes !== undefined)
    bytes.push(
      m.memoryTotalBytes === undefined
        ? `${mib(m.memoryProcessedBytes)} copied`
        : `${mib(m.memoryProcessedBytes)} of ${mib(m.memoryTotalBytes)} copied`,
    );
  if (m.memoryRemainingBytes !== undefined) bytes.push(`${mib(m.memoryRemainingBytes)} to go`);
  return [parts.join(' '), ...bytes].join(', ');
}
