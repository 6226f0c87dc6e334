/**
 * runTrials: RFC 6201 §4's repeated trials. Runs one test case N times, each
 * trial a complete run of its own (a fresh VNF, and on the embedded lab a
 * fresh lab) in `<outDir>/trial-NN/`, then writes the set's summary.json,
 * report.html and junit.xml beside them.
 */
import { join, resolve } from 'node:path';
import { TEST_CASES } from '../testcases/index.js';
import { summarizeTrials, trialEntry, type TrialEntry, type TrialsSummary } from '../record/trials.js';
import { trialsToHtml } from '../report/trials-html.js';
import { trialsToJUnitXml } from '../report/trials-junit.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { ConfigError } from '../util/errors.js';
import { isoNow } from '../util/clock.js';
import { checkOutDir, createDefaultOutDir, createOutDir } from './out-dir.js';
import { runTestCase, type RunOptions, type RunOutput } from './run-test-case.js';

export interface TrialsOptions extends Omit<RunOptions, 'outDir'> {
  readonly trials: number;
  /** The set's folder (trial-NN/ go inside). Default: a new `<resultsDir>/<TESTCASE>-trials-<UTC>-<random>/`. */
  readonly outDir?: string;
  /** Called after each trial (progress). */
  readonly onTrialEnd?: (entry: TrialEntry, output: RunOutput) => void;
}

export interface TrialsOutput {
  readonly summary: TrialsSummary;
  readonly outDir: string;
  readonly summaryFile: string;
  readonly trials: readonly RunOutput[];
}

/** `trial-01` ...: zero-padded to the width of the count, so folders sort in order. */
export function trialDirName(n: number, of: number): string {
  return `trial-${String(n).padStart(Math.max(2, String(of).length), '0')}`;
}

export async function runTrials(opts: TrialsOptions): Promise<TrialsOutput> {
  if (!Number.isInteger(opts.trials) || opts.trials < 1)
    throw new ConfigError(`trials ${opts.trials}: give a whole number of trials, 1 or more`);
  const testCase = TEST_CASES[opts.config.testCase];
  if (!testCase) throw new ConfigError(`testCase '${opts.config.testCase}' is unknown: run 'vnflab list'`);
  if (opts.outDir !== undefined) checkOutDir(opts.outDir, 'outDir');
  const outDir =
    opts.outDir !== undefined
      ? createOutDir(opts.outDir, 'outDir')
      : createDefaultOutDir(`${testCase.id}-trials`, resolve(opts.resultsDir ?? 'results'));
  const startedAt = isoNow();
  const entries: TrialEntry[] = [];
  const outputs: RunOutput[] = [];
  const summaryFile = join(outDir, 'summary.json');
  const write = opts.writeFile ?? writeFileAtomic;
  const writeSummary = async (): Promise<TrialsSummary> => {
    const summary = summarizeTrials({
      testCase: testCase.id,
      title: testCase.title,
      trialsRequested: opts.trials,
      startedAt,
      endedAt: isoNow(),
      trials: entries,
    });
    await write(summaryFile, `${JSON.stringify(summary, null, 2)}\n`);
    await write(join(outDir, 'report.html'), trialsToHtml(summary));
    await write(join(outDir, 'junit.xml'), trialsToJUnitXml(summary));
    return summary;
  };
  for (let n = 1; n <= opts.trials; n++) {
    if (opts.signal?.aborted) break;
    const dir = trialDirName(n, opts.trials);
    const output = await runTestCase({ ...opts, outDir: join(outDir, dir) });
    const entry = trialEntry(n, dir, output.result);
    entries.push(entry);
    outputs.push(output);
    opts.onTrialEnd?.(entry, output);
    // Saved after every trial: a set cut short still has its summary so far.
    await writeSummary();
    if (output.result.overallStatus === 'ABORTED') break;
  }
  const summary = await writeSummary();
  return { summary, outDir, summaryFile, trials: outputs };
}
