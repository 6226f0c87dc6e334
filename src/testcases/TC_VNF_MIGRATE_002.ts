/**
 * TC_VNF_MIGRATE_002 - Migration of virtual resource with live migration set
 * under traffic load. `../shared/spec/TC_VNF_MIGRATE_002.txt`, step by step.
 */
import type { TestCaseDefinition } from '../runner/step.js';
import type { MigrateContext } from './migrate/context.js';
import * as d from './migrate/step-defs.js';
import { concludeMigrate } from './migrate/verdict/verdict.js';
import { migrateProgress } from './migrate/progress.js';

export const TC_VNF_MIGRATE_002: TestCaseDefinition<MigrateContext> = {
  id: 'TC_VNF_MIGRATE_002',
  title: 'Migration of virtual resource with live migration set under traffic load',
  inputs: d.MIGRATE_INPUTS,
  defaultInput: { vnfdId: 'vnfd-vnflab-udp-fwd' },
  conclude: concludeMigrate,
  progress: migrateProgress,
  steps: d.numbered([
    d.INSTANTIATE, // 1
    d.VALIDATE_INACTIVE, // 2
    d.START, // 3
    d.VALIDATE_ACTIVE, // 4
    d.VERIFY_LIVE, // 5
    d.GENERATE_LOW_LOAD, // 6
    d.TRAFFIC_BEFORE, // 7
    d.TRIGGER, // 8
    d.VALIDATE_MIGRATED, // 9
    d.TRAFFIC_AFTER, // 10
    d.DISRUPTION, // 11 (before the traffic stops)
    d.STOP_TRAFFIC, // 12
    d.TERMINATE, // 13
  ]),
};
