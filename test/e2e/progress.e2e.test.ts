/**
 * End to end: on a terminal (a pseudo-terminal made by util-linux script(1))
 * the CLI shows the running step with its elapsed time, the live traffic
 * counters and the move's progress before that step's line is written.
 * Needs `npm run build` first (npm test does it) and script(1) (bsdutils).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { TcResult } from '../../src/record/result.js';

const root = resolve(import.meta.dirname, '../..');
const cli = join(root, 'dist/cli/main.js');
const out = mkdtempSync(join(tmpdir(), 'vnflab-progress-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

/* eslint-disable no-control-regex -- the test reads ANSI escapes */
const plain = (s: string): string => s.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r/g, '');

/** The CLI under script(1): what the terminal received, in order. */
function runOnTerminal(args: string[]): Promise<{ code: number | null; screen: string }> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env))
    if (v !== undefined && k !== 'CI' && k !== 'NO_COLOR') env[k] = v;
  env.TERM = 'xterm-256color';
  const command = [process.execPath, cli, ...args].map((a) => `'${a}'`).join(' ');
  const child = spawn('script', ['-qfec', command, '/dev/null'], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let screen = '';
  child.stdout.on('data', (b: Buffer) => (screen += b.toString('utf8')));
  return new Promise((res) => child.on('close', (code) => res({ code, screen })));
}

describe('vnflab run on a terminal', () => {
  it('shows the running step, its elapsed time, rate, loss and the move progress before the step ends', async () => {
    expect(existsSync(cli), 'run npm run build first').toBe(true);
    expect(spawnSync('script', ['--version']).status, 'script(1) (bsdutils) missing').toBe(0);
    const { screen } = await runOnTerminal([
      'run',
      'TC_VNF_MIGRATE_002',
      '--config',
      'examples/lab.yaml',
      '--out',
      out,
    ]);
    const result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as TcResult;
    const text = plain(screen);
    const endOf = (n: number): number => {
      const title = result.steps.find((s) => s.n === n)?.title ?? '';
      return text.search(
        new RegExp(`\\n  [A-Z_]+ +${n}\\. ${title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(\\d+ ms\\)`),
      );
    };
    // Coloured statuses: a terminal without NO_COLOR.
    expect(screen).toMatch(/\x1b\[3[123];1m(PASS|FAIL|INCONCLUSIVE)\x1b\[0m/);
    // Step 7 (traffic flows, judged over ~1 s): the step with its elapsed time and the live counters first.
    const end7 = endOf(7);
    expect(end7, text).toBeGreaterThan(0);
    const before7 = text.slice(0, end7);
    expect(before7).toMatch(/RUNNING +7\. Validate that traffic flows.* \d+\.\d s \[7\/13\]/);
    expect(before7).toMatch(
      /traffic 'beforeTrigger': \d+ pkt\/s received, \d+ lost \(\d+\.\d{3} %\) of \d+ sent/,
    );
    // The move (steps 8-9), when the run got there: its progress as the lab's Nova reports it.
    const step9 = result.steps.find((s) => s.n === 9);
    if (step9?.status === 'PASS') {
      const end9 = endOf(9);
      expect(text.slice(endOf(8), end9)).toMatch(/RUNNING +9\. .* \d+\.\d s \[9\/13\]/);
      expect(text.slice(0, end9)).toMatch(/migration running \d+\.\d %, [\d.]+ MiB of [\d.]+ MiB copied/);
      expect(text.slice(endOf(8), end9)).toMatch(/traffic 'duringMigration': \d+ pkt\/s received/);
    }
    // What stays is the plain output: the final verdict line, then where the record went (result, log,
    // and the history's run id when recorded), no block left under it.
    const lines = text.trimEnd().split('\n');
    const resultLine = lines.findIndex((l) => l.startsWith('result: '));
    expect(
      lines.slice(resultLine + 1).every((l) => /^(log: |history: run )/.test(l)),
      lines.join('\n'),
    ).toBe(true);
    expect(lines[resultLine - 1]).toBe(
      `TC_VNF_MIGRATE_002: ${result.overallStatus}${result.failure ? ` - ${result.failure.message}` : ''}`,
    );
  });
});
