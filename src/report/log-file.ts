/**
 * The spec's log file (logging_module.LoggingClass(__name__, "TC_VNF_MIGRATE_002.txt")):
 * one line per write_info / write_error, in Python logging's default shape
 * `2026-11-25 10:12:26,123 - TC_VNF_MIGRATE_002 - INFO - message`.
 * Lines are appended synchronously so a crash loses nothing already logged.
 */
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { LogLevel, Reporter } from './reporter.js';

export function formatLogLine(name: string, level: LogLevel, message: string, at: Date): string {
  const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
  const stamp =
    `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())} ` +
    `${pad(at.getHours())}:${pad(at.getMinutes())}:${pad(at.getSeconds())},${pad(at.getMilliseconds(), 3)}`;
  return `${stamp} - ${name} - ${level} - ${message}\n`;
}

export class LogFileReporter implements Reporter {
  constructor(
    readonly file: string,
    readonly loggerName: string,
  ) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, '');
  }

  onLog(level: LogLevel, message: string, at: Date): void {
    appendFileSync(this.file, formatLogLine(this.loggerName, level, message, at));
  }
}
