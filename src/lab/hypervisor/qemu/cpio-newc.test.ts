import { describe, expect, it } from 'vitest';
import { cpioNewc } from './cpio-newc.js';

/** Read a newc archive back: [name, mode, size, rdev major, rdev minor, data]. */
function entries(buf: Buffer): { name: string; mode: number; data: Buffer; rdev: [number, number] }[] {
  const out: { name: string; mode: number; data: Buffer; rdev: [number, number] }[] = [];
  let off = 0;
  const align = (n: number): number => (n + 3) & ~3;
  for (;;) {
    const head = buf.subarray(off, off + 110).toString('ascii');
    expect(head.slice(0, 6)).toBe('070701');
    const field = (i: number): number => parseInt(head.slice(6 + i * 8, 14 + i * 8), 16);
    const nameSize = field(11);
    const size = field(6);
    const name = buf.subarray(off + 110, off + 110 + nameSize - 1).toString('utf8');
    const dataAt = align(off + 110 + nameSize);
    out.push({
      name,
      mode: field(1),
      data: buf.subarray(dataAt, dataAt + size),
      rdev: [field(9), field(10)],
    });
    off = align(dataAt + size);
    if (name === 'TRAILER!!!') break;
  }
  expect(off).toBe(buf.length);
  return out;
}

describe('cpioNewc', () => {
  it('writes dirs, files and device nodes the kernel can unpack, 4-byte aligned, with a trailer', () => {
    const archive = cpioNewc([
      { kind: 'dir', path: 'bin' },
      { kind: 'file', path: 'init', data: Buffer.from('#!/bin/sh\n'), mode: 0o755 },
      { kind: 'file', path: 'bin/x', data: Buffer.from('12345') },
      { kind: 'chardev', path: 'dev/console', major: 5, minor: 1 },
    ]);
    const e = entries(archive);
    expect(e.map((x) => x.name)).toEqual(['bin', 'init', 'bin/x', 'dev/console', 'TRAILER!!!']);
    expect(e[0]?.mode).toBe(0o040755);
    expect(e[1]?.mode).toBe(0o100755);
    expect(e[1]?.data.toString()).toBe('#!/bin/sh\n');
    expect(e[2]?.mode).toBe(0o100644);
    expect(e[2]?.data.toString()).toBe('12345');
    expect(e[3]?.mode).toBe(0o020600);
    expect(e[3]?.rdev).toEqual([5, 1]);
  });

  it('is deterministic (fixed mtime), so an unchanged guest is not rebuilt differently', () => {
    const build = (): Buffer => cpioNewc([{ kind: 'file', path: 'a', data: Buffer.from('x') }]);
    expect(build().equals(build())).toBe(true);
  });
});
