/**
 * Contract of the logger port (hono's common.case pattern): any TcLogger
 * implementation runs it, reading back what reached its sink.
 */
import { describe, expect, it } from 'vitest';
import type { TcLogger } from '../../src/ports/logger.js';

export interface LoggerContractOptions {
  readonly name: string;
  /** A fresh logger and a way to read back its lines as `[level, message]` after close. */
  create(): Promise<{ logger: TcLogger; lines: () => Promise<[string, string][]> }>;
}

export function runLoggerContract(opts: LoggerContractOptions): void {
  describe(`TcLogger contract: ${opts.name}`, () => {
    it('writes info and error lines in call order, all of them flushed by close', async () => {
      const { logger, lines } = await opts.create();
      logger.info('Starting TC_VNF_MIGRATE_002');
      for (let i = 0; i < 100; i++) logger.info(`line ${i}`);
      logger.error('TC_VNF_MIGRATE_002 - Execution completed with errors - Traffic lost');
      await logger.close();
      const got = await lines();
      expect(got).toHaveLength(102);
      expect(got[0]).toEqual(['INFO', 'Starting TC_VNF_MIGRATE_002']);
      expect(got[50]).toEqual(['INFO', 'line 49']);
      expect(got[101]).toEqual([
        'ERROR',
        'TC_VNF_MIGRATE_002 - Execution completed with errors - Traffic lost',
      ]);
    });

    it('refuses writes after close_handlers instead of losing them silently', async () => {
      const { logger } = await opts.create();
      await logger.close();
      expect(() => logger.info('late')).toThrow();
    });
  });
}
