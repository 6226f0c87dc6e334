/**
 * `vnflab run`: turn CLI options into a validated config and run the case.
 * Flags override the config file; every bad value is a ConfigError naming
 * the flag or field.
 */
import { dirname, resolve } from 'node:path';
import { ConfigError } from '../util/errors.js';
import { loadConfig } from '../config/load.js';
import type { VnflabConfig } from '../config/schema.js';
import type { Reporter } from '../report/reporter.js';
import { checkOutDir } from '../compose/out-dir.js';
import { runTestCase, type RunOutput } from '../compose/run-test-case.js';
import { driverConfigs } from '../compose/driver-configs.js';
import { requireDriverPackages } from '../compose/registry.js';
import { parseLabFault } from '../lab/faults.js';
import { trialEntry } from '../record/trials.js';
import { openRunHistory, resolveBaselineCriterion } from './history.js';

/**
 * The spec's timeouts on the QEMU lab, at least. Its guest runs under TCG
 * (no usable KVM here): it boots in 5-7 s alone but much slower on a loaded
 * 2-core machine (the lab waits up to 120 s for it, inside instantiation or
 * start), and QEMU may take up to 120 s before it cancels a migration. A
 * longer timeout from the config is kept.
 */
export const QEMU_LAB_MIN_TIMEOUTS = {
  maxVnfInstantiationTimeMs: 180_000,
  maxVnfActivateTimeMs: 180_000,
  maxMigrationTimeMs: 180_000,
  maxVnfTerminateTimeMs: 90_000,
} as const;

/**
 * The QEMU lab's load levels where the config sets none. Its guest forwards
 * under TCG: with QEMU 10 at 10 000 packets/s (the process lab's LOW) it
 * queued 80-180 ms and lost packets in pre-copy, FAIL or INCONCLUSIVE on a
 * quiet machine; at 2 000/s 4 of 4 runs passed with no loss outside the
 * switch-over (docs/qemu-lab.md, "Load levels"). traffic.loadLevels or
 * --rate set others.
 */
export const QEMU_LAB_LOAD_LEVELS = { LOW: 2_000, NORMAL: 3_000, MAX: 5_000 } as const;

/** The run drives the embedded lab, and the lab runs QEMU guests. */
const usesQemuLab = (config: VnflabConfig): boolean =>
  config.lab.hypervisor === 'qemu' && (config.vnfm.driver === 'lab' || config.migrator.driver === 'lab');

export interface RunCommandOptions {
  readonly testCase: string;
  readonly config?: string;
  readonly out?: string;
  readonly rate?: string;
  readonly resource?: string;
  readonly trigger?: string;
  readonly vnfd?: string;
  readonly vnfConfig?: string;
  readonly license?: string;
  readonly emConfig?: string;
  /** The embedded lab's hypervisor (`--lab process|qemu`): lab.hypervisor. */
  readonly lab?: string;
  /** `--lab-fault SPEC`, repeatable: appended to lab.faults (docs/faults.md). */
  readonly labFaults?: readonly string[];
  /** Criteria flags (`--max-*-ms`): override the config's `criteria`. */
  readonly maxDisruptionMs?: string;
  readonly maxSwitchoverMs?: string;
  readonly maxMigrationMs?: string;
  readonly maxLatencyMs?: string;
  /** `--baseline [TAG]`: judge the disruption against the case's recorded baseline (criteria.baseline). */
  readonly baseline?: string;
  /** `--ping-pong N`: move the VNF back and forth N times (2..100) under continuous traffic. */
  readonly pingPong?: string;
  /** The history database file; null: do not record (--no-history); absent: not recorded either (library use). */
  readonly historyDb?: string | null;
  readonly reporters?: readonly Reporter[];
  readonly signal?: AbortSignal;
}

export function parsePingPong(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 2 || n > 100)
    throw new ConfigError(
      `--ping-pong '${text}': give a whole number of moves from 2 to 100, e.g. --ping-pong 6`,
    );
  return n;
}

