import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../util/errors.js';
import { checkOutDir, createDefaultOutDir, createOutDir } from './out-dir.js';

const dir = mkdtempSync(join(tmpdir(), 'vnflab-outdir-'));
const asRoot = process.getuid?.() === 0;

function refusal(path: string): string {
  try {
    checkOutDir(path, '--out');
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error(`${path} was accepted`);
}

describe('the results folder (--out)', () => {
  it('under /proc or /sys: refused at once (Node 20 recursive mkdir spins forever there)', () => {
    expect(refusal('/proc/vnflab-out')).toBe(
      '--out /proc/vnflab-out: /proc is a kernel filesystem, not a place for files: give a folder on disk you can write to, e.g. results/my-run',
    );
    expect(refusal('/proc')).toMatch(/^--out \/proc: \/proc is a kernel filesystem/);
    expect(refusal('/sys/kernel/x/y')).toMatch(/^--out \/sys\/kernel\/x\/y: \/sys is a kernel filesystem/);
  });

  it('a file, or a path under a file: refused, naming the file', () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    expect(refusal(file)).toBe(
      `--out ${file}: a file, not a folder: give a folder (it is created if missing)`,
    );
    expect(refusal(join(file, 'sub', 'deeper'))).toBe(
      `--out ${join(file, 'sub', 'deeper')}: ${file} is a file, so no folder can be made under it: give another path`,
    );
  });

  it.skipIf(asRoot)('a folder that cannot be written: refused (EACCES)', () => {
    const locked = join(dir, 'locked');
    mkdirSync(locked);
    chmodSync(locked, 0o555);
    expect(refusal(join(locked, 'out'))).toBe(
      `--out ${join(locked, 'out')}: ${locked} is not writable (EACCES): give a folder you can write to, or change its permissions`,
    );
    expect(refusal(locked)).toMatch(/: it is not writable \(EACCES\)/);
  });

  it('a folder that exists, or can be made: accepted, and made only when asked', () => {
    expect(() => checkOutDir(dir, '--out')).not.toThrow();
    const nested = join(dir, 'x', 'y', 'z');
    checkOutDir(nested, '--out');
    expect(existsSync(join(dir, 'x'))).toBe(false);
    expect(createOutDir(nested, '--out')).toBe(nested);
    expect(existsSync(nested)).toBe(true);
  });

  it('default folders: one per run, even for runs started in the same millisecond', () => {
    const parent = join(dir, 'results');
    const now = new Date('2026-11-25T10:12:26.123Z');
    const a = createDefaultOutDir('TC_VNF_MIGRATE_002', parent, now);
    const b = createDefaultOutDir('TC_VNF_MIGRATE_002', parent, now);
    expect(a).not.toBe(b);
    expect(a).toMatch(/\/results\/TC_VNF_MIGRATE_002-20261125T101226\.123Z-[0-9a-f]{6}$/);
    expect(readdirSync(parent).sort()).toEqual([a, b].map((p) => p.slice(parent.length + 1)).sort());
  });

  it('default folders: a name already taken is never shared; another suffix is tried', () => {
    const parent = join(dir, 'results-taken');
    const now = new Date('2026-11-25T10:12:26.123Z');
    const suffixes = ['aaaaaa', 'aaaaaa', 'bbbbbb'];
    const next = (): string => suffixes.shift() ?? 'cccccc';
    const first = createDefaultOutDir('TC', parent, now, next);
    const second = createDefaultOutDir('TC', parent, now, next);
    expect(first.endsWith('-aaaaaa')).toBe(true);
    expect(second.endsWith('-bbbbbb')).toBe(true);
  });
});
