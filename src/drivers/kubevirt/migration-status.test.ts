import { describe, expect, it } from 'vitest';
import type { Leg } from './migration-handle.js';
import { combineStatuses, legStatus, stateOf } from './migration-status.js';
import type { MigrationState, Vmi, Vmim } from './resources.js';

const leg: Leg = { namespace: 'ns', vmiName: 'vm1', vmimName: 'mig1', vmimUid: 'uid-1' };

function vmi(nodeName: string, migrationState?: MigrationState): Vmi {
  return {
    metadata: { name: 'vm1' },
    status: { phase: 'Running', nodeName, ...(migrationState === undefined ? {} : { migrationState }) },
  };
}
function vmim(phase: string, extra: Partial<Vmim['status']> = {}): Vmim {
  return { metadata: { name: 'mig1', uid: 'uid-1' }, spec: { vmiName: 'vm1' }, status: { phase, ...extra } };
}
const done: MigrationState = {
  migrationUid: 'uid-1',
  sourceNode: 'a',
  targetNode: 'b',
  completed: true,
  failed: false,
};

describe('legStatus', () => {
  it.each(['', 'Pending', 'Scheduling', 'Scheduled', 'PreparingTarget', 'TargetReady', 'Running'])(
    'VMIM phase %j is IN_PROGRESS',
    (phase) => {
      expect(legStatus(leg, vmi('a'), vmim(phase))).toEqual({ state: 'IN_PROGRESS' });
    },
  );

  it('Succeeded with the VMI on the target node is COMPLETED; while nodeName lags, IN_PROGRESS', () => {
    expect(legStatus(leg, vmi('b', done), vmim('Succeeded'))).toEqual({ state: 'COMPLETED' });
    expect(legStatus(leg, vmi('a', done), vmim('Succeeded'))).toEqual({ state: 'IN_PROGRESS' });
  });

  it('Failed carries failureReason, else the VMIM condition message', () => {
    const failed = { ...done, failed: true, failureReason: 'target virt-launcher OOMKilled' };
    expect(legStatus(leg, vmi('a', failed), vmim('Failed'))).toEqual({
      state: 'FAILED',
      reason: 'migration mig1 of VMI ns/vm1 failed: target virt-launcher OOMKilled',
    });
    const withCondition = vmim('Failed', {
      conditions: [{ type: 'Failed', status: 'True', message: 'migration timed out' }],
    });
    expect(legStatus(leg, vmi('a'), withCondition)).toMatchObject({
      state: 'FAILED',
      reason: expect.stringContaining('migration timed out') as string,
    });
  });

  it('an abort is reported as aborted, with the abort status', () => {
    const aborted = { ...done, failed: true, abortRequested: true, abortStatus: 'Succeeded' };
    expect(legStatus(leg, vmi('a', aborted), null)).toEqual({
      state: 'FAILED',
      reason: 'migration mig1 of VMI ns/vm1 aborted (VMIM deleted; abortStatus Succeeded)',
    });
  });

  it('VMIM gone: COMPLETED from the VMI state of its uid; cancelled without one', () => {
    expect(legStatus(leg, vmi('b', done), null)).toEqual({ state: 'COMPLETED' });
    expect(legStatus(leg, vmi('a', { ...done, migrationUid: 'another' }), null)).toMatchObject({
      state: 'FAILED',
      reason: expect.stringContaining('cancelled') as string,
    });
    expect(legStatus(leg, null, null)).toMatchObject({ state: 'FAILED' });
  });

  it("a later migration's state on the VMI is not taken for this one; the VMIM's own state is", () => {
    const own = { ...done, migrationUid: 'uid-1', sourceNode: 'x' };
    expect(
      stateOf(leg, vmi('b', { ...done, migrationUid: 'later' }), vmim('Succeeded', { migrationState: own })),
    ).toEqual(own);
    expect(stateOf(leg, vmi('b', { ...done, migrationUid: 'later' }), vmim('Succeeded'))).toBeNull();
  });
});

describe('combineStatuses', () => {
  it('FAILED wins, COMPLETED needs all, else IN_PROGRESS', () => {
    const f = { state: 'FAILED', reason: 'x' } as const;
    expect(combineStatuses([{ state: 'COMPLETED' }, f, { state: 'IN_PROGRESS' }])).toEqual(f);
    expect(combineStatuses([{ state: 'COMPLETED' }, { state: 'IN_PROGRESS' }])).toEqual({
      state: 'IN_PROGRESS',
    });
    expect(combineStatuses([{ state: 'COMPLETED' }, { state: 'COMPLETED' }])).toEqual({ state: 'COMPLETED' });
    expect(combineStatuses([])).toEqual({ state: 'IN_PROGRESS' });
  });
});
