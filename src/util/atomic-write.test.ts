import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { serialWriter, writeFileAtomic, type AtomicWriteFs } from './atomic-write.js';

const enospc = (): NodeJS.ErrnoException =>
  Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });

/** node:fs/promises, except that a write stores half its bytes and then finds the disk full. */
const fullDisk: AtomicWriteFs = {
  rename,
  unlink,
  async open(path, flags, mode) {
    const handle = await open(path, flags, mode);
    return {
      async writeFile(data) {
        await handle.writeFile(data.slice(0, Math.floor(data.length / 2)), 'utf8');
        throw enospc();
      },
      sync: () => handle.sync(),
      close: () => handle.close(),
    };
  },
};

describe('writeFileAtomic', () => {
  it('replaces the file whole', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vnflab-atomic-'));
    const file = join(dir, 'result.json');
    await writeFileAtomic(file, '{"a":1}\n');
    await writeFileAtomic(file, '{"a":2}\n');
    expect(readFileSync(file, 'utf8')).toBe('{"a":2}\n');
    expect(readdirSync(dir)).toEqual(['result.json']);
  });

  it('on a full disk: rejects with ENOSPC, the previous content stays valid, no temporary file is left', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vnflab-atomic-'));
    const file = join(dir, 'result.json');
    writeFileSync(file, '{"overallStatus":"ERROR"}\n');
    const err: unknown = await writeFileAtomic(
      file,
      JSON.stringify({ long: 'x'.repeat(10_000) }),
      fullDisk,
    ).catch((e: unknown) => e);
    expect((err as NodeJS.ErrnoException).code).toBe('ENOSPC');
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ overallStatus: 'ERROR' });
    expect(readdirSync(dir)).toEqual(['result.json']);
  });

  it('serialWriter: versions land in call order even when an earlier write is slower', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vnflab-atomic-'));
    const file = join(dir, 'result.json');
    let first = true;
    const write = serialWriter(file, async (f, data) => {
      if (first) {
        first = false;
        await new Promise((r) => setTimeout(r, 50));
      }
      await writeFileAtomic(f, data);
    });
    const a = write('1');
    const b = write('2');
    await Promise.all([a, b]);
    expect(readFileSync(file, 'utf8')).toBe('2');
  });
});
