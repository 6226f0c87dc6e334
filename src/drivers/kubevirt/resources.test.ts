import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { migrationStateSchema, timeMs, vmimSchema, vmiSchema } from './resources.js';

/** KubeVirt's API round-trip fixture: every VMI field set to a placeholder. */
const roundtrip = JSON.parse(
  readFileSync(
    new URL('../../../test/fakes/kubevirt/VirtualMachineInstance.roundtrip.json', import.meta.url),
    'utf8',
  ),
) as { status: { migrationState: Record<string, unknown> } };

describe("KubeVirt's VMI shape", () => {
  it('the round-trip fixture parses, and the fields the driver reads are where KubeVirt puts them', () => {
    const vmi = vmiSchema.parse(roundtrip);
    expect(vmi.status.migrationState).toMatchObject({
      startTimestamp: '1986-01-01T01:01:01Z',
      endTimestamp: '1988-01-01T01:01:01Z',
      sourceNode: 'sourceNodeValue',
      targetNode: 'targetNodeValue',
      sourcePod: 'sourcePodValue',
      targetPod: 'targetPodValue',
      completed: true,
      failed: true,
      abortRequested: true,
      abortStatus: 'abortStatusValue',
      failureReason: 'failureReasonValue',
      migrationUid: 'migrationUidValue',
      mode: 'modeValue',
    });
    expect(vmi.status.migrationMethod).toBe('migrationMethodValue');
    expect(vmi.status.nodeName).toBe('nodeNameValue');
    expect(vmi.status.phase).toBe('phaseValue');
    expect(vmi.status.conditions?.[0]).toEqual({
      type: 'typeValue',
      status: 'statusValue',
      reason: 'reasonValue',
      message: 'messageValue',
    });
  });

  it('declares only fields the fixture has (no misspelt field silently optional)', () => {
    const declared = Object.keys(migrationStateSchema.shape);
    expect(declared.filter((k) => !(k in roundtrip.status.migrationState))).toEqual([]);
  });

  it('a VMIM as the API returns it right after creation (no status yet) parses', () => {
    const vmim = vmimSchema.parse({
      apiVersion: 'kubevirt.io/v1',
      kind: 'VirtualMachineInstanceMigration',
      metadata: { name: 'm', namespace: 'ns', uid: 'u' },
      spec: { vmiName: 'v' },
    });
    expect(vmim.status).toEqual({});
  });

  it('timeMs: metav1.Time to epoch ms, null when absent', () => {
    expect(timeMs('1988-01-01T01:01:01Z')).toBe(Date.UTC(1988, 0, 1, 1, 1, 1));
    expect(timeMs(undefined)).toBeNull();
    expect(timeMs(null)).toBeNull();
    expect(timeMs('not a time')).toBeNull();
  });
});
