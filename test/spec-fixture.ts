/**
 * The MIGRATE family's steps and inputs in the plan's own words
 * (../shared/spec/TC_VNF_MIGRATE_00x.txt, "Sequence:" and "Input:"), shared by
 * the `vnflab list` unit test and the CLI end-to-end test so both check
 * against the spec rather than against each other.
 */
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

export const MIGRATE_STEP_TITLES: Record<string, string[]> = {
  TC_VNF_MIGRATE_001: LIVE_OR_OFFLINE_WITHOUT_TRAFFIC('live'),
  TC_VNF_MIGRATE_002: UNDER_TRAFFIC('live'),
  TC_VNF_MIGRATE_003: LIVE_OR_OFFLINE_WITHOUT_TRAFFIC('offline'),
  TC_VNF_MIGRATE_004: UNDER_TRAFFIC('offline'),
};

// The pseudo-code's "Input:" list, the same for the family.
export const MIGRATE_INPUTS = [
  'SwImageID',
  'triggerType',
  'vResourceType',
  'emConfigFile',
  'vnfConfigFile',
  'vnfLicenseFile',
  'trafficConfigParameter',
];
