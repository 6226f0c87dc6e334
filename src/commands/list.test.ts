import { describe, expect, it } from 'vitest';
import { formatListing, listTestCases } from './list.js';

// The sequences of ../shared/spec/TC_VNF_MIGRATE_00x.txt ("Sequence:"), as the plan words them.
const LIVE_OR_OFFLINE_WITHOUT_TRAFFIC = (kind: 'live' | 'offline'): string[] => [
  'Instantiate VNF',
  'Validate VNF state is Inactive',
  'Start VNF',
  'Validate VNF state is Active',
  `Verify VNF supports ${kind} migration`,
  'Generate low traffic load',
  'Validate that traffic flows through without issues (--> no dropped packets)',
  'Stop Traffic',
  'Trigger a migration of the vResource by issuing a command to the VNFM (--> time stamp)',
  'Validate VNF has migrated, the new vResource is been used and the older vResource is released (--> time stamp)',
  'Generate low traffic load',
  'Validate that traffic flows through without issues (--> no dropped packets)',
  'Stop Traffic',
  'Terminate VNF',
];
const UNDER_TRAFFIC = (kind: 'live' | 'offline'): string[] => {
  const head = LIVE_OR_OFFLINE_WITHOUT_TRAFFIC(kind).slice(0, 7);
  const move = [
    'Trigger a migration of the vResource by issuing a command to the VNFM (--> time stamp)',
    'Validate VNF has migrated, the new vResource is been used and the older vResource is released (--> time stamp)',
    'Validate that traffic flows through without issues (--> no dropped packets)',
  ];
  const disruption = 'Determine the service disruption by packet drop calculation';
  // 002 determines the disruption before stopping the traffic, 004 after (steps 11 / 12).
  const tail =
    kind === 'live'
      ? [disruption, 'Stop Traffic', 'Terminate VNF']
      : ['Stop Traffic', disruption, 'Terminate VNF'];
  return [...head, ...move, ...tail];
};

const EXPECTED: Record<string, string[]> = {
  TC_VNF_MIGRATE_001: LIVE_OR_OFFLINE_WITHOUT_TRAFFIC('live'),
  TC_VNF_MIGRATE_002: UNDER_TRAFFIC('live'),
  TC_VNF_MIGRATE_003: LIVE_OR_OFFLINE_WITHOUT_TRAFFIC('offline'),
  TC_VNF_MIGRATE_004: UNDER_TRAFFIC('offline'),
};

// The pseudo-code's "Input:" list, the same for the family.
const INPUTS = [
  'SwImageID',
  'triggerType',
  'vResourceType',
  'emConfigFile',
  'vnfConfigFile',
  'vnfLicenseFile',
  'trafficConfigParameter',
];

describe('vnflab list', () => {
  it("lists every MIGRATE case with the spec's steps, in order and numbered, and its inputs", () => {
    const list = listTestCases();
    expect(list.map((tc) => tc.id)).toEqual(Object.keys(EXPECTED));
    for (const tc of list) {
      expect(tc.steps.map((s) => s.title)).toEqual(EXPECTED[tc.id]);
      expect(tc.steps.map((s) => s.n)).toEqual(EXPECTED[tc.id]?.map((_, i) => i + 1));
      expect(tc.steps.every((s) => s.function !== '')).toBe(true);
      expect(tc.inputs).toEqual(INPUTS);
    }
  });

  it('prints each case, its inputs, and each step with the function that runs it', () => {
    const list = listTestCases();
    const text = formatListing(list);
    for (const tc of list) {
      expect(text).toContain(`${tc.id}  ${tc.title}\n  inputs: ${INPUTS.join(', ')}`);
      for (const s of tc.steps)
        expect(text).toContain(`${String(s.n).padStart(2)}. ${s.title}  [${s.function}]`);
    }
    expect(text).toContain(' 9. Trigger a migration of the vResource');
    expect(text).toContain(
      '12. Determine the service disruption by packet drop calculation  [determineServiceDisruption]',
    );
  });
});
