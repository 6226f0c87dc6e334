/**
 * vnflab as a library: `import { runTestCase, parseConfig } from 'vnflab'`.
 * Everything the CLI does is callable from here.
 */
export { runTestCase, type RunOptions, type RunOutput } from './compose/run-test-case.js';
export { createDefaultOutDir } from './compose/out-dir.js';
export { RESULT_SCHEMA_VERSION } from './record/result.js';
export { jsonSchema, type SchemaName } from './commands/schema.js';
export type {
  TcResult,
  StepRecord,
  TimeRecord,
  TrafficRecord,
  MigrationRecord,
  OverallStatus,
} from './record/result.js';
export { parseConfig, loadConfig } from './config/load.js';
export { configSchema, type VnflabConfig, type ConfigInput } from './config/schema.js';
export { ConfigError, OptionalDependencyMissing, VnflabBugError, VnflabError } from './util/errors.js';
export { listTestCases } from './commands/list.js';
export { TEST_CASES } from './testcases/index.js';
export { startLab, type LabInfo, type RunningLab } from './lab/lab.js';
export type { Reporter } from './report/reporter.js';
export type * from './ports/vnfm.js';
export type * from './ports/migrator.js';
export type * from './ports/traffic.js';
export type * from './ports/element-manager.js';
export type * from './ports/vnf-configurator.js';
export type * from './ports/logger.js';
