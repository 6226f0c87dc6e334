/**
 * The generic run: a test case's steps against a context the caller builds,
 * with the record kept and released on every path. It knows no test case:
 * what the steps need (ports, state) is the caller's `setUp`, where the
 * record goes is the caller's `saveRecord`.
 */
import type { TcResult } from '../record/result.js';
import type { MultiReporter } from '../report/reporter.js';
import { isoNow, monoMs } from '../util/clock.js';
import { CleanupStack } from './cleanup-stack.js';
import { RunAborted } from './errors.js';
import { executeSteps, statusOf, type TestCaseDefinition } from './step.js';

export interface RunLog {
  info(message: string): void;
  error(message: string): void;
  close(): Promise<void>;
}

export interface ExecuteOptions<C> {
  readonly testCase: TestCaseDefinition<C>;
  /** The record, already holding the case's empty fields; completed in place. */
  readonly record: TcResult;
  readonly reporter: MultiReporter;
  readonly log: RunLog;
  readonly signal: AbortSignal;
  /**
   * Persist the record as it is now: called at start, after set-up, when
   * each step starts and ends, and at the end (the only save with
   * `complete: true`). It must take the record's content when called; the
   * write may finish later. A save that throws or rejects is logged and the
   * run goes on.
   */
  readonly saveRecord: () => void | Promise<void>;
  /**
   * Acquire what the steps need, registering each release on `cleanup`, and
   * return the steps' context plus a description of it for the record. It
   * should stop early when `signal` aborts (releasing what it acquired).
   */
  readonly setUp: (cleanup: CleanupStack) => Promise<{ context: C; description: Record<string, unknown> }>;
  /** What setUp does, for the record of a run interrupted during it: 'starting the embedded lab'. */
  readonly setUpTitle: string;
}

/** Run the case end to end; resolves when the record is final (never throws for the SUT's failure). */
export async function execute<C>(o: ExecuteOptions<C>): Promise<void> {
  const { testCase, record, reporter, log, signal } = o;
  const t0 = monoMs();
  const saves = recordSaver(record, o.saveRecord, log);
  saves.save();
  await reporter.onRunStart(record);
  log.info(`Starting ${testCase.id}`);
  const cleanup = new CleanupStack();
  let phase: 'setup' | 'steps' = 'setup';
  try {
    const { context, description } = await setUp(o, cleanup);
    Object.assign(record.environment, description);
    saves.save();
    phase = 'steps';
    const stepsStatus = await executeSteps(testCase, context, record, reporter, log, signal, () =>
      saves.save(),
    );
    record.overallStatus = stepsStatus;
    if (testCase.conclude) {
      try {
        record.overallStatus = testCase.conclude(context, stepsStatus);
      } catch (err) {
        record.overallStatus = 'ERROR';
        record.failure ??= {
          step: null,
          phase: 'verdict',
          message: `judging the run failed: ${(err as Error).message}`,
        };
        log.error(`${testCase.id} - judging the run failed - ${(err as Error).message}`);
      }
    }
  } catch (err) {
    // The environment could not be set up (or a bug): no step ran to blame.
    record.overallStatus = statusOf(err) === 'ABORTED' ? 'ABORTED' : 'ERROR';
    record.failure = { step: null, phase, message: (err as Error).message };
    log.error(`${testCase.id} - Execution completed with errors - ${(err as Error).message}`);
  } finally {
    const released = await cleanup.unwind();
    for (const r of released) {
      if (r.status === 'FAILED') log.error(`cleanup '${r.name}' failed: ${r.message ?? ''}`);
    }
    record.cleanup = [...cleanup.records];
    record.endedAt = isoNow();
    record.durationMs = monoMs() - t0;
    record.complete = true;
    // The log's last line: the run is over (a log without it was cut off), with its outcome and cause.
    const cause = record.failure
      ? ` (${record.failure.step === null ? record.failure.phase : `step ${record.failure.step}`}: ${record.failure.message})`
      : '';
    log.info(`End of ${testCase.id}: ${record.overallStatus}${cause}`);
    saves.save();
    // Every save has settled (and a failed one is logged) before the log closes.
    await saves.settled();
    await log.close();
    await reporter.onRunEnd(record);
  }
}

/** Run the caller's set-up; interrupted during it (or just after), say so and what it was doing. */
async function setUp<C>(
  o: ExecuteOptions<C>,
  cleanup: CleanupStack,
): Promise<{ context: C; description: Record<string, unknown> }> {
  const interrupted = (): RunAborted => new RunAborted(`interrupted while ${o.setUpTitle}`);
  let done;
  try {
    done = await o.setUp(cleanup);
  } catch (err) {
    // Whatever set-up throws once the run is interrupted (a lab start cut short) is the interruption.
    if (o.signal.aborted) throw interrupted();
    throw err;
  }
  if (o.signal.aborted) throw interrupted();
  return done;
}

/**
 * Saves of the record that never stop the run: a failed save (a full disk)
 * is logged once per reason; a later save may succeed and replace it.
 */
function recordSaver(
  record: TcResult,
  saveRecord: () => void | Promise<void>,
  log: Pick<RunLog, 'error'>,
): { save(): void; settled(): Promise<void> } {
  const reported = new Set<string>();
  let pending: Promise<void> = Promise.resolve();
  const report = (err: unknown): void => {
    const message = err instanceof Error ? err.message : String(err);
    if (reported.has(message)) return;
    reported.add(message);
    log.error(`the result record could not be saved: ${message}`);
  };
  return {
    save() {
      record.lastSavedAt = isoNow();
      let saved: Promise<void>;
      try {
        saved = Promise.resolve(saveRecord()).catch(report);
      } catch (err) {
        report(err);
        saved = Promise.resolve();
      }
      pending = Promise.all([pending, saved]).then(() => undefined);
    },
    settled: () => pending,
  };
}
