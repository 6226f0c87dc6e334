import { describe, expect, it } from 'vitest';
import { MultiReporter } from '../report/reporter.js';
import { syntheticPassResult } from '../../test/fixtures/report/synthetic-pass.js';
import type { TcResult } from '../record/result.js';
import { StepFailed, StepSkipped } from './errors.js';
import { executeSteps, stepRecords, type TestCaseDefinition } from './step.js';

const log = { info: () => undefined, error: () => undefined };

function run(steps: TestCaseDefinition<unknown>['steps']): Promise<{ status: string; result: TcResult }> {
  const tc: TestCaseDefinition<unknown> = {
    id: 'TC_X',
    title: 'x',
    inputs: [],
    defaultInput: { vnfdId: 'v' },
    steps,
  };
  const result: TcResult = { ...syntheticPassResult(), steps: stepRecords(tc), failure: null };
  return executeSteps(tc, null, result, new MultiReporter([]), log, new AbortController().signal).then(
    (status) => ({ status, result }),
  );
}

describe('executeSteps: a SKIPPED step', () => {
  it('is recorded SKIPPED with its reason (never PASS), is no failure, and the next steps run', async () => {
    const ran: number[] = [];
    const { status, result } = await run([
      { n: 1, title: 'a', logLine: 'a', run: () => Promise.resolve(void ran.push(1)) },
      { n: 2, title: 'b', logLine: 'b', run: () => Promise.reject(new StepSkipped('no traffic generator')) },
      { n: 3, title: 'c', logLine: 'c', run: () => Promise.resolve(void ran.push(3)) },
    ]);
    expect(status).toBe('PASS');
    expect(ran).toEqual([1, 3]);
    expect(result.steps.map((s) => s.status)).toEqual(['PASS', 'SKIPPED', 'PASS']);
    expect(result.steps[1]?.message).toBe('no traffic generator');
    expect(result.failure).toBeNull();
  });

  it('does not hide a later failure', async () => {
    const { status, result } = await run([
      { n: 1, title: 'a', logLine: 'a', run: () => Promise.reject(new StepSkipped('skip')) },
      { n: 2, title: 'b', logLine: 'b', run: () => Promise.reject(new StepFailed('broken')) },
    ]);
    expect(status).toBe('FAIL');
    expect(result.failure).toMatchObject({ step: 2, message: 'broken' });
  });
});
