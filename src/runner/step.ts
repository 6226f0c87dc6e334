/**
 * A test case is a list of named steps that read like the spec. The engine
 * runs them in order, stamps each (wall clock + monotonic duration), turns
 * what a step throws into the step's status, and marks the rest NOT_RUN.
 */
import { isoNow, monoMs } from '../util/clock.js';
import { Interrupted, VnflabBugError } from '../util/errors.js';
import type { MultiReporter } from '../report/reporter.js';
import type { ProgressSample } from '../report/progress.js';
import { sampleWhileRunning } from './progress-sampler.js';
import { RunAborted, StepFailed, StepInconclusive, StepSkipped } from './errors.js';
import type { OverallStatus, StepRecord, StepStatus, TcResult } from '../record/result.js';

export interface StepDefinition<C> {
  /** Step number in the spec's sequence. */
  readonly n: number;
  /** The spec's step title, verbatim. */
  readonly title: string;
  /** The info line the spec's logger writes when the step starts. */
  readonly logLine: string;
  readonly run: (ctx: C) => Promise<void>;
}

export interface TestCaseDefinition<C> {
  readonly id: string;
  readonly title: string;
  /** What the case needs from tcInput, shown by `vnflab list`. */
  readonly inputs: readonly string[];
  /** tcInput defaults of this case (e.g. a VNFD whose migration type fits it). */
  readonly defaultInput: { readonly vnfdId: string };
  readonly steps: readonly StepDefinition<C>[];
  /**
   * After the steps: judge what they measured (criteria, validity) and
   * return the run's final status, given the steps' own.
   */
  readonly conclude?: (ctx: C, stepsStatus: OverallStatus) => OverallStatus;
  /**
   * What the ports show now (traffic counters, the move's progress), read a
   * few times a second while a step runs when a reporter shows live
   * progress. Read-only and cheap: it must not disturb what a step measures.
   */
  readonly progress?: (ctx: C) => Promise<ProgressSample>;
}

export function statusOf(err: unknown): StepStatus {
  if (err instanceof RunAborted) return 'ABORTED';
  if (err instanceof StepFailed) return 'FAIL';
  if (err instanceof StepInconclusive) return 'INCONCLUSIVE';
  if (err instanceof StepSkipped) return 'SKIPPED';
  return 'ERROR';
}

export function stepRecords(testCase: TestCaseDefinition<unknown>): StepRecord[] {
  return testCase.steps.map((s) => ({
    n: s.n,
    name: s.run.name,
    title: s.title,
    status: 'NOT_RUN',
    startedAt: null,
    endedAt: null,
    durationMs: null,
    message: null,
  }));
}

/**
 * Run the steps; resolves with the overall status (never throws for a
 * step's failure). `log` is the spec's logger; `saveRecord` is called when
 * each step has started and when it has ended, so a run cut off mid-way
 * leaves a record of how far it got.
 */
export async function executeSteps<C>(
  testCase: TestCaseDefinition<C>,
  ctx: C,
  result: TcResult,
  reporter: MultiReporter,
  log: { info(m: string): void; error(m: string): void },
  signal: AbortSignal,
  saveRecord: () => void = () => undefined,
): Promise<OverallStatus> {
  // What interrupted the run: a signal (Interrupted) is named in the record and the log.
  const bySignal = (): string => (signal.reason instanceof Interrupted ? signal.reason.signalName : '');
  const interruption = (): string => `run interrupted${bySignal() === '' ? '' : ` (${bySignal()})`}`;
  for (const [i, step] of testCase.steps.entries()) {
    const record = result.steps[i];
    if (record === undefined) throw new VnflabBugError(`step record ${i} missing`);
    if (signal.aborted) {
      record.status = 'ABORTED';
      record.message = 'not started: run interrupted';
      result.failure ??= { step: step.n, phase: 'steps', message: interruption() };
      return 'ABORTED';
    }
    record.startedAt = isoNow();
    const t0 = monoMs();
    saveRecord();
    await reporter.onStepStart(record);
    log.info(step.logLine);
    let status: StepStatus = 'PASS';
    const progress = testCase.progress;
    const stopSampling =
      progress !== undefined && reporter.wantsProgress
        ? sampleWhileRunning(
            step.n,
            () => progress(ctx),
            (p) => reporter.onProgress(p),
          )
        : () => undefined;
    try {
      await step.run(ctx);
      if (signal.aborted) throw new RunAborted('run interrupted');
    } catch (err) {
      // Whatever a step throws once the run is interrupted (a cancelled sleep, a
      // closed socket) is the interruption, not a failure of the SUT.
      status = signal.aborted ? 'ABORTED' : statusOf(err);
      record.message =
        status === 'ABORTED'
          ? `${(err as Error).message}${bySignal() === '' || (err as Error).message.includes(bySignal()) ? '' : ` (${bySignal()})`}`
          : status === 'ERROR'
            ? `${(err as Error).name}: ${(err as Error).message}`
            : (err as Error).message;
    }
    stopSampling();
    record.status = status;
    record.endedAt = isoNow();
    record.durationMs = monoMs() - t0;
    // SKIPPED is no failure: the run goes on (the verdict says what was not covered).
    if (status === 'SKIPPED') log.info(`Step ${step.n} skipped: ${record.message ?? ''}`);
    if (status !== 'PASS' && status !== 'SKIPPED')
      result.failure = { step: step.n, phase: 'steps', message: record.message ?? status };
    saveRecord();
    await reporter.onStepEnd(record);
    if (status !== 'PASS' && status !== 'SKIPPED') {
      const message = record.message ?? status;
      log.error(`${testCase.id} - Execution completed with errors - ${message}`);
      return status === 'NOT_RUN' ? 'ERROR' : status;
    }
  }
  log.info(`${testCase.id} - Execution completed successfully`);
  return 'PASS';
}
