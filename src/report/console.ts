/**
 * Progress on stderr (stdout is kept for `--json`): one line per step end
 * and every error line of the log, plain (the lines the e2e tests and CI
 * logs read). On a terminal the statuses are coloured (`color`) and
 * live-console.ts adds the running step. consoleReporter() picks.
 */
import type { StepRecord, TcResult } from '../record/result.js';
import { paint } from './ansi.js';
import type { LogLevel, Reporter } from './reporter.js';

export class ConsoleReporter implements Reporter {
  constructor(
    readonly stream: NodeJS.WritableStream = process.stderr,
    /** Highlight the statuses (a terminal without NO_COLOR). */
    readonly color = false,
  ) {}

  onRunStart(result: TcResult): void {
    this.stream.write(`${result.testCase}: ${result.title}\n`);
  }

  onStepEnd(step: StepRecord): void {
    const ms = step.durationMs === null ? '' : ` (${step.durationMs.toFixed(0)} ms)`;
    const why = step.message && step.status !== 'PASS' ? ` - ${step.message}` : '';
    this.stream.write(
      `  ${this.status(step.status, 7)} ${String(step.n).padStart(2)}. ${step.title}${ms}${why}\n`,
    );
  }

  onLog(level: LogLevel, message: string): void {
    if (level === 'ERROR') this.stream.write(`  error: ${message}\n`);
  }

  onRunEnd(result: TcResult): void {
    for (const line of verdictLines(result)) this.stream.write(`  ${this.criterion(line)}\n`);
    this.stream.write(
      `${result.testCase}: ${this.status(result.overallStatus, 0)}${result.verdict?.controlPlaneOnly === true ? ' (control plane only: traffic.driver none)' : ''}${result.failure ? ` - ${result.failure.message}` : ''}\n`,
    );
  }

  /** A status padded to `width`, the word alone coloured (the padding stays plain). */
  protected status(status: string, width: number): string {
    return paint(status, status, this.color) + ' '.repeat(Math.max(0, width - status.length));
  }

  /** A verdict line with its criterion's outcome coloured. */
  private criterion(line: string): string {
    const m = /^criterion (\S+)/.exec(line);
    if (!this.color || m?.[1] === undefined) return line;
    return `criterion ${paint(m[1], m[1], true)}${line.slice(`criterion ${m[1]}`.length)}`;
  }
}

const ms = (v: number | null | undefined): string => (v == null ? 'n/a' : `${v.toFixed(2)} ms`);

/**
 * What the run measured and how it was judged, in lines a person reads: the
 * disruption (or, on a run that ended early, what was measured of the
 * window, said as such), its placement on the move, the criteria, and
 * whether the figures can be trusted.
 */
export function verdictLines(result: TcResult): string[] {
  const t = result.traffic;
  const m = result.migration;
  const w = t.disruptionWindow;
  const out: string[] = [];
  if (w !== null && t.serviceDisruptionMs !== null) {
    const counts = `${w.lost} lost at ${w.offeredRateHz.toFixed(0)} pkt/s in window '${w.name}'`;
    out.push(
      w.partial
        ? `measured before the run stopped (partial window, not a disruption figure): ${ms(t.serviceDisruptionMs)} by frame loss, ${counts}`
        : `service disruption ${ms(t.serviceDisruptionMs)} (frame-loss, ${counts}); timestamp method ${ms(t.gapDerivedMs)}`,
    );
  }
  const d = result.disruption;
  if (d !== null) {
    out.push(
      `  switch-over ${ms(d.switchOver.lossDerivedMs)} (${d.switchOver.lost} lost; timestamp ${ms(d.switchOver.gapDerivedMs)}), ` +
        `degradation ${ms(d.degradation.lossDerivedMs)} (${d.degradation.lost} lost in pre-copy / after the switch); ` +
        `events: ${d.events.source}, +-${d.events.precisionMs.toFixed(2)} ms`,
    );
  }
  if (m.downtimeMs != null || m.hypervisor?.downtimeMs != null) {
    const lab = m.downtimeMs == null ? '' : `target's downtime (pause to first forward) ${ms(m.downtimeMs)}`;
    const hv =
      m.hypervisor?.downtimeMs == null
        ? ''
        : `${m.hypervisor.name}'s own downtime ${ms(m.hypervisor.downtimeMs)}`;
    out.push(
      `  ${[lab, hv].filter((x) => x !== '').join('; ')} (the target's view; the service figure is the one above)`,
    );
  }
  const v = result.verdict;
  if (v !== null) {
    if (v.controlPlaneOnly === true)
      out.push(
        'control plane only: no traffic generator configured (traffic.driver: none), no data plane measured',
      );
    else if (v.criteria.length === 0) out.push('criteria: none set: the disruption was measured, not judged');
    for (const c of v.criteria) {
      const value = c.value === null ? 'not measured' : c.unit === 'ms' ? ms(c.value) : `${c.value} packets`;
      const limit = c.unit === 'ms' ? ms(c.limit) : `${c.limit} packets`;
      out.push(
        `criterion ${c.outcome.padEnd(12)} ${c.name}: ${value} (limit ${limit}${c.defaulted ? ', default' : ''})`,
      );
      if (c.derivedFrom !== undefined) out.push(`  limit from ${c.derivedFrom}`);
    }
    if (v.criteria.length > 0 && !v.disruptionJudged && t.serviceDisruptionMs !== null)
      out.push('  no limit set on the disruption itself: measured, not judged (--max-disruption-ms)');
    const val = v.validity;
    for (const f of val.findings) {
      if (f.effectMs === 0) out.push(`seen         ${f.element}: ${f.detail}`);
      else
        out.push(
          `${val.trusted ? 'within bound' : 'NOT TRUSTED '} ${f.element}: ${f.detail} (${f.effectMs === null ? 'unbounded' : `up to ${ms(f.effectMs)}`} on the figure)`,
        );
    }
    if (val.findings.some((f) => f.effectMs !== 0))
      out.push(
        `  error bound ${val.errorBoundMs === null ? 'unbounded' : ms(val.errorBoundMs)}, tolerance ${ms(val.toleranceMs)} (criteria.maxMeasurementErrorMs)`,
      );
  }
  return out;
}
