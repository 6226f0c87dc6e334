/**
 * Bad input through the built CLI, where the exit path differs from the
 * library's (the unit corpus, src/commands/bad-input.test.ts, covers the
 * rest through runCommand): each is exactly one line on stderr naming the
 * flag, field or file and the fix, exit 2, no results folder, no process
 * left. Needs `npm run build` first (npm test does it).
 */
import { spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readlinkSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const cli = join(root, 'dist/cli/main.js');

/** `uid` can read `file` (every folder above it searchable): checked by a process running as that user. */
function readableBy(uid: number, file: string): boolean {
  const probe = spawnSync(process.execPath, ['-e', 'require("fs").accessSync(process.argv[1], 4)', file], {
    uid,
    stdio: 'ignore',
  });
  return probe.status === 0;
}
const made: string[] = [];
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});
/** A fresh folder, readable by everyone (runs as another user read their files from it). */
function tmp(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  chmodSync(dir, 0o755);
  made.push(dir);
  return dir;
}

/** Processes whose working folder is `dir` (a lab started by the CLI inherits its cwd). */
function processesIn(dir: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readlinkSync(`/proc/${entry}/cwd`) === dir) found.push(Number(entry));
    } catch {
      // gone, or not ours to look at
    }
  }
  return found;
}

/**
 * `vnflab <args>` in a fresh working folder (as `uid` when given), expected
 * to refuse: exit 2, one line on stderr matching `line`, nothing created in
 * the working folder, no process left there. The timeout catches a CLI that
 * hangs instead of refusing.
 */
function expectRefused(
  args: readonly string[],
  line: RegExp,
  opts: { cwd?: string; uid?: number } = {},
): void {
  const cwd = opts.cwd ?? tmp('vnflab-bad-cwd-');
  const before = readdirSync(cwd).sort();
  const r = spawnSync(process.execPath, [cli, ...args], {
    cwd,
    encoding: 'utf8',
    timeout: 20_000,
    killSignal: 'SIGKILL', // a CLI spinning in a blocked event loop never handles SIGTERM
    ...(opts.uid !== undefined ? { uid: opts.uid, gid: opts.uid } : {}),
  });
  const what = `vnflab ${args.join(' ')}\nstatus ${r.status} signal ${r.signal}\nstderr: ${r.stderr}`;
  expect(r.signal, what).toBeNull();
  expect(r.status, what).toBe(2);
  expect(r.stderr.endsWith('\n'), what).toBe(true);
  expect(r.stderr.trimEnd().split('\n'), what).toHaveLength(1);
  expect(r.stderr, what).toMatch(/^vnflab: /);
  expect(r.stderr, what).toMatch(line);
  expect(r.stdout).toBe('');
  expect(readdirSync(cwd).sort(), 'created something in the working folder').toEqual(before);
  expect(processesIn(cwd)).toEqual([]);
}

const run = ['run', 'TC_VNF_MIGRATE_002'];

describe('bad --out through the CLI', () => {
  it('--out under /proc: a usage error at once (it spun at 100 % CPU forever, deaf to Ctrl-C)', () => {
    expectRefused(
      [...run, '--out', '/proc/vnflab-out'],
      /--out \/proc\/vnflab-out: \/proc is a kernel filesystem/,
    );
    expectRefused(
      [...run, '--out', '/sys/vnflab-out'],
      /--out \/sys\/vnflab-out: \/sys is a kernel filesystem/,
    );
  });

  it('--out that is a file, or under a file', () => {
    const cwd = tmp('vnflab-bad-cwd-');
    writeFileSync(join(cwd, 'taken'), '');
    expectRefused([...run, '--out', 'taken'], /--out taken: a file, not a folder: give a folder/, { cwd });
    expectRefused(
      [...run, '--out', 'taken/out'],
      new RegExp(
        `--out taken/out: ${cwd}/taken is a file, so no folder can be made under it: give another path`,
      ),
      { cwd },
    );
  });

  it('--out in a folder the user cannot write to', (ctx) => {
    // root writes anywhere: run as nobody, who may not write to a folder root owns.
    const uid = process.getuid?.() === 0 ? 65534 : undefined;
    if (uid !== undefined && !readableBy(uid, cli)) {
      // E.g. a checkout under a 0700 folder (mktemp -d): nobody cannot even load the CLI.
      console.warn(
        `skipped: ${cli} is not readable by uid ${uid}, so the CLI cannot run as a user root is not`,
      );
      return ctx.skip();
    }
    const cwd = tmp('vnflab-bad-cwd-');
    const locked = join(cwd, 'locked');
    mkdirSync(locked);
    chmodSync(locked, 0o555);
    expectRefused([...run, '--out', 'locked/out'], /--out locked\/out: .*locked is not writable \(EACCES\)/, {
      cwd,
      ...(uid !== undefined ? { uid } : {}),
    });
    expect(existsSync(join(locked, 'out'))).toBe(false);
  });
});

