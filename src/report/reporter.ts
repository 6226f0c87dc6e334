/**
 * Reporters receive the events of a run. Hooks are optional (vitest's
 * Reporter style); {@link MultiReporter} fans each event out and isolates
 * each sink's failure so a broken sink cannot kill a run (Playwright's
 * multiplexer).
 */
import type { StepRecord, TcResult } from '../record/result.js';
import type { LiveProgress } from './progress.js';

export type LogLevel = 'INFO' | 'ERROR';

export interface Reporter {
  /** The run began; `result` is live and fills in as the run goes. */
  onRunStart?(result: TcResult): void | Promise<void>;
  /** A step began. */
  onStepStart?(step: StepRecord): void | Promise<void>;
  /** A step ended with its status. */
  onStepEnd?(step: StepRecord): void | Promise<void>;
  /** Live figures while a step runs; sampled only when some sink has this hook. */
  onProgress?(progress: LiveProgress): void | Promise<void>;
  /** A logger line (the spec's write_info / write_error). */
  onLog?(level: LogLevel, message: string, at: Date): void | Promise<void>;
  /** The run ended; the record is final. Flush and close here. */
  onRunEnd?(result: TcResult): void | Promise<void>;
}

export class MultiReporter implements Required<Reporter> {
  readonly #sinks: Reporter[];
  /** Errors raised by sinks; the run goes on. */
  readonly sinkErrors: { sink: string; hook: string; message: string }[] = [];
  /** sink/hook pairs whose failure was already told to the other sinks. */
  readonly #told = new Set<string>();

  constructor(sinks: readonly Reporter[]) {
    this.#sinks = [...sinks];
  }

  #fan<K extends keyof Reporter>(
    hook: K,
    call: (sink: Reporter) => void | Promise<void> | undefined,
  ): Promise<void> {
    const pending = this.#sinks.map(async (sink) => {
      try {
        await call(sink);
      } catch (err) {
        await this.#failed(sink, hook, (err as Error).message);
      }
    });
    return Promise.all(pending).then(() => undefined);
  }

  /**
   * A sink failed (a full disk under the log file, junit.xml...): keep it,
   * and tell the other sinks once per sink and hook, so the user sees it on
   * the console and in the log without a flood of the same line.
   */
  async #failed(sink: Reporter, hook: string, message: string): Promise<void> {
    const name = sink.constructor.name;
    this.sinkErrors.push({ sink: name, hook, message });
    const key = `${name}.${hook}`;
    if (this.#told.has(key)) return;
    this.#told.add(key);
    const line = `report sink ${name} failed (${hook}): ${message}; the run goes on without it`;
    const at = new Date();
    await Promise.all(
      this.#sinks
        .filter((other) => other !== sink)
        .map(async (other) => {
          try {
            await other.onLog?.('ERROR', line, at);
          } catch (err) {
            this.sinkErrors.push({
              sink: other.constructor.name,
              hook: 'onLog',
              message: (err as Error).message,
            });
          }
        }),
    );
  }

  onRunStart(result: TcResult): Promise<void> {
    return this.#fan('onRunStart', (s) => s.onRunStart?.(result));
  }
  onStepStart(step: StepRecord): Promise<void> {
    return this.#fan('onStepStart', (s) => s.onStepStart?.(step));
  }
  onStepEnd(step: StepRecord): Promise<void> {
    return this.#fan('onStepEnd', (s) => s.onStepEnd?.(step));
  }
  /** Some sink shows live progress: only then are the ports read for it. */
  get wantsProgress(): boolean {
    return this.#sinks.some((s) => typeof s.onProgress === 'function');
  }
  onProgress(progress: LiveProgress): Promise<void> {
    return this.#fan('onProgress', (s) => s.onProgress?.(progress));
  }
  onLog(level: LogLevel, message: string, at: Date): Promise<void> {
    return this.#fan('onLog', (s) => s.onLog?.(level, message, at));
  }
  onRunEnd(result: TcResult): Promise<void> {
    return this.#fan('onRunEnd', (s) => s.onRunEnd?.(result));
  }
}
