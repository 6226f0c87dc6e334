import { describe, expect, it } from 'vitest';
import { RunAborted, StepFailed, StepTimeout } from './errors.js';
import { pollUntil } from './poll.js';

describe('pollUntil', () => {
  it('returns as soon as the check is done', async () => {
    let n = 0;
    const v = await pollUntil(async () => (++n >= 3 ? { done: true, value: n } : { done: false }), {
      timeoutMs: 1000,
      intervalMs: 1,
      what: 'three',
    });
    expect(v).toBe(3);
  });

  it('times out naming what it waited for and the last state seen', async () => {
    const timedOut = pollUntil(async () => ({ done: false, last: 'STARTING' }), {
      timeoutMs: 30,
      intervalMs: 5,
      what: 'VNF state Inactive',
    });
    await expect(timedOut).rejects.toThrow(
      new StepTimeout('Timeout - VNF state Inactive not reached within 30 ms (last seen: STARTING)'),
    );
    // A FAIL (a StepFailed) with its own code.
    await expect(timedOut).rejects.toBeInstanceOf(StepFailed);
    await expect(timedOut).rejects.toMatchObject({ code: 'VNFLAB_STEP_TIMEOUT' });
  });

  it('stops when the run is aborted', async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(new Error('SIGINT')), 10);
    await expect(
      pollUntil(async () => ({ done: false }), {
        timeoutMs: 5000,
        intervalMs: 1000,
        what: 'x',
        signal: ac.signal,
      }),
    ).rejects.toBeInstanceOf(RunAborted);
  });
});
