/**
 * LCM helpers shared by the steps: wait for an operation occurrence and a
 * VNF state together, and the terminate / delete cleanup actions.
 */
import type { LcmOperation, VnfState, Vnfm, VnfRecord } from '../../ports/vnfm.js';
import { StepFailed, StepTimeout } from '../../runner/errors.js';
import { beforeDeadline, pollUntil } from '../../runner/poll.js';
import { monoMs } from '../../util/clock.js';

const FAILED_STATES = new Set(['FAILED_TEMP', 'FAILED', 'ROLLED_BACK']);

/**
 * Poll until the VNF is in `want` (the spec's `while GetVNFState <> X` loop),
 * failing at once when the operation failed or the VNF reports ERROR.
 */
export async function waitForVnfState(
  vnfm: Vnfm,
  vnf: VnfRecord,
  op: LcmOperation | null,
  want: VnfState,
  opts: { timeoutMs: number; intervalMs: number; signal: AbortSignal; what: string },
): Promise<void> {
  await pollUntil(
    async () => {
      if (op) {
        const occ = await vnfm.getLcmOperation(op.id);
        if (FAILED_STATES.has(occ.state)) {
          throw new StepFailed(
            `${opts.what}: LCM operation ${occ.operation} ${occ.state}${occ.error ? ` - ${occ.error}` : ''}`,
          );
        }
      }
      const report = await vnfm.getVnfState(vnf);
      if (report.state === 'ERROR') {
        throw new StepFailed(`${opts.what}: VNF state ERROR${report.error ? ` - ${report.error}` : ''}`);
      }
      return report.state === want ? { done: true, value: undefined } : { done: false, last: report.state };
    },
    { timeoutMs: opts.timeoutMs, intervalMs: opts.intervalMs, signal: opts.signal, what: opts.what },
  );
}

/** Wait until an LCM operation occurrence is COMPLETED. */
export async function waitForLcmOperation(
  vnfm: Vnfm,
  op: LcmOperation,
  opts: { timeoutMs: number; intervalMs: number; signal?: AbortSignal; what: string },
): Promise<void> {
  await pollUntil(async () => {
    const occ = await vnfm.getLcmOperation(op.id);
    if (FAILED_STATES.has(occ.state)) {
      throw new StepFailed(`${opts.what}: ${occ.state}${occ.error ? ` - ${occ.error}` : ''}`);
    }
    return occ.state === 'COMPLETED' ? { done: true, value: undefined } : { done: false, last: occ.state };
  }, opts);
}

/**
 * Terminate if instantiated and wait for NOT_INSTANTIATED. Used by step 13
 * and by the cleanup stack (where no signal applies: cleanup must finish).
 */
export async function terminateVnf(
  vnfm: Vnfm,
  vnf: VnfRecord,
  opts: { timeoutMs: number; intervalMs: number },
): Promise<void> {
  const deadline = monoMs() + opts.timeoutMs;
  const state = await beforeDeadline(vnfm.getVnfState(vnf), deadline, undefined, {
    onTimeout: () =>
      new StepTimeout(`Timeout - the VNF state was not read within ${opts.timeoutMs} ms (VNF termination)`),
  });
  if (state.instantiationState === 'NOT_INSTANTIATED') return;
  let op: LcmOperation | null = null;
  await pollUntil(
    async () => {
      try {
        op = await vnfm.terminate(vnf);
        return { done: true, value: undefined };
      } catch (err) {
        // 409: another LCM operation in progress; retry until the deadline.
        if ((err as { status?: number }).status === 409) return { done: false, last: (err as Error).message };
        throw err;
      }
    },
    { timeoutMs: Math.max(0, deadline - monoMs()), intervalMs: opts.intervalMs, what: 'terminate accepted' },
  );
  if (op)
    await waitForLcmOperation(vnfm, op, {
      timeoutMs: Math.max(1, deadline - monoMs()),
      intervalMs: opts.intervalMs,
      what: 'VNF termination',
    });
}
