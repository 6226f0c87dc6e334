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
  /** Persist the record as it is now (called at start, after set-up and at the end). */
  readonly saveRecord: () => void;
  /**
   * Acquire what the steps need, registering each release on `cleanup`, and
   * return the steps' context plus a description of it for the record.
   */
  readonly setUp: (cleanup: CleanupStack) => Promise<{ context: C; description: Record<string, unknown> }>;
}

/** Run the case end to end; resolves when the record is final (never throws for the SUT's failure). */
export async function execute<C>(o: ExecuteOptions<C>): Promise<void> {
  const { testCase, record, reporter, log, signal } = o;
  const t0 = monoMs();
  o.saveRecord();
  await reporter.onRunStart(record);
  log.info(`Starting ${testCase.id}`);
  const cleanup = new CleanupStack();
  try {
    const { context, description } = await o.setUp(cleanup);
    Object.assign(record.environment, description);
    o.saveRecord();
    if (signal.aborted) throw new RunAborted('run interrupted');
    const stepsStatus = await executeSteps(testCase, context, record, reporter, log, signal);
    record.overallStatus = stepsStatus;
    if (testCase.conclude) {
      try {
        record.overallStatus = testCase.conclude(context, stepsStatus);
      } catch (err) {
        record.overallStatus = 'ERROR';
        record.failure ??= { step: null, message: `judging the run failed: ${(err as Error).message}` };
        log.error(`${testCase.id} - judging the run failed - ${(err as Error).message}`);
      }
    }
  } catch (err) {
    // The environment could not be set up (or a bug): no step ran to blame.
    record.overallStatus = statusOf(err) === 'ABORTED' ? 'ABORTED' : 'ERROR';
    record.failure = { step: null, message: (err as Error).message };
    log.error(`${testCase.id} - Execution completed with errors - ${(err as Error).message}`);
  } finally {
    const released = await cleanup.unwind();
    for (const r of released) {
      if (r.status === 'FAILED') log.error(`cleanup '${r.name}' failed: ${r.message ?? ''}`);
    }
    record.cleanup = [...cleanup.records];
    record.endedAt = isoNow();
    record.durationMs = monoMs() - t0;
    o.saveRecord();
    await log.close();
    await reporter.onRunEnd(record);
  }
}
