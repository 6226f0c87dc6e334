/**
 * runTestCase: the library entry. Runs one test case end to end, always
 * writes result.json and the spec's log file, and always releases what it
 * acquired (VNF instance and record, traffic, lab processes).
 */
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
import { pingPong } from '../testcases/migrate/ping-pong.js';
import { migrateContext, newMigrateRecord } from '../testcases/migrate/setup.js';
import { serialWriter, writeFileAtomic, type FileWriter } from '../util/atomic-write.js';
import { ConfigError } from '../util/errors.js';
import { VNFLAB_VERSION } from '../util/version.js';
import { driverConfigs } from './driver-configs.js';
import { checkEndpoints, endpointsOf } from './endpoints.js';
import { createEnvironment, usesEmbeddedLab, type RunEnvironment } from './environment.js';
import { checkInputFiles } from './input-files.js';
import { checkLabFaults, StepFaults } from './lab-faults.js';
import { checkOutDir, createDefaultOutDir, createOutDir } from './out-dir.js';
import { requireDriverPackages } from './registry.js';

export interface RunOptions {
  readonly config: VnflabConfig;
  /** Folder tcInput file paths are relative to (the config file's). Default: cwd. */
  readonly baseDir?: string;
  /** Where result.json and the log go. Default: a new folder in `resultsDir`, one per run. */
  readonly outDir?: string;
  /** Where the default results folders go: `<resultsDir>/<TESTCASE>-<UTC ms>-<random>/`. Default ./results. */
  readonly resultsDir?: string;
  readonly reporters?: readonly Reporter[];
  /** Abort (Ctrl-C): the run stops, cleans up, and is ABORTED. */
  readonly signal?: AbortSignal;
  /** Ping-pong: move the VNF back and forth this many times under continuous traffic (testcases/migrate/ping-pong.ts). */
  readonly pingPongMoves?: number;
  /**
   * How result.json, junit.xml and report.html are written (default:
   * atomically, writeFileAtomic). Tests inject a failing one (a full disk).
   */
  readonly writeFile?: FileWriter;
  /** Replace the drivers (tests inject fakes here); the config's endpoints are then not checked. */
  readonly createEnvironment?: (
    config: VnflabConfig,
    cleanup: CleanupStack,
    baseDir: string,
    signal: AbortSignal,
  ) => Promise<RunEnvironment>;
}

export interface RunOutput {
  readonly result: TcResult;
  readonly outDir: string;
  readonly resultFile: string;
  readonly logFile: string;
}

export async function runTestCase(opts: RunOptions): Promise<RunOutput> {
  const baseCase = TEST_CASES[opts.config.testCase];
  if (!baseCase) {
    throw new ConfigError(
      `testCase '${opts.config.testCase}' is unknown: run 'vnflab list' for the known ones (${Object.keys(TEST_CASES).join(', ')})`,
    );
  }
  const testCase = opts.pingPongMoves === undefined ? baseCase : pingPong(baseCase, opts.pingPongMoves);
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
  checkLabFaults(config, testCase.steps.length);
  const baseDir = opts.baseDir ?? process.cwd();
  if (opts.outDir !== undefined) checkOutDir(opts.outDir, 'outDir');
  // Driver settings the schema cannot check (a secret's environment variable
  // unset, drivers that cannot work together, an optional package a driver
  // needs not installed), the files the run reads and the systems it drives
  // are bad input too: exit 2, before any record is written or process
  // started.
  const drivers = driverConfigs(config, baseDir);
  await requireDriverPackages(drivers);
  await checkInputFiles(config, drivers, baseDir);
  // Injected drivers (tests) reach no endpoint of the config.
  if (opts.createEnvironment === undefined) await checkEndpoints(endpointsOf(drivers));
  // Only now, every input checked, is the results folder made.
  const outDir =
    opts.outDir !== undefined
      ? createOutDir(opts.outDir, 'outDir')
      : createDefaultOutDir(testCase.id, resolve(opts.resultsDir ?? 'results'));
  const resultFile = join(outDir, 'result.json');
  const logFile = join(outDir, `${testCase.id}.txt`);

  const write = opts.writeFile ?? writeFileAtomic;
  const stepFaults = new StepFaults(config.lab.faults);
  const reporter = new MultiReporter([
    stepFaults,
    new LogFileReporter(logFile, testCase.id),
    new JUnitReporter(join(outDir, 'junit.xml'), write),
    new HtmlReporter(join(outDir, 'report.html'), write),
    ...(opts.reporters ?? []),
  ]);
  const log = new ReporterLogger(reporter);
  const result = newMigrateRecord(testCase, config, VNFLAB_VERSION);
  const signal = opts.signal ?? new AbortController().signal;
  // Each save replaces result.json whole (never a truncated file), one at a time.
  const writeRecord = serialWriter(resultFile, write);
  await execute({
    testCase,
    record: result,
    reporter,
    log,
    signal,
    saveRecord: () => writeRecord(`${JSON.stringify(result, null, 2)}\n`),
    setUpTitle: usesEmbeddedLab(config) ? 'starting the embedded lab' : 'connecting to the VNFM and VIM',
    setUp: async (cleanup) => {
      const env = await (opts.createEnvironment ?? createEnvironment)(config, cleanup, baseDir, signal);
      if (env.strikeFault) stepFaults.attach(env.strikeFault, log);
      for (const note of env.notes ?? []) log.info(note);
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
