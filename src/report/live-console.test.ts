/* eslint-disable no-control-regex -- the tests read ANSI escapes */
import { describe, expect, it } from 'vitest';
import { syntheticPassResult } from '../../test/fixtures/report/synthetic-pass.js';
import type { StepRecord, TcResult } from '../record/result.js';
import { consoleMode, stripAnsi } from './ansi.js';
import { ConsoleReporter } from './console.js';
import { consoleReporter } from './console-reporter.js';
import { LiveConsoleReporter, migrationLine, trafficLine } from './live-console.js';
import type { Reporter } from './reporter.js';

/** A stream that keeps what was written, as a terminal (columns) or not. */
function sink(isTTY: boolean, columns = 200) {
  const chunks: string[] = [];
  const stream = Object.assign(
    {
      write(s: string) {
        chunks.push(s);
        return true;
      },
    },
    { isTTY, columns },
  ) as unknown as NodeJS.WriteStream;
  return { stream, text: () => chunks.join(''), chunks };
}

/** The synthetic PASS record with 13 steps, all passed. */
function passResult(): TcResult {
  const result = syntheticPassResult();
  result.steps = Array.from({ length: 13 }, (_, i) => ({
    n: i + 1,
    name: `step${i + 1}`,
    title: i === 8 ? 'Validate migration success' : `Step ${i + 1}`,
    status: 'PASS' as const,
    startedAt: null,
    endedAt: null,
    durationMs: 1234,
    message: null,
  }));
  return result;
}

