import { describe, expect, it } from 'vitest';
import { combineDecisions, migrationTypeOfVmi } from './migration-type.js';
import type { Vmi } from './resources.js';

function vmi(status: Vmi['status'], owner?: string): Vmi {
  return {
    metadata: {
      name: 'v',
      ...(owner === undefined ? {} : { ownerReferences: [{ kind: 'VirtualMachine', name: owner }] }),
    },
    status,
  };
}
const live = { type: 'LiveMigratable', status: 'True' };

describe('migrationTypeOfVmi', () => {
  it('LIVE_MIGRATION for a Running VMI with LiveMigratable=True, naming the migration method', () => {
    expect(
      migrationTypeOfVmi(
        'ns/v',
        vmi({ phase: 'Running', conditions: [live], migrationMethod: 'BlockMigration' }),
      ),
    ).toEqual({
      type: 'LIVE_MIGRATION',
      reason: 'VMI ns/v: LiveMigratable=True, migrationMethod BlockMigration',
    });
  });

  it('NONE, never OFFLINE, for LiveMigratable=False, with the reason and message', () => {
    const d = migrationTypeOfVmi(
      'ns/v',
      vmi(
        {
          phase: 'Running',
          conditions: [
            {
              type: 'LiveMigratable',
              status: 'False',
              reason: 'InterfaceNotLiveMigratable',
              message: 'SR-IOV NIC',
            },
          ],
        },
        'vm-1',
      ),
    );
    expect(d.type).toBe('NONE');
    expect(d.reason).toContain('InterfaceNotLiveMigratable: SR-IOV NIC');
    expect(d.reason).toContain('no offline migration');
    expect(d.reason).toContain('VirtualMachine vm-1');
  });

  it('NONE without the condition, for a VMI that is not Running, and for a missing VMI', () => {
    expect(migrationTypeOfVmi('v', vmi({ phase: 'Running', conditions: [] })).type).toBe('NONE');
    expect(migrationTypeOfVmi('v', vmi({ phase: 'Scheduled', conditions: [live] })).reason).toContain(
      'Scheduled',
    );
    expect(migrationTypeOfVmi('v', null)).toEqual({ type: 'NONE', reason: 'VMI v does not exist' });
  });

  it('several VMIs: LIVE only when all are', () => {
    const l = { type: 'LIVE_MIGRATION', reason: 'a' } as const;
    const n = { type: 'NONE', reason: 'b' } as const;
    expect(combineDecisions([l, l])).toEqual({ type: 'LIVE_MIGRATION', reason: 'a; a' });
    expect(combineDecisions([l, n])).toEqual(n);
    expect(combineDecisions([]).type).toBe('NONE');
  });
});
