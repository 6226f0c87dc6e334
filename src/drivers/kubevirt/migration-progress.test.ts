import { describe, expect, it } from 'vitest';
import { progressOfLegs } from './migration-progress.js';
import { migrationStateSchema, vmimSchema } from './resources.js';

/** A VMIM as KubeVirt serves it (kubevirt.io/v1 VirtualMachineInstanceMigrationStatus field names). */
const vmim = (phase: string | undefined) =>
  vmimSchema.parse({
    apiVersion: 'kubevirt.io/v1',
    kind: 'VirtualMachineInstanceMigration',
    metadata: { name: 'vnfc-migration-abcde', namespace: 'default', uid: 'a1b2' },
    spec: { vmiName: 'vnfc' },
    status:
      phase === undefined
        ? {}
        : {
            phase,
            phaseTransitionTimestamps: [
              { phase: 'Pending', phaseTransitionTimestamp: '2026-12-07T10:00:00Z' },
              { phase, phaseTransitionTimestamp: '2026-12-07T10:00:04Z' },
            ],
          },
  });
const running = migrationStateSchema.parse({
  migrationUid: 'a1b2',
  sourceNode: 'node01',
  targetNode: 'node02',
  startTimestamp: '2026-12-07T10:00:04Z',
  mode: 'PreCopy',
});

describe('progressOfLegs (KubeVirt VMIM status)', () => {
  it("says the VMIM's phase, with the copy mode once it runs", () => {
    expect(progressOfLegs([{ vmim: vmim('Scheduling'), state: null }])).toEqual({ phase: 'Scheduling' });
    expect(progressOfLegs([{ vmim: vmim('TargetReady'), state: running }])).toEqual({ phase: 'TargetReady' });
    expect(progressOfLegs([{ vmim: vmim('Running'), state: running }])).toEqual({
      phase: 'Running (PreCopy)',
    });
  });

  it('gives no percent: the API shows no bytes copied', () => {
    expect(progressOfLegs([{ vmim: vmim('Running'), state: running }])).not.toHaveProperty('percent');
  });

  it('is null while a leg has no phase yet or its VMIM is gone, and joins distinct phases of several legs', () => {
    expect(progressOfLegs([{ vmim: vmim(undefined), state: null }])).toBeNull();
    expect(progressOfLegs([{ vmim: null, state: running }])).toBeNull();
    expect(progressOfLegs([])).toBeNull();
    expect(
      progressOfLegs([
        { vmim: vmim('Running'), state: null },
        { vmim: vmim('Scheduled'), state: null },
        { vmim: vmim('Running'), state: null },
      ]),
    ).toEqual({ phase: 'Running/Scheduled' });
  });
});
