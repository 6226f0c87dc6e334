/**
 * Reporters receive the events of a run. Hooks are optional (vitest's
 * Reporter style); {@link MultiReporter} fans each event out and isolates
 * each sink's failure so a broken sink cannot kill a run (Playwright's
 * multiplexer).
 */
import type { StepRecord, TcResult } from '../record/result.js';

export type LogLevel = 'INFO' | 'ERROR';

export interface Reporter {
  /** The run began; `result` is live and fills in as the run goes. */
  onRunStart?(result: TcResult): void | Promise<void>;
  /** A step began. */
  onStepStart?(step: StepRecord): void | Promise<void>;
  /** A step ended with its status. */
  onStepEnd?(step: StepRecord): void | Promise<void>;
  /** A logger line (the spec's write_info / write_error). */
  onLog?(level: LogLevel, message: string, at: Date): void | Promise<void>;
  /** The run ended; the record is final. Flush and close here. */
  onRunEnd?(result: TcResult): void | Promise<void>;
}

export class MultiReporter implements Required<Reporter> {
  readonly #sinks: Reporter[];
  /** Errors raised by sinks; the run goes on. */
  readonly sinkErrors: { sink: string; hook: string; message: string }[] = [];

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
        this.sinkErrors.push({ sink: sink.constructor.name, hook, message: (err as Error).message });
      }
    });
    return Promise.all(pending).then(() => undefined);
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
  onLog(level: LogLevel, message: string, at: Date): Promise<void> {
    return this.#fan('onLog', (s) => s.onLog?.(level, message, at));
  }
  onRunEnd(result: TcResult): Promise<void> {
    return this.#fan('onRunEnd', (s) => s.onRunEnd?.(result));
  }
}
