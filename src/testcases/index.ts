/** The test cases vnflab knows, by id (the CLI resolves names here). */
import type { TestCaseDefinition } from '../runner/step.js';
import type { MigrateContext } from './migrate-context.js';
import { TC_VNF_MIGRATE_002 } from './TC_VNF_MIGRATE_002.js';

export const TEST_CASES: Readonly<Record<string, TestCaseDefinition<MigrateContext>>> = {
  TC_VNF_MIGRATE_002,
};