const SGR_COLOUR = /\x1b\[[0-9;]*m/;

function stepOf(result: TcResult, n: number): StepRecord {
  const s = result.steps.find((x) => x.n === n);
  if (s === undefined) throw new Error(`no step ${n}`);
  return s;
}

/** A whole run told to one reporter: start, step 9 with two progress samples, its end, the run's end. */
function tell(r: Reporter & { draw?: () => void }, clock: { ms: number }): TcResult {
  const result = passResult();
  void r.onRunStart?.(result);
  const step9 = stepOf(result, 9);
  void r.onStepStart?.(step9);
  const traffic = { window: 'duringMigration', sent: 20_000, received: 19_957, lost: 43 };
  void r.onProgress?.({ step: 9, traffic: { ...traffic, atMs: 1000 }, migration: null });
  clock.ms += 1500;
  void r.onProgress?.({
    step: 9,
    traffic: { ...traffic, sent: 22_500, received: 22_457, atMs: 1250 },
    migration: {
      phase: 'running',
      percent: 67.5,
      memoryProcessedBytes: 180 * 2 ** 20,
      memoryTotalBytes: 256 * 2 ** 20,
      memoryRemainingBytes: 83.2 * 2 ** 20,
    },
  });
  void r.onStepEnd?.(step9);
  void r.onRunEnd?.(result);
  return result;
}

describe('console mode', () => {
  const env = (over: Record<string, string | undefined> = {}) => ({
    stderrIsTTY: true,
    stdoutIsTTY: true,
    env: { TERM: 'xterm-256color', ...over },
    json: false,
  });
  it('is live and coloured on a terminal', () => {
    expect(consoleMode(env())).toEqual({ live: true, color: true });
  });
  it('is live without colour with NO_COLOR (set and not empty)', () => {
    expect(consoleMode(env({ NO_COLOR: '1' }))).toEqual({ live: true, color: false });
    expect(consoleMode(env({ NO_COLOR: '' }))).toEqual({ live: true, color: true });
  });
  it('is plain lines under CI, with --json, off a terminal or on a dumb one', () => {
    expect(consoleMode(env({ CI: 'true' })).live).toBe(false);
    expect(consoleMode(env({ CI: 'false' })).live).toBe(true);
    expect(consoleMode({ ...env(), json: true }).live).toBe(false);
    expect(consoleMode({ ...env(), stdoutIsTTY: false }).live).toBe(false);
    expect(consoleMode({ ...env(), stderrIsTTY: false })).toEqual({ live: false, color: false });
    expect(consoleMode(env({ TERM: 'dumb' })).live).toBe(false);
  });
  it('consoleReporter picks the live reporter only on a terminal', () => {
    const tty = sink(true);
    const plain = sink(false);
    const live = consoleReporter({ stream: tty.stream, stdout: tty.stream, env: {} });
    expect(live).toBeInstanceOf(LiveConsoleReporter);
    expect(
      consoleReporter({ stream: tty.stream, stdout: tty.stream, env: {}, json: true }),
    ).not.toBeInstanceOf(LiveConsoleReporter);
    const p = consoleReporter({ stream: plain.stream, stdout: plain.stream, env: {} });
    expect(p).not.toBeInstanceOf(LiveConsoleReporter);
    expect(typeof (p as Reporter).onProgress).toBe('undefined');
  });
});

describe('ConsoleReporter (plain lines)', () => {
  it('writes the step line, the figures and the verdict with no escape code at all', () => {
    const out = sink(false);
    const result = tell(new ConsoleReporter(out.stream), { ms: 0 });
    const text = out.text();
    expect(text).not.toContain('\x1b');
    expect(text).toContain(`\n  PASS     9. ${stepOf(result, 9).title}`);
    expect(text).not.toContain('RUNNING');
    expect(text).not.toContain('pkt/s received');
    expect(text.trimEnd().split('\n').at(-1)).toBe(`${result.testCase}: PASS`);
  });
});

describe('LiveConsoleReporter (a terminal)', () => {
  it('shows the running step with its elapsed time, rate, loss and migration progress before the step line', () => {
    const out = sink(true);
    const clock = { ms: 0 };
    const result = tell(
      new LiveConsoleReporter(out.stream, { color: true, tickMs: 0, now: () => clock.ms }),
      clock,
    );
    const text = stripAnsi(out.text());
    const endLine = text.indexOf(`PASS     9. ${stepOf(result, 9).title}`);
    const running = text.indexOf(`RUNNING  9. ${stepOf(result, 9).title} 1.5 s [9/13]`);
    expect(running).toBeGreaterThan(0);
    expect(running).toBeLessThan(endLine);
    // 2500 packets received in 250 ms.
    expect(text.slice(0, endLine)).toContain(
      "traffic 'duringMigration': 10000 pkt/s received, 43 lost (0.191 %) of 22500 sent",
    );
    expect(text.slice(0, endLine)).toContain(
      'migration running 67.5 %, 180.0 MiB of 256.0 MiB copied, 83.2 MiB to go',
    );
  });

  it('leaves on the screen the plain output, coloured: the block is erased before every line', () => {
    const live = sink(true);
    const plain = sink(false);
    tell(new LiveConsoleReporter(live.stream, { color: true, tickMs: 0, now: () => 0 }), { ms: 0 });
    tell(new ConsoleReporter(plain.stream), { ms: 0 });
    // Replay the terminal: an erase (cursor up n, CR, erase down) removes the n lines drawn last.
    const screen: string[] = [];
    for (const chunk of live.chunks) {
      const m = /^\x1b\[(\d+)A\r\x1b\[J/.exec(chunk);
      const rest = m === null ? chunk : chunk.slice(m[0].length);
      if (m !== null) screen.splice(screen.length - Number(m[1]), Number(m[1]));
      screen.push(
        ...rest
          .split('\n')
          .slice(0, -1)
          .map((l) => stripAnsi(l).replace(/\x1b\[K$/, '')),
      );
    }
    expect(screen.join('\n') + '\n').toBe(plain.text());
    expect(SGR_COLOUR.test(live.text())).toBe(true);
    expect(live.text()).toContain('\x1b[32;1mPASS\x1b[0m');
  });

  it('with NO_COLOR (color false) still redraws the step, without a colour code', () => {
    const out = sink(true);
    tell(new LiveConsoleReporter(out.stream, { color: false, tickMs: 0, now: () => 0 }), { ms: 0 });
    expect(out.text()).toContain('RUNNING');
    expect(SGR_COLOUR.test(out.text())).toBe(false);
  });

  it('redraws on its own every tickMs while a step runs, and stops at the step end', async () => {
    const out = sink(true);
    let ms = 0;
    const r = new LiveConsoleReporter(out.stream, { color: false, tickMs: 20, now: () => ms });
    const result = passResult();
    r.onRunStart(result);
    r.onStepStart(stepOf(result, 9));
    ms = 2345;
    await new Promise((res) => setTimeout(res, 100));
    expect(stripAnsi(out.text())).toContain('2.3 s');
    r.onStepEnd(stepOf(result, 9));
    const after = out.chunks.length;
    await new Promise((res) => setTimeout(res, 60));
    expect(out.chunks.length).toBe(after);
  });

  it('cuts a block line to the terminal width (a wrapped line would escape the erase)', () => {
    const out = sink(true, 40);
    const result = passResult();
    const r = new LiveConsoleReporter(out.stream, { color: false, tickMs: 0, now: () => 0 });
    r.onRunStart(result);
    r.onStepStart(stepOf(result, 9));
    const block = out.chunks.at(-1) ?? '';
    for (const line of stripAnsi(block).split('\n').slice(0, -1)) expect(line.length).toBeLessThan(40);
  });
});

describe('live lines', () => {
  it('say the rate once two reads of the window are known, and the loss share', () => {
    const t = { window: 'beforeTrigger', sent: 0, received: 0, lost: 0, atMs: 0 };
    expect(trafficLine(t, null)).toBe("traffic 'beforeTrigger': ... pkt/s received, 0 lost of 0 sent");
  });
  it('say what the target reports of the move, and no more', () => {
    expect(migrationLine({ phase: 'Running (PreCopy)' })).toBe('migration Running (PreCopy)');
    expect(migrationLine({ percent: 10, memoryProcessedBytes: 2 ** 20 })).toBe(
      'migration in progress 10.0 %, 1.0 MiB copied',
    );
  });
});
