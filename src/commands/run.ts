/**
 * `vnflab run`: turn CLI options into a validated config and run the case.
 * Flags override the config file; every bad value is a ConfigError naming
 * the flag or field.
 */
import { dirname, resolve } from 'node:path';
import { ConfigError } from '../config/errors.js';
import { loadConfig } from '../config/load.js';
import type { VnflabConfig } from '../config/schema.js';
import type { Reporter } from '../report/reporter.js';
import { runTestCase, type RunOutput } from '../runner/run-test-case.js';

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
  readonly reporters?: readonly Reporter[];
  readonly signal?: AbortSignal;
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
  const config = await loadConfig({
    ...(opts.config !== undefined ? { file: opts.config } : {}),
    overrides: { testCase: opts.testCase, tcInput },
  });
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

export async function runCommand(opts: RunCommandOptions): Promise<RunOutput> {
  const config = await resolveRunConfig(opts);
  return runTestCase({
    config,
    baseDir: opts.config !== undefined ? dirname(resolve(opts.config)) : process.cwd(),
    ...(opts.out !== undefined ? { outDir: opts.out } : {}),
    ...(opts.reporters !== undefined ? { reporters: opts.reporters } : {}),
    ...(opts.signal !== undefined ? { signal: opts.signal } : {}),
  });
}

/** Exit codes: 0 pass, 1 test failed (or errored), 2 bad usage or config, 130 interrupted. */
export function exitCodeOf(status: string): number {
  if (status === 'PASS') return 0;
  if (status === 'ABORTED') return 130;
  return 1;
}
