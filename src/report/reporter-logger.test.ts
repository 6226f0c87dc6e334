import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { runLoggerContract } from '../../test/contracts/logger.contract.js';
import { LogFileReporter } from './log-file.js';
import { ReporterLogger } from './reporter-logger.js';

const dir = mkdtempSync(join(tmpdir(), 'vnflab-log-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

runLoggerContract({
  name: 'ReporterLogger over LogFileReporter (the spec log file)',
  create: async () => {
    const file = join(dir, `TC_${n++}.txt`);
    const logger = new ReporterLogger(new LogFileReporter(file, 'TC_VNF_MIGRATE_002'));
    return {
      logger,
      lines: async () =>
        readFileSync(file, 'utf8')
          .trimEnd()
          .split('\n')
          .map((l) => {
            const m =
              /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} - TC_VNF_MIGRATE_002 - (INFO|ERROR) - (.*)$/.exec(l);
            if (!m) throw new Error(`not a spec log line: ${l}`);
            return [m[1] ?? '', m[2] ?? ''] as [string, string];
          }),
    };
  },
});
