/**
 * Runs that do not end normally, through the built CLI on the embedded lab:
 * killed outright (SIGKILL), or interrupted while the lab is still starting.
 * What is on disk must say how far the run got, and nothing may be left
 * running. Needs `npm run build` first (npm test does it).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { TcResult } from '../../src/record/result.js';

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

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

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
});
