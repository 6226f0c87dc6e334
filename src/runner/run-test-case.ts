/**
 * runTestCase: the library entry. Runs one test case end to end, always
 * writes result.json and the spec's log file, and always releases what it
 * acquired (VNF instance and record, traffic, lab processes).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import type { RunConfig, VnflabConfig } from '../config/schema.js';
import { ConfigError } from '../config/errors.js';
import { HtmlReporter } from '../report/html.js';
import { JUnitReporter } from '../report/junit.js';
import { LogFileReporter } from '../report/log-file.js';
import { MultiReporter, type Reporter } from '../report/reporter.js';
import { ReporterLogger } from '../report/reporter-logger.js';
import { TEST_CASES } from '../testcases/index.js';
import { emptyMigrateState, type MigrateContext } from '../testcases/migrate-context.js';
import { recordTrafficTotals } from '../testcases/migrate-steps.js';
import { isoNow, monoMs } from '../util/clock.js';
import { CleanupStack } from './cleanup-stack.js';
import { driverConfigs } from '../compose/driver-configs.js';
import { createEnvironment, type RunEnvironment } from '../compose/environment.js';
import { RunAborted } from './errors.js';
import { emptyTimeRecord, emptyTrafficRecord, type TcResult } from '../record/result.js';
import { executeSteps, statusOf, stepRecords } from './step.js';

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

const VERSION = '0.1.0';

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
  // unset, drivers that cannot work together) are bad input too: exit 2,
  // before any record is written or process started.
  driverConfigs(config, baseDir);
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

  const t0 = monoMs();
  const result: TcResult = {
    testCase: testCase.id,
    title: testCase.title,
    overallStatus: 'ERROR',
    failure: null,
    startedAt: isoNow(),
    endedAt: null,
    durationMs: null,
    tcInput: { ...config.tcInput, trafficConfigParameter: config.traffic },
    environment: { vnflab: VERSION, node: process.version, platform: `${process.platform}-${process.arch}` },
    steps: stepRecords(testCase as never),
    timeRecord: emptyTimeRecord(),
    resourceList: { initialVnfd: null, activeResource: null, afterMigration: null, released: null },
    traffic: emptyTrafficRecord(),
    migration: {
      migrationType: null,
      migrationTypeReason: null,
      vResourceType: config.tcInput.vResourceType,
      triggerType: config.tcInput.triggerType,
      initiatedBy: null,
      migrationId: null,
    },
    cleanup: [],
    vnfInstanceId: null,
  };
  const writeResult = (): void => writeFileSync(resultFile, `${JSON.stringify(result, null, 2)}\n`);
  writeResult();
  await reporter.onRunStart(result);
  log.info(`Starting ${testCase.id}`);

  const cleanup = new CleanupStack();
  const signal = opts.signal ?? new AbortController().signal;
  try {
    const env = await (opts.createEnvironment ?? createEnvironment)(config, cleanup, baseDir);
    // The steps get the environment's ports and instantiation params; its description goes to the record.
    const { description, ...fromEnv } = env;
    Object.assign(result.environment, description);
    writeResult();
    if (signal.aborted) throw new RunAborted('run interrupted');
    const ctx: MigrateContext = {
      testCaseId: testCase.id,
      config,
      log,
      result,
      cleanup,
      signal,
      ...fromEnv,
      recordTrafficTotals: (totals) => recordTrafficTotals(ctx, totals),
      resolveFile: (p) => (isAbsolute(p) ? p : resolve(baseDir, p)),
      state: emptyMigrateState(),
    };
    result.overallStatus = await executeSteps(testCase, ctx, result, reporter, log, signal);
  } catch (err) {
    // The environment could not be set up (or a bug): no step ran to blame.
    result.overallStatus = statusOf(err) === 'ABORTED' ? 'ABORTED' : 'ERROR';
    result.failure = { step: null, message: (err as Error).message };
    log.error(`${testCase.id} - Execution completed with errors - ${(err as Error).message}`);
  } finally {
    const records = await cleanup.unwind();
    for (const r of records) {
      if (r.status === 'FAILED') log.error(`cleanup '${r.name}' failed: ${r.message ?? ''}`);
    }
    result.cleanup = [...cleanup.records];
    result.endedAt = isoNow();
    result.durationMs = monoMs() - t0;
    writeResult();
    await log.close();
    await reporter.onRunEnd(result);
  }
  return { result, outDir, resultFile, logFile };
}
