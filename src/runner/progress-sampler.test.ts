import { describe, expect, it } from 'vitest';
import type { LiveProgress } from '../report/progress.js';
import { MultiReporter } from '../report/reporter.js';
import { sleep } from '../util/clock.js';
import { sampleWhileRunning } from './progress-sampler.js';
import { executeSteps, stepRecords, type TestCaseDefinition } from './step.js';
import { syntheticPassResult } from '../../test/fixtures/report/synthetic-pass.js';
import type { TcResult } from '../record/result.js';

const newTcResult = (steps: TcResult['steps']): TcResult => ({
  ...syntheticPassResult(),
  steps,
  failure: null,
});

const sample = { traffic: null, migration: { phase: 'running' } };

describe('sampleWhileRunning', () => {
  it('reports a sample every period, one read at a time, and nothing after stop', async () => {
    const seen: LiveProgress[] = [];
    let reads = 0;
    let inFlight = 0;
    let overlapped = false;
    const stop = sampleWhileRunning(
      9,
      async () => {
        reads++;
        inFlight++;
        overlapped ||= inFlight > 1;
        await sleep(15);
        inFlight--;
        return sample;
      },
      (p) => seen.push(p),
      5,
    );
    await sleep(120);
    stop();
    const n = seen.length;
    await sleep(60);
    expect(n).toBeGreaterThanOrEqual(2);
    expect(seen.length).toBe(n);
    expect(overlapped).toBe(false);
    expect(reads).toBeLessThanOrEqual(n + 1);
    expect(seen[0]).toEqual({ step: 9, ...sample });
  });

  it('skips a read that fails and goes on', async () => {
    const seen: LiveProgress[] = [];
    let k = 0;
    const stop = sampleWhileRunning(
      1,
      () => (k++ === 0 ? Promise.reject(new Error('traffic stopping')) : Promise.resolve(sample)),
      (p) => seen.push(p),
      5,
    );
    await sleep(60);
    stop();
    expect(seen.length).toBeGreaterThan(0);
  });
});

describe('executeSteps reads progress only for a reporter that shows it', () => {
  const testCase = (reads: { n: number }): TestCaseDefinition<unknown> => ({
    id: 'TC_X',
    title: 'x',
    inputs: [],
    defaultInput: { vnfdId: 'v' },
    progress: () => {
      reads.n++;
      return Promise.resolve(sample);
    },
    steps: [{ n: 1, title: 'wait', logLine: 'waiting', run: () => sleep(700) }],
  });
  const log = { info: () => undefined, error: () => undefined };

  it('a live sink gets samples of the running step', async () => {
    const reads = { n: 0 };
    const got: LiveProgress[] = [];
    const tc = testCase(reads);
    const result = newTcResult(stepRecords(tc));
    const reporter = new MultiReporter([{ onProgress: (p) => void got.push(p) }]);
    expect(await executeSteps(tc, null, result, reporter, log, new AbortController().signal)).toBe('PASS');
    expect(got.length).toBeGreaterThanOrEqual(2);
    expect(got.every((p) => p.step === 1)).toBe(true);
  });

  it('plain sinks: the ports are not read at all', async () => {
    const reads = { n: 0 };
    const tc = testCase(reads);
    const result = newTcResult(stepRecords(tc));
    const reporter = new MultiReporter([{ onStepEnd: () => undefined }]);
    await executeSteps(tc, null, result, reporter, log, new AbortController().signal);
    expect(reads.n).toBe(0);
  });
});
