/**
 * `vnflab export`: the recorded trials in formats dashboards ingest, one
 * trial per line or sample (docs/trials-and-history.md, "Export"):
 *
 * - `jsonl`: one JSON object per trial, the run's identity beside it;
 * - `influx`: InfluxDB line protocol, measurement `vnflab_trial`, tags
 *   test_case, target, run_id, trial, status; fields in ms; the run's start
 *   in ns;
 * - `prometheus`: the text exposition format, one gauge per figure
 *   (`vnflab_<figure>`), the same labels, the run's start in ms.
 *
 * A figure a trial did not measure is left out (never written as 0).
 */
import { TRIAL_FIGURES, type TrialFigure } from '../record/trials.js';
import type { RunRow, TrialRow } from './store.js';

export const EXPORT_FORMATS = ['jsonl', 'influx', 'prometheus'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface RunTrials {
  readonly run: RunRow;
  readonly trials: readonly TrialRow[];
}

/** serviceDisruptionMs -> service_disruption_ms */
const snake = (figure: TrialFigure): string => figure.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

export function exportTrials(runs: readonly RunTrials[], format: ExportFormat): string {
  const text =
    format === 'jsonl' ? jsonLines(runs) : format === 'influx' ? influxLines(runs) : prometheusText(runs);
  return text === '' ? '' : `${text}\n`;
}

function jsonLines(runs: readonly RunTrials[]): string {
  const lines: string[] = [];
  for (const { run, trials } of runs)
    for (const t of trials)
      lines.push(
        JSON.stringify({
          runId: run.id,
          startedAt: run.startedAt,
          endedAt: run.endedAt,
          testCase: run.testCase,
          target: run.target,
          configDigest: run.configDigest,
          vnflabVersion: run.vnflabVersion,
          runStatus: run.complete ? run.status : 'INCOMPLETE',
          trial: t.n,
          trialsPlanned: run.trialsPlanned,
          status: t.status,
          failure: t.failure,
          ...t.figures,
          criteria: t.criteria,
        }),
      );
  return lines.join('\n');
}

/** Line protocol: tag keys and values escape commas, equals signs and spaces. */
const influxTag = (v: string): string => v.replace(/[,= ]/g, (c) => `\\${c}`);

function influxLines(runs: readonly RunTrials[]): string {
  const lines: string[] = [];
  for (const { run, trials } of runs) {
    const ns = `${BigInt(Date.parse(run.startedAt)) * 1_000_000n}`;
    for (const t of trials) {
      const tags = [
        ['test_case', run.testCase],
        ['target', run.target],
        ['run_id', run.id],
        ['trial', String(t.n)],
        ['status', t.status],
      ]
        .map(([k, v]) => `${k}=${influxTag(v!)}`)
        .join(',');
      const fields = [
        `passed=${t.status === 'PASS'}`,
        ...TRIAL_FIGURES.filter((f) => t.figures[f] !== null).map((f) => `${snake(f)}=${t.figures[f]}`),
      ].join(',');
      lines.push(`vnflab_trial,${tags} ${fields} ${ns}`);
    }
  }
  return lines.join('\n');
}

/** Exposition format label values escape backslash, double quote and newline. */
const promLabel = (v: string): string => v.replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`));

function prometheusText(runs: readonly RunTrials[]): string {
  const out: string[] = [];
  const labelsOf = (run: RunRow, t: TrialRow): string =>
    `{${[
      ['test_case', run.testCase],
      ['target', run.target],
      ['run_id', run.id],
      ['trial', String(t.n)],
      ['status', t.status],
    ]
      .map(([k, v]) => `${k}="${promLabel(v!)}"`)
      .join(',')}}`;
  // Every sample of a metric follows its HELP and TYPE lines, in one group.
  for (const figure of TRIAL_FIGURES) {
    const samples: string[] = [];
    for (const { run, trials } of runs)
      for (const t of trials) {
        const v = t.figures[figure];
        if (v !== null)
          samples.push(`vnflab_${snake(figure)}${labelsOf(run, t)} ${v} ${Date.parse(run.startedAt)}`);
      }
    if (samples.length === 0) continue;
    out.push(
      `# HELP vnflab_${snake(figure)} vnflab trial figure ${figure} (ms), see docs/trials-and-history.md`,
    );
    out.push(`# TYPE vnflab_${snake(figure)} gauge`, ...samples);
  }
  return out.join('\n');
}
