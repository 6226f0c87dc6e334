/**
 * TC_VNF_MIGRATE_002 - Migration of virtual resource with live migration set
 * under traffic load. `../shared/spec/TC_VNF_MIGRATE_002.txt`, step by step.
 */
import type { TestCaseDefinition } from '../runner/step.js';
import type { MigrateContext } from './migrate-context.js';
import * as s from './migrate-steps.js';

export const TC_VNF_MIGRATE_002: TestCaseDefinition<MigrateContext> = {
  id: 'TC_VNF_MIGRATE_002',
  title: 'Migration of virtual resource with live migration set under traffic load',
  inputs: [
    'SwImageID',
    'triggerType',
    'vResourceType',
    'emConfigFile',
    'vnfConfigFile',
    'vnfLicenseFile',
    'trafficConfigParameter',
  ],
  steps: [
    { n: 1, title: 'Instantiate VNF', logLine: 'Instantiating the VNF', run: s.instantiateVnf },
    {
      n: 2,
      title: 'Validate VNF state is Inactive',
      logLine: "Validating VNF state is 'Inactive'",
      run: s.validateVnfStateIsInactive,
    },
    { n: 3, title: 'Start VNF', logLine: 'Starting VNF', run: s.startVnf },
    {
      n: 4,
      title: 'Validate VNF state is Active',
      logLine: "Validating VNF state is 'Active'",
      run: s.validateVnfStateIsActive,
    },
    {
      n: 5,
      title: 'Verify VNF supports live migration',
      logLine: 'Validating VNF supports live migration',
      run: s.verifyVnfSupportsLiveMigration,
    },
    {
      n: 6,
      title: 'Generate low traffic load',
      logLine: 'Starting the low traffic load',
      run: s.generateLowTrafficLoad,
    },
    {
      n: 7,
      title: 'Validate that traffic flows through without issues (--> no dropped packets)',
      logLine: 'Validating traffic goes through (--> no dropped packets)',
      run: s.validateTrafficBeforeMigration,
    },
    {
      n: 8,
      title: 'Trigger a migration of the vResource by issuing a command to the VNFM (--> time stamp)',
      logLine: 'Triggering a migration of the vResource by issuing a command to the VNFM',
      run: s.triggerMigration,
    },
    {
      n: 9,
      title:
        'Validate VNF has migrated, the new vResource is been used and the older vResource is released (--> time stamp)',
      logLine: 'Validating VNF has migrated',
      run: s.validateVnfHasMigrated,
    },
    {
      n: 10,
      title: 'Validate that traffic flows through without issues (--> no dropped packets)',
      logLine: 'Validating traffic goes through (--> no dropped packets)',
      run: s.validateTrafficAfterMigration,
    },
    {
      n: 11,
      title: 'Determine the service disruption by packet drop calculation',
      logLine: 'Calculating the service disruption',
      run: s.determineServiceDisruption,
    },
    { n: 12, title: 'Stop Traffic', logLine: 'Stopping the traffic', run: s.stopTraffic },
    { n: 13, title: 'Terminate VNF', logLine: 'Terminating VNF', run: s.terminateVnfStep },
  ],
};
