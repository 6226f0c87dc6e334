/**
 * TC_VNF_MIGRATE_001 - Migration of virtual resource with live migration set
 * without traffic load: traffic is proven before the move, stopped for it,
 * and proven again after. `../shared/spec/TC_VNF_MIGRATE_001.txt`.
 */
import type { TestCaseDefinition } from '../runner/step.js';
import type { MigrateContext } from './migrate/context.js';
import * as d from './migrate/step-defs.js';
import { concludeMigrate } from './migrate/verdict/verdict.js';
import { migrateProgress } from './migrate/progress.js';

export const TC_VNF_MIGRATE_001: TestCaseDefinition<MigrateContext> = {
  id: 'TC_VNF_MIGRATE_001',
  title: 'Migration of virtual resource with live migration set without traffic load',
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
    d.STOP_TRAFFIC, // 8
    d.TRIGGER, // 9
    d.VALIDATE_MIGRATED, // 10
    d.GENERATE_LOW_LOAD, // 11
    d.TRAFFIC_AFTER, // 12
    d.STOP_TRAFFIC, // 13
    d.TERMINATE, // 14
  ]),
};
