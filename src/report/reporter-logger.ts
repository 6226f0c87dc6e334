/**
 * The spec's logger (logging_module.LoggingClass) over the reporters: every
 * write_info / write_error goes to each sink (log file, console, ...), in
 * order. After close_handlers, writes are refused so a late line cannot go
 * missing unnoticed.
 */
import type { TcLogger } from '../ports/logger.js';
import type { LogLevel } from './reporter.js';
import { VnflabError } from '../util/errors.js';

export interface LogSink {
  onLog(level: LogLevel, message: string, at: Date): void | Promise<void>;
}

export class LoggerClosedError extends VnflabError {
  readonly code = 'VNFLAB_LOGGER_CLOSED';
}

export class ReporterLogger implements TcLogger {
  #closed = false;
  #pending: Promise<unknown> = Promise.resolve();

  constructor(private readonly sink: LogSink) {}

  info(message: string): void {
    this.#write('INFO', message);
  }

  error(message: string): void {
    this.#write('ERROR', message);
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#pending;
  }

  #write(level: LogLevel, message: string): void {
    if (this.#closed) throw new LoggerClosedError(`logger closed: cannot write ${level} '${message}'`);
    // Lines are delivered in call order even if a sink is asynchronous.
    const at = new Date();
    this.#pending = this.#pending.then(() => this.sink.onLog(level, message, at)).catch(() => undefined);
  }
}
