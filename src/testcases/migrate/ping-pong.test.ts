import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../util/errors.js';
import { TC_VNF_MIGRATE_001 } from '../TC_VNF_MIGRATE_001.js';
import { TC_VNF_MIGRATE_002 } from '../TC_VNF_MIGRATE_002.js';
import { TC_VNF_MIGRATE_004 } from '../TC_VNF_MIGRATE_004.js';
import { pingPong } from './ping-pong.js';

describe('pingPong', () => {
  it("repeats 002's move (steps 8-11) N times, each followed by recordMove, between the case's own steps", () => {
    const tc = pingPong(TC_VNF_MIGRATE_002, 3);
    const names = tc.steps.map((s) => s.run.name);
    const move = [
      'triggerMigration',
      'validateVnfHasMigrated',
      'validateTrafficAfterMigration',
      'determineServiceDisruption',
      'recordMove',
    ];
    expect(names).toEqual([
      ...TC_VNF_MIGRATE_002.steps.slice(0, 7).map((s) => s.run.name),
      ...move,
      ...move,
      ...move,
      'stopTraffic',
      'terminateVnfStep',
    ]);
    expect(tc.steps.map((s) => s.n)).toEqual(names.map((_, i) => i + 1));
    expect(tc.steps[7]?.title).toMatch(/^Trigger a migration .*\[move 1 of 3\]$/);
    expect(tc.steps[21]?.title).toBe('Record move 3 of 3 (its disruption on its own timeline)');
    expect(tc.id).toBe('TC_VNF_MIGRATE_002');
    // The case itself is unchanged.
    expect(TC_VNF_MIGRATE_002.steps).toHaveLength(13);
  });

  it('refuses the cases that do not measure a move under traffic right after it (001 moves without traffic, 004 measures after stopping it)', () => {
    expect(() => pingPong(TC_VNF_MIGRATE_001, 2)).toThrow(ConfigError);
    expect(() => pingPong(TC_VNF_MIGRATE_004, 2)).toThrow(
      /TC_VNF_MIGRATE_004 does not measure a move under traffic/,
    );
  });
});
