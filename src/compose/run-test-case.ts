/**
 * runTestCase: the library entry. Runs one test case end to end, always
 * writes result.json and the spec's log file, and always releases what it
 * acquired (VNF instance and record, traffic, lab processes).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { RunConfig, VnflabConfig } from '../config/schema.js';
import type { TcResult } from '../record/result.js';
import { HtmlReporter } from '../report/html.js';
import { JUnitReporter } from '../report/junit.js';
import { LogFileReporter } from '../report/log-file.js';
import { MultiReporter, type Reporter } from '../report/reporter.js';
import { ReporterLogger } from '../report/reporter-logger.js';
import type { CleanupStack } from '../runner/cleanup-stack.js';
import { execute } from '../runner/run.js';
import { TEST_CASES } from '../testcases/index.js';
import { migrateContext, newMigrateRecord } from '../testcases/migrate/setup.js';
import { ConfigError } from '../util/errors.js';
import { VNFLAB_VERSION } from '../util/version.js';
import { driverConfigs } from './driver-configs.js';
import { createEnvironment, type RunEnvironment } from './environment.js';
import { requireDriverPackages } from './registry.js';

export interface RunOptions {
  readonly config: VnflabConfig;
  /** Folder tcInput file paths are relative to (the config file's). Default: cwd. */
  readonly baseDir?: string;
  /** Where result.json and the log go. Default: results/<TESTCASE>-<timestamp>/. */
  readonly outDir?: string;
  readonly reporters?: readonly Reporter[];
  /** Abort (Ctrl-C): the run stops, cleans up, and is ABORTED. */
  readonly signal?: AbortSignal;
  /** Replace the drivers (tests inject fakes here). */
  readonly createEnvironment?: (
    config: VnflabConfig,
    cleanup: CleanupStack,
    baseDir: string,
  ) => Promise<RunEnvironment>;
}

export interface RunOutput {
  readonly result: TcResult;
  readonly outDir: string;
  readonly resultFile: string;
  readonly logFile: string;
}

export function defaultOutDir(testCase: string, now = new Date()): string {
  const ts = now.toISOString().replace(/[:]/g, '').replace(/\..+$/, 'Z');
  return join('results', `${testCase}-${ts}`);
}

export async function runTestCase(opts: RunOptions): Promise<RunOutput> {
  const testCase = TEST_CASES[opts.config.testCase];
  if (!testCase) {
    throw new ConfigError(
      `testCase '${opts.config.testCase}' is unknown: run 'vnflab list' for the known ones (${Object.keys(TEST_CASES).join(', ')})`,
    );
  }
  const config: RunConfig = {
    ...opts.config,
    tcInput: { ...opts.config.tcInput, vnfdId: opts.config.tcInput.vnfdId ?? testCase.defaultInput.vnfdId },
  };
  // Trigger 'em' ("triggered by EM"): the EM that asks the VNFM is the one managing the VNF (EM_VNF_SYSTEM).
  if (config.tcInput.triggerType === 'em' && !config.tcInput.emVnfSystem) {
    throw new ConfigError(
      "tcInput.triggerType 'em' needs tcInput.emVnfSystem: true (and emConfigFile): the EM that asks the VNFM must manage the VNF",
    );
  }
  if (config.tcInput.emVnfSystem && config.tcInput.emConfigFile === undefined) {
    throw new ConfigError(
      'tcInput.emConfigFile is required when tcInput.emVnfSystem is true: give the EM config file',
    );
  }
  const baseDir = opts.baseDir ?? process.cwd();
  // Driver settings the schema cannot check (a secret's environment variable
  // unset, drivers that cannot work together, an optional package the driver
  // needs not installed) are bad input too: exit 2, before any record is
  // written or process started.
  await requireDriverPackages(driverConfigs(config, baseDir));
  const outDir = resolve(opts.outDir ?? defaultOutDir(testCase.id));
  mkdirSync(outDir, { recursive: true });
  const resultFile = join(outDir, 'result.json');
  const logFile = join(outDir, `${testCase.id}.txt`);

  const reporter = new MultiReporter([
    new LogFileReporter(logFile, testCase.id),
    new JUnitReporter(join(outDir, 'junit.xml')),
    new HtmlReporter(join(outDir, 'report.html')),
    ...(opts.reporters ?? []),
  ]);
  const log = new ReporterLogger(reporter);
  const result = newMigrateRecord(testCase, config, VNFLAB_VERSION);
  const signal = opts.signal ?? new AbortController().signal;
  await execute({
    testCase,
    record: result,
    reporter,
    log,
    signal,
    saveRecord: () => writeFileSync(resultFile, `${JSON.stringify(result, null, 2)}\n`),
    setUp: async (cleanup) => {
      const env = await (opts.createEnvironment ?? createEnvironment)(config, cleanup, baseDir);
      const context = migrateContext({
        testCaseId: testCase.id,
        config,
        log,
        result,
        cleanup,
        signal,
        ports: env,
        baseDir,
      });
      return { context, description: env.description };
    },
  });
  return { result, outDir, resultFile, logFile };
}
