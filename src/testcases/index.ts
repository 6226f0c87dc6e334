/** The test cases vnflab knows, by id (the CLI resolves names here). */
import type { TestCaseDefinition } from '../runner/step.js';
import type { MigrateContext } from './migrate/context.js';
import { TC_VNF_MIGRATE_001 } from './TC_VNF_MIGRATE_001.js';
import { TC_VNF_MIGRATE_002 } from './TC_VNF_MIGRATE_002.js';
import { TC_VNF_MIGRATE_003 } from './TC_VNF_MIGRATE_003.js';
import { TC_VNF_MIGRATE_004 } from './TC_VNF_MIGRATE_004.js';

export const TEST_CASES: Readonly<Record<string, TestCaseDefinition<MigrateContext>>> = {
  TC_VNF_MIGRATE_001,
  TC_VNF_MIGRATE_002,
  TC_VNF_MIGRATE_003,
  TC_VNF_MIGRATE_004,
};
