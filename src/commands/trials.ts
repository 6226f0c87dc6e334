/**
 * `vnflab run ... --trials N`: the same run N times (RFC 6201 §4 repeated
 * trials) in one results folder, with their statistics (summary.json).
 */
import { dirname } from 'node:path';
import { ConfigError } from '../util/errors.js';
import type { TrialsSummary } from '../record/trials.js';
import { runTrials, type TrialsOutput } from '../compose/run-trials.js';
import { prepareRun, runBaseDir, type RunCommandOptions } from './run.js';

export function parseTrials(text: string, flag = '--trials'): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 1000)
    throw new ConfigError(`${flag} '${text}': give a whole number of trials from 1 to 1000, e.g. ${flag} 5`);
  return n;
}

export async function runTrialsCommand(
  opts: RunCommandOptions & { readonly trials: string },
): Promise<TrialsOutput & { readonly historyRunId: string | null }> {
  const trials = parseTrials(opts.trials);
  const { config, moves, history } = await prepareRun(opts, trials);
  try {
    const output = await runTrials({
      ...(moves !== undefined ? { pingPongMoves: moves } : {}),
      config,
      trials,
      baseDir: runBaseDir(opts),
      ...(opts.out !== undefined ? { outDir: opts.out } : {}),
      reporters: [...(opts.reporters ?? []), ...(history ? [history.recorder.reporter()] : [])],
      ...(opts.signal !== undefined ? { signal: opts.signal } : {}),
      onTrialEnd: (entry, run) => history?.recorder.trial(entry, dirname(run.outDir)),
    });
    history?.recorder.end(output.summary.overallStatus);
    return { ...output, historyRunId: history?.recorder.runId ?? null };
  } finally {
    history?.store.close();
  }
}

const f = (v: number | undefined): string => (v === undefined ? 'n/a' : v.toFixed(2));

/** The console's summary of a set of trials: counts, then one line per figure. */
export function formatTrialsSummary(s: TrialsSummary): string {
  const counts = Object.entries(s.counts)
    .filter(([, c]) => c > 0)
    .map(([k, c]) => `${c} ${k}`)
    .join(', ');
  const lines = [`${s.testCase}: ${s.trials.length} of ${s.trialsRequested} trials: ${counts}`];
  lines.push(
    `  ${'figure (ms)'.padEnd(24)} ${['n', 'mean', 'min', 'max', 'stdev', 'p50', 'p95'].map((h) => h.padStart(10)).join('')}`,
  );
  for (const [figure, st] of Object.entries(s.stats)) {
    const cells = st ? [String(st.n), ...[st.mean, st.min, st.max, st.stdev, st.p50, st.p95].map(f)] : ['0'];
    lines.push(`  ${figure.padEnd(24)} ${cells.map((c) => c.padStart(10)).join('')}`);
  }
  lines.push(`${s.testCase} x ${s.trialsRequested}: ${s.overallStatus} (the worst trial's status)`);
  return lines.join('\n');
}
