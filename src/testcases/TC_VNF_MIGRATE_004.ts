/**
 * TC_VNF_MIGRATE_004 - Migration of virtual resource with offline migration
 * set under traffic load: the VNF is deactivated for the move, so the
 * disruption is long and is measured after the traffic stops (step 12).
 * `../shared/spec/TC_VNF_MIGRATE_004.txt`.
 */
import type { TestCaseDefinition } from '../runner/step.js';
import type { MigrateContext } from './migrate/context.js';
import * as d from './migrate/step-defs.js';
import { concludeMigrate } from './migrate/verdict/verdict.js';
import { migrateProgress } from './migrate/progress.js';

export const TC_VNF_MIGRATE_004: TestCaseDefinition<MigrateContext> = {
  id: 'TC_VNF_MIGRATE_004',
  title: 'Migration of virtual resource with offline migration set under traffic load',
  inputs: d.MIGRATE_INPUTS,
  // The lab VNFD with an SR-IOV NIC: it supports offline migration only.
  defaultInput: { vnfdId: 'vnfd-vnflab-udp-fwd-sriov' },
  conclude: concludeMigrate,
  progress: migrateProgress,
  steps: d.numbered([
    d.INSTANTIATE, // 1
    d.VALIDATE_INACTIVE, // 2
    d.START, // 3
    d.VALIDATE_ACTIVE, // 4
    d.VERIFY_OFFLINE, // 5
    d.GENERATE_LOW_LOAD, // 6
    d.TRAFFIC_BEFORE, // 7
    d.TRIGGER, // 8
    d.VALIDATE_MIGRATED, // 9
    d.TRAFFIC_AFTER, // 10
    d.STOP_TRAFFIC, // 11
    d.DISRUPTION, // 12 (after the traffic stopped)
    d.TERMINATE, // 13
  ]),
};
