/**
 * Runs that do not end normally, through the built CLI on the embedded lab:
 * killed outright (SIGKILL), or interrupted while the lab is still starting.
 * What is on disk must say how far the run got, and nothing may be left
 * running. Needs `npm run build` first (npm test does it).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { TcResult } from '../../src/record/result.js';
import { isAlive as alive } from '../../src/util/pid.js';

const root = resolve(import.meta.dirname, '../..');
const cli = join(root, 'dist/cli/main.js');
const made: string[] = [];
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});
function tmp(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** result.json as it is now; null while there is none. It is replaced atomically: it always parses. */
function readRecord(out: string): TcResult | null {
  const file = join(out, 'result.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as TcResult) : null;
}

async function until<T>(what: string, probe: () => T | null, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Pids of `pid`'s descendants now (Linux /proc). */
function descendants(pid: number): number[] {
  const parentOf = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // pid (comm) state ppid ...: comm may hold spaces and parentheses, so read after the last ')'.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parentOf.set(Number(entry), ppid);
    } catch {
      // gone meanwhile
    }
  }
  const found: number[] = [];
  const walk = (parent: number): void => {
    for (const [child, ppid] of parentOf)
      if (ppid === parent) {
        found.push(child);
        walk(child);
      }
  };
  walk(pid);
  return found;
}

/** The lab's processes the record names; all must exit (the lab follows its parent's IPC channel). */
async function expectLabGone(record: TcResult): Promise<void> {
  const lab = record.environment.lab as { pid: number; hostPids?: number[] } | undefined;
  const pids = [lab?.pid, ...(lab?.hostPids ?? [])].filter(
    (p): p is number => typeof p === 'number' && p > 0,
  );
  expect(pids.length).toBeGreaterThan(0);
  await until('the lab processes to exit', () => (pids.some(alive) ? null : true), 20_000);
}

describe('a run cut off', () => {
  it('SIGKILL after step 2 started: result.json holds the run as far as it got, marked incomplete', async () => {
    const out = tmp('vnflab-e2e-kill-');
    const child = spawn(process.execPath, [cli, 'run', 'TC_VNF_MIGRATE_002', '--out', out], {
      cwd: root,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const exited = new Promise<NodeJS.Signals | null>((r) => child.once('exit', (_c, signal) => r(signal)));
    try {
      await until(`step 2's start in result.json\n${stderr}`, () => {
        const r = readRecord(out);
        return r?.steps[1]?.startedAt ? r : null;
      });
    } finally {
      child.kill('SIGKILL');
    }
    expect(await exited).toBe('SIGKILL');
    const record = readRecord(out)!;
    expect(record.complete).toBe(false);
    expect(record.lastSavedAt).not.toBeNull();
    expect(Date.parse(record.lastSavedAt!)).toBeGreaterThanOrEqual(Date.parse(record.startedAt));
    expect(record.endedAt).toBeNull();
    // Step 1 passed and step 2 began (the run may have got a little further before the kill landed).
    expect(record.steps[0]).toMatchObject({ n: 1, status: 'PASS' });
    expect(record.steps[0]?.endedAt).not.toBeNull();
    expect(record.steps[1]?.startedAt).not.toBeNull();
    expect(record.vnfInstanceId).not.toBeNull();
    await expectLabGone(record);
  });

  it('Ctrl-C while the embedded lab starts: exit 130 at once, the record says set-up was interrupted, no lab left', async () => {
    const out = tmp('vnflab-e2e-setup-int-');
    const child = spawn(process.execPath, [cli, 'run', 'TC_VNF_MIGRATE_002', '--out', out], {
      cwd: root,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    // The title is printed when the run starts; the lab's start follows at once.
    await until('the run to start', () => (stderr.includes('TC_VNF_MIGRATE_002: ') ? true : null), 30_000);
    const labProcesses = await until('the lab process', () => {
      const pids = descendants(child.pid!);
      return pids.length > 0 ? pids : null;
    });
    const sentAt = performance.now();
    child.kill('SIGINT');
    expect(await exited, stderr).toBe(130);
    // Not after the lab has come up: a lab start takes seconds on this machine.
    expect(performance.now() - sentAt).toBeLessThan(3_000);
    const record = readRecord(out)!;
    expect(record.overallStatus).toBe('ABORTED');
    expect(record.failure).toEqual({
      step: null,
      phase: 'setup',
      message: 'interrupted while starting the embedded lab',
    });
    expect(record.steps.every((s) => s.status === 'NOT_RUN')).toBe(true);
    expect(record.complete).toBe(true);
    await until('the lab processes to exit', () => (labProcesses.some(alive) ? null : true), 20_000);
  });
});
