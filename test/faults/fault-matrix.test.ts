/**
 * The fault matrix (docs/faults.md): TC_VNF_MIGRATE_002 through the built CLI
 * on the process lab, each step with the faults that make sense at it
 * (fault-plan.ts), plus SIGINT or SIGTERM delivered while each step runs.
 * For every case: result.json exists, parses, conforms to the published
 * schema, is complete and names the step and the cause; the log ends with
 * the end-of-run line; the exit code is the README's; and nothing is left
 * behind (no process of the run, no listening port, no network namespace).
 * Run it with `npx vitest run -c vitest.faults.config.ts` after `npm run build`.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { TcResult } from '../../src/record/result.js';
import { exitCodeOf } from '../../src/commands/run.js';
import { resultSchemaErrors } from '../result-schema.js';
import { FAULT_CASES, SIGNAL_CASES, type FaultCase, type SignalCase } from './fault-plan.js';
import { descendants, leftBehind, netnsNames } from './leaks.js';

const root = resolve(import.meta.dirname, '../..');
const cli = join(root, 'dist/cli/main.js');
const config = join(import.meta.dirname, 'fault-matrix.yaml');
const dirs: string[] = [];
const counts = { cases: 0, passed: 0, leaks: 0, invalid: 0 };
const startedMs = performance.now();

afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  const s = ((performance.now() - startedMs) / 1000).toFixed(0);
  console.log(
    `fault matrix: ${counts.cases} cases, ${counts.passed} passed, ${counts.leaks} leaks, ${counts.invalid} invalid records (${s} s)`,
  );
});

function readRecord(out: string): TcResult | null {
  const file = join(out, 'result.json');
  if (!existsSync(file)) return null;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as TcResult;
  } catch {
    return null;
  }
}

interface Outcome {
  readonly code: number | null;
  readonly stderr: string;
  readonly out: string;
  /** Every process of the run seen while it ran (the CLI's descendants: lab, hosts, fabric). */
  readonly pids: ReadonlySet<number>;
  /** The step that was running when the signal went (signal cases). */
  readonly signalledStep: number | null;
}

/** Run the CLI; `signal` is sent once the live record shows `signal.step` running. */
async function runCli(extra: readonly string[], signal?: SignalCase): Promise<Outcome> {
  const out = mkdtempSync(join(tmpdir(), 'vnflab-faults-'));
  dirs.push(out);
  const child = spawn(
    process.execPath,
    [cli, 'run', 'TC_VNF_MIGRATE_002', '--config', config, '--out', out, ...extra],
    {
      cwd: root,
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  const pids = new Set<number>();
  let signalledStep: number | null = null;
  let exited = false;
  const exit = new Promise<number | null>((r) =>
    child.once('exit', (code, sig) => {
      exited = true;
      r(code ?? (sig === null ? null : 128));
    }),
  );
  const hardLimit = setTimeout(() => child.kill('SIGKILL'), 150_000);
  while (!exited) {
    for (const pid of descendants(child.pid!)) pids.add(pid);
    if (signal && signalledStep === null) {
      const running = readRecord(out)?.steps.find((s) => s.startedAt !== null && s.endedAt === null);
      if (running !== undefined && running.n >= signal.step) {
        signalledStep = running.n;
        child.kill(signal.signal);
      }
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  clearTimeout(hardLimit);
  return { code: await exit, stderr, out, pids, signalledStep };
}

/** What every case must show, whatever its fault. Returns the record. */
async function expectSound(o: Outcome, expectedCodes: readonly number[]): Promise<TcResult> {
  const record = readRecord(o.out);
  const logFile = join(o.out, 'TC_VNF_MIGRATE_002.txt');
  const schemaErrors = record === null ? ['no readable result.json'] : resultSchemaErrors(record);
  if (schemaErrors.length > 0) counts.invalid++;
  const leaks = await leftBehind(o.pids, record);
  if (leaks.length > 0) counts.leaks++;
  expect(record, o.stderr).not.toBeNull();
  expect(schemaErrors).toEqual([]);
  expect(record!.complete).toBe(true);
  expect(leaks).toEqual([]);
  const log = readFileSync(logFile, 'utf8').trimEnd().split('\n');
  expect(log.at(-1)).toContain(`End of TC_VNF_MIGRATE_002: ${record!.overallStatus}`);
  expect(expectedCodes, `exit ${o.code}, ${record!.overallStatus}: ${o.stderr.slice(-800)}`).toContain(
    o.code,
  );
  return record!;
}

const netnsBefore = netnsNames();

describe('fault matrix: TC_VNF_MIGRATE_002 x step x fault', () => {
  it.each(FAULT_CASES.map((c) => [`step ${c.step}: ${c.fault}`, c] as const))(
    '%s',
    async (_name, c: FaultCase) => {
      counts.cases++;
      const o = await runCli(['--lab-fault', c.fault]);
      const record = await expectSound(o, c.exitCodes);
      expect(record.environment.lab).toMatchObject({ faults: [c.fault] });
      // The record names the step the fault broke and the cause.
      expect(
        record.failure,
        JSON.stringify(record.steps.map((s) => [s.n, s.status, s.message])),
      ).not.toBeNull();
      expect([c.step, ...(c.orSteps ?? [])]).toContain(record.failure?.step);
      expect(record.failure?.message).toMatch(c.cause);
      counts.passed++;
    },
  );
});

describe('fault matrix: TC_VNF_MIGRATE_002 x step x SIGINT / SIGTERM', () => {
  it.each(SIGNAL_CASES.map((c) => [`step ${c.step}: ${c.signal}`, c] as const))(
    '%s',
    async (_name, c: SignalCase) => {
      counts.cases++;
      const o = await runCli([], c);
      const record = await expectSound(o, [130, 0, 1, 3]);
      expect(o.signalledStep, 'the run ended before the step was seen running').not.toBeNull();
      // A signal in the last step can land once it has ended: the steps are over, the run is judged, not aborted.
      if (
        c.step === 13 &&
        record.steps.every((s) => s.status === 'PASS') &&
        record.overallStatus !== 'ABORTED'
      ) {
        expect(o.code).toBe(exitCodeOf(record.overallStatus));
        counts.passed++;
        return;
      }
      expect(o.code).toBe(130);
      expect(record.overallStatus).toBe('ABORTED');
      // Interrupted in the step seen running, or up to two later: the live record lags the run by a save,
      // and a step that does not wait (3, 4, 11) can end before the CLI's handler runs on a loaded machine.
      expect(record.failure?.step).toBeGreaterThanOrEqual(o.signalledStep!);
      expect(record.failure?.step).toBeLessThanOrEqual(o.signalledStep! + 2);
      // The steps before it passed; it is the one the record marks ABORTED.
      const aborted = record.steps.find((s) => s.n === record.failure?.step);
      expect(aborted?.status).toBe('ABORTED');
      expect(record.steps.filter((s) => s.n < aborted!.n).every((s) => s.status === 'PASS')).toBe(true);
      expect(record.failure?.message).toContain(c.signal);
      counts.passed++;
    },
  );
});

describe('fault matrix: nothing left on the machine', () => {
  it('no network namespace more than before the matrix', () => {
    expect(netnsNames().filter((n) => !netnsBefore.includes(n))).toEqual([]);
  });
});