describe('usage errors through the CLI: one line, exit 2', () => {
  it("commander's own (a bad choice, an unknown option with its hint, a missing argument)", () => {
    expectRefused(
      [...run, '--resource', 'vGPU'],
      /^vnflab: option '--resource <TYPE>' argument 'vGPU' is invalid\. Allowed choices are vMemory, vCPU, vStorage, vNIC, any\.$/m,
    );
    expectRefused([...run, '--otu', 'x'], /^vnflab: unknown option '--otu' \(Did you mean --out\?\)$/m);
    expectRefused(['run'], /^vnflab: missing required argument 'TESTCASE'$/m);
  });

  it('a malformed config file: where (line, column, the line) and what', () => {
    const cwd = tmp('vnflab-bad-cwd-');
    writeFileSync(join(cwd, 'run.yaml'), 'traffic:\n  flows: a: 2\n');
    expectRefused(
      [...run, '--config', 'run.yaml'],
      /^vnflab: config file run\.yaml, line 2, column 10 \("flows: a: 2"\): not valid YAML: Nested mappings are not allowed in compact mappings$/m,
      { cwd },
    );
  });

  it('a missing license file: named before the lab starts', () => {
    expectRefused(
      [...run, '--license', 'no-license.yaml'],
      /^vnflab: tcInput\.vnfLicenseFile \(--license\): cannot read .*\/no-license\.yaml \(ENOENT\): check the path$/m,
    );
  });

  it('a VNFM where nothing listens: named with the address, no lab started', () => {
    const cwd = tmp('vnflab-bad-cwd-');
    writeFileSync(
      join(cwd, 'run.yaml'),
      'vnfm:\n  driver: sol003\n  baseUrl: http://127.0.0.1:1/vnflcm/v2\n  token: t\n',
    );
    expectRefused(
      [...run, '--config', 'run.yaml'],
      /^vnflab: vnfm\.baseUrl http:\/\/127\.0\.0\.1:1\/vnflcm\/v2: cannot connect to 127\.0\.0\.1:1 \(connect ECONNREFUSED 127\.0\.0\.1:1\): check the URL/m,
      { cwd },
    );
  });
});

describe('the default results folder', () => {
  it('two runs started together without --out each print their own folder', async () => {
    const cwd = tmp('vnflab-two-runs-');
    const start = (): Promise<{ code: number | null; stderr: string }> => {
      const child = spawn(process.execPath, [cli, ...run], { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      return new Promise((done) => {
        child.stderr.on('data', (b: Buffer) => {
          stderr += b.toString();
          // Both are stopped while the lab starts: what matters is where they write.
          if (stderr.includes('TC_VNF_MIGRATE_002: ') && !child.killed) child.kill('SIGINT');
        });
        child.once('exit', (code) => done({ code, stderr }));
      });
    };
    const runs = await Promise.all([start(), start()]);
    const folders = runs.map((r) => /^result: (.*)\/result\.json$/m.exec(r.stderr)?.[1]);
    expect(runs.map((r) => r.code)).toEqual([130, 130]);
    expect(folders[0]).toMatch(
      new RegExp(`^${cwd}/results/TC_VNF_MIGRATE_002-\\d{8}T\\d{6}\\.\\d{3}Z-[0-9a-f]{6}$`),
    );
    expect(folders[1]).toMatch(/-[0-9a-f]{6}$/);
    expect(folders[0]).not.toBe(folders[1]);
    expect(readdirSync(join(cwd, 'results'))).toHaveLength(2);
  });
});
