/**
 * Progress on stderr (stdout is kept for `--json`): one line per step end
 * and every error line of the log.
 */
import type { StepRecord, TcResult } from '../record/result.js';
import type { LogLevel, Reporter } from './reporter.js';

export class ConsoleReporter implements Reporter {
  constructor(readonly stream: NodeJS.WritableStream = process.stderr) {}

  onRunStart(result: TcResult): void {
    this.stream.write(`${result.testCase}: ${result.title}\n`);
  }

  onStepEnd(step: StepRecord): void {
    const ms = step.durationMs === null ? '' : ` (${step.durationMs.toFixed(0)} ms)`;
    const why = step.message && step.status !== 'PASS' ? ` - ${step.message}` : '';
    this.stream.write(`  ${step.status.padEnd(7)} ${String(step.n).padStart(2)}. ${step.title}${ms}${why}\n`);
  }

  onLog(level: LogLevel, message: string): void {
    if (level === 'ERROR') this.stream.write(`  error: ${message}\n`);
  }

  onRunEnd(result: TcResult): void {
    const t = result.traffic;
    const m = result.migration;
    if (t.serviceDisruptionMs !== null) {
      this.stream.write(
        `  service disruption ${t.serviceDisruptionMs.toFixed(2)} ms (frame-loss, ${t.lost ?? 0} lost at ${t.rateHz?.toFixed(0) ?? '?'} pkt/s)` +
          `; timestamp method ${t.gapDerivedMs === null ? 'n/a' : `${t.gapDerivedMs.toFixed(2)} ms`}` +
          `; lab downtime ${m.downtimeMs == null ? 'n/a' : `${m.downtimeMs.toFixed(2)} ms`}\n`,
      );
    }
    this.stream.write(
      `${result.testCase}: ${result.overallStatus}${result.failure ? ` - ${result.failure.message}` : ''}\n`,
    );
  }
}
