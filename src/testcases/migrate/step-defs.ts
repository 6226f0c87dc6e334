/**
 * The MIGRATE family's steps as the plan words them (title and the info line
 * its logger writes), bound to their step functions. Each case file lists
 * them in its own order; `numbered` gives them the case's step numbers.
 */
import type { StepDefinition } from '../../runner/step.js';
import type { MigrateContext } from './context.js';
import * as s from './steps.js';

type Step = Omit<StepDefinition<MigrateContext>, 'n'>;

const TRAFFIC_OK = 'Validate that traffic flows through without issues (--> no dropped packets)';
const TRAFFIC_OK_LOG = 'Validating traffic goes through (--> no dropped packets)';

export const INSTANTIATE: Step = {
  title: 'Instantiate VNF',
  logLine: 'Instantiating the VNF',
  run: s.instantiateVnf,
};
export const VALIDATE_INACTIVE: Step = {
  title: 'Validate VNF state is Inactive',
  logLine: "Validating VNF state is 'Inactive'",
  run: s.validateVnfStateIsInactive,
};
export const START: Step = { title: 'Start VNF', logLine: 'Starting VNF', run: s.startVnf };
export const VALIDATE_ACTIVE: Step = {
  title: 'Validate VNF state is Active',
  logLine: "Validating VNF state is 'Active'",
  run: s.validateVnfStateIsActive,
};
export const VERIFY_LIVE: Step = {
  title: 'Verify VNF supports live migration',
  logLine: 'Validating VNF supports live migration',
  run: s.verifyVnfSupportsLiveMigration,
};
export const VERIFY_OFFLINE: Step = {
  title: 'Verify VNF supports offline migration',
  logLine: 'Validating VNF supports offline migration',
  run: s.verifyVnfSupportsOfflineMigration,
};
export const GENERATE_LOW_LOAD: Step = {
  title: 'Generate low traffic load',
  logLine: 'Starting the low traffic load',
  run: s.generateLowTrafficLoad,
};
export const TRAFFIC_BEFORE: Step = {
  title: TRAFFIC_OK,
  logLine: TRAFFIC_OK_LOG,
  run: s.validateTrafficBeforeMigration,
};
export const TRAFFIC_AFTER: Step = {
  title: TRAFFIC_OK,
  logLine: TRAFFIC_OK_LOG,
  run: s.validateTrafficAfterMigration,
};
export const TRIGGER: Step = {
  title: 'Trigger a migration of the vResource by issuing a command to the VNFM (--> time stamp)',
  logLine: 'Triggering a migration of the vResource by issuing a command to the VNFM',
  run: s.triggerMigration,
};
export const VALIDATE_MIGRATED: Step = {
  title:
    'Validate VNF has migrated, the new vResource is been used and the older vResource is released (--> time stamp)',
  logLine: 'Validating VNF has migrated',
  run: s.validateVnfHasMigrated,
};
export const DISRUPTION: Step = {
  title: 'Determine the service disruption by packet drop calculation',
  logLine: 'Calculating the service disruption',
  run: s.determineServiceDisruption,
};
export const STOP_TRAFFIC: Step = {
  title: 'Stop Traffic',
  logLine: 'Stopping the traffic',
  run: s.stopTraffic,
};
export const TERMINATE: Step = {
  title: 'Terminate VNF',
  logLine: 'Terminating VNF',
  run: s.terminateVnfStep,
};

export function numbered(steps: readonly Step[]): StepDefinition<MigrateContext>[] {
  return steps.map((step, i) => ({ n: i + 1, ...step }));
}

/** The spec's inputs, shared by the family. */
export const MIGRATE_INPUTS = [
  'SwImageID',
  'triggerType',
  'vResourceType',
  'emConfigFile',
  'vnfConfigFile',
  'vnfLicenseFile',
  'trafficConfigParameter',
] as const;