/** Build the config the run will use (exported for tests and `--dry-run`-like use). */
export async function resolveRunConfig(opts: RunCommandOptions): Promise<VnflabConfig> {
  const tcInput: Record<string, unknown> = {};
  if (opts.resource !== undefined) tcInput.vResourceType = opts.resource;
  if (opts.trigger !== undefined) tcInput.triggerType = opts.trigger;
  if (opts.vnfd !== undefined) tcInput.vnfdId = opts.vnfd;
  // Paths given on the command line are relative to the current directory.
  if (opts.vnfConfig !== undefined) tcInput.vnfConfigFile = resolve(opts.vnfConfig);
  if (opts.license !== undefined) tcInput.vnfLicenseFile = resolve(opts.license);
  if (opts.emConfig !== undefined) {
    tcInput.emConfigFile = resolve(opts.emConfig);
    tcInput.emVnfSystem = true;
  }
  const criteria: Record<string, unknown> = {};
  const limit = (flag: string, field: string, text: string | undefined): void => {
    if (text === undefined) return;
    const ms = Number(text);
    if (!Number.isFinite(ms) || ms <= 0)
      throw new ConfigError(`${flag} '${text}': give a positive number of milliseconds, e.g. ${flag} 50`);
    criteria[field] = ms;
  };
  limit('--max-disruption-ms', 'maxServiceDisruptionMs', opts.maxDisruptionMs);
  limit('--max-switchover-ms', 'maxSwitchOverMs', opts.maxSwitchoverMs);
  limit('--max-migration-ms', 'maxMigrationTimeMs', opts.maxMigrationMs);
  limit('--max-latency-ms', 'maxLatencyP99Ms', opts.maxLatencyMs);
  // --baseline [TAG]: the tag only; the file's factor and cap, if any, stay (a deep merge).
  if (opts.baseline !== undefined)
    criteria['baseline'] = { tag: opts.baseline === '' ? 'default' : opts.baseline };
  const labFaults = opts.labFaults ?? [];
  for (const spec of labFaults) {
    const parsed = parseLabFault(spec);
    if (typeof parsed === 'string') throw new ConfigError(`--lab-fault ${parsed} (docs/faults.md)`);
  }
  const config = await loadConfig({
    ...(opts.config !== undefined ? { file: opts.config } : {}),
    overrides: {
      testCase: opts.testCase,
      tcInput,
      ...(Object.keys(criteria).length > 0 ? { criteria } : {}),
      ...(opts.lab !== undefined ? { lab: { hypervisor: opts.lab } } : {}),
    },
    defaultsFor: (c) =>
      usesQemuLab(c) ? { traffic: { loadLevels: { ...QEMU_LAB_LOAD_LEVELS } } } : undefined,
  });
  // A new list: the schema's default one is shared by every parse.
  config.lab.faults = [...config.lab.faults, ...labFaults];
  if (usesQemuLab(config)) raiseTimeouts(config.timeouts, QEMU_LAB_MIN_TIMEOUTS);
  if (opts.rate !== undefined) {
    const rate = Number(opts.rate);
    if (!Number.isFinite(rate) || rate <= 0) {
      throw new ConfigError(
        `--rate '${opts.rate}': give a positive number of packets per second, e.g. --rate 10000`,
      );
    }
    config.traffic.loadLevels[config.traffic.loadLevel] = rate;
  }
  return config;
}

function raiseTimeouts(
  timeouts: VnflabConfig['timeouts'],
  minimums: Partial<Record<keyof VnflabConfig['timeouts'], number>>,
): void {
  for (const key of Object.keys(minimums) as (keyof VnflabConfig['timeouts'])[])
    timeouts[key] = Math.max(timeouts[key], minimums[key] ?? 0);
}

/** Where the config's relative paths start: its file's folder, else the working directory. */
export function runBaseDir(opts: { readonly config?: string }): string {
  return opts.config !== undefined ? dirname(resolve(opts.config)) : process.cwd();
}

export interface RunCommandOutput extends RunOutput {
  /** The run's id in the history; null when not recorded. */
  readonly historyRunId: string | null;
}

/**
 * What a run and a set of trials check and open before anything starts: the
 * out dir, --ping-pong, the config, the optional driver packages, then the
 * history (which may warn: after every usage error, so that one stays the
 * run's only line).
 */
export async function prepareRun(
  opts: RunCommandOptions,
  trialsPlanned: number,
): Promise<{
  config: VnflabConfig;
  moves: number | undefined;
  history: Awaited<ReturnType<typeof openRunHistory>>;
}> {
  // Cheap and independent of the config: a bad --out is named before the config file is even read.
  if (opts.out !== undefined) checkOutDir(opts.out, '--out');
  const moves = opts.pingPong === undefined ? undefined : parsePingPong(opts.pingPong);
  const config = await resolveRunConfig(opts);
  await requireDriverPackages(driverConfigs(config, runBaseDir(opts)));
  await resolveBaselineCriterion(config, opts.historyDb ?? null);
  const history = await openRunHistory(opts.historyDb ?? null, {
    config,
    trialsPlanned,
    pingPongMoves: moves ?? null,
    ...(opts.out !== undefined ? { outDir: resolve(opts.out) } : {}),
  });
  return { config, moves, history };
}

export async function runCommand(opts: RunCommandOptions): Promise<RunCommandOutput> {
  const { config, moves, history } = await prepareRun(opts, 1);
  try {
    const output = await runTestCase({
      ...(moves !== undefined ? { pingPongMoves: moves } : {}),
      config,
      baseDir: runBaseDir(opts),
      ...(opts.out !== undefined ? { outDir: opts.out } : {}),
      reporters: [...(opts.reporters ?? []), ...(history ? [history.recorder.reporter()] : [])],
      ...(opts.signal !== undefined ? { signal: opts.signal } : {}),
    });
    history?.recorder.trial(trialEntry(1, '.', output.result), output.outDir);
    history?.recorder.end(output.result.overallStatus);
    return { ...output, historyRunId: history?.recorder.runId ?? null };
  } finally {
    history?.store.close();
  }
}

/**
 * Exit codes: 0 pass, 1 test failed (or errored), 2 bad usage or config,
 * 3 inconclusive (every step passed but the figures cannot be trusted), 130
 * interrupted.
 */
export function exitCodeOf(status: string): number {
  if (status === 'PASS') return 0;
  if (status === 'INCONCLUSIVE') return 3;
  if (status === 'ABORTED') return 130;
  return 1;
}
