import { createHash, randomBytes } from 'node:crypto';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../../util/errors.js';
import { GuestMemory, PAGE_SIZE } from './guest-memory.js';

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

describe('GuestMemory', () => {
  it('has memoryMiB of 4 KiB pages', () => {
    const m = new GuestMemory(2);
    expect(m.sizeBytes).toBe(2 * 1024 * 1024);
    expect(m.pageCount).toBe(512);
    expect(() => new GuestMemory(0)).toThrow(InvalidArgumentError);
  });

  it('marks written pages dirty only while dirty logging is on', () => {
    const m = new GuestMemory(1);
    m.write(10, Buffer.from('before logging'));
    m.startDirtyLog();
    expect(m.dirtyPageCount()).toBe(0);
    m.write(PAGE_SIZE * 3 + 5, Buffer.from('x'));
    // A write straddling pages 7 and 8 dirties both.
    m.write(PAGE_SIZE * 8 - 2, Buffer.from('abcd'));
    m.writeF64(PAGE_SIZE * 3, 42); // page 3 again: counted once
    expect(m.dirtyPageCount()).toBe(3);
    expect([...m.syncDirtyLog()]).toEqual([3, 7, 8]);
    // Sync clears the log.
    expect(m.dirtyPageCount()).toBe(0);
    expect([...m.syncDirtyLog()]).toEqual([]);
    m.write(0, Buffer.from('y'));
    expect([...m.syncDirtyLog()]).toEqual([0]);
    expect(m.readF64(PAGE_SIZE * 3)).toBe(42);
    m.stopDirtyLog();
    m.write(PAGE_SIZE * 100, Buffer.from('z'));
    expect(m.dirtyPageCount()).toBe(0);
  });

  it('refuses writes outside the memory', () => {
    const m = new GuestMemory(1);
    expect(() => m.write(m.sizeBytes - 1, Buffer.from('ab'))).toThrow(InvalidArgumentError);
  });

  it('snapshot digest equals the digest of a copy taken at the instant, while writes go on', async () => {
    const m = new GuestMemory(4);
    m.write(0, randomBytes(m.sizeBytes));
    const atInstant = Buffer.from(m.bytes);
    // Small chunks so many writes land between chunks, before and after the cursor.
    const digest = m.snapshotDigest({ chunkBytes: 64 * 1024 });
    let done = false;
    void digest.finally(() => (done = true));
    let writes = 0;
    while (!done) {
      for (let i = 0; i < 50; i++) {
        const offset = Math.floor(Math.random() * (m.sizeBytes - 16));
        m.write(offset, randomBytes(16));
        writes++;
      }
      // A page loaded by the hypervisor (incoming migration) is copy-on-write too.
      m.loadPage(Math.floor(Math.random() * m.pageCount), randomBytes(PAGE_SIZE), 0);
      await yieldToLoop();
    }
    expect(writes).toBeGreaterThan(500);
    expect(Buffer.compare(atInstant, m.bytes)).not.toBe(0);
    expect(await digest).toBe(sha256(atInstant));
    // And a new snapshot sees the memory as it is now.
    expect(await m.snapshotDigest()).toBe(sha256(m.bytes));
  });

  it('two overlapping snapshots each see their own instant', async () => {
    const m = new GuestMemory(1);
    const first = Buffer.from(m.bytes);
    const d1 = m.snapshotDigest({ chunkBytes: 16 * PAGE_SIZE, pauseMs: 1 });
    m.write(0, Buffer.from('changed'));
    const second = Buffer.from(m.bytes);
    const d2 = m.snapshotDigest({ chunkBytes: 16 * PAGE_SIZE, pauseMs: 1 });
    m.write(PAGE_SIZE * 200, Buffer.from('changed again'));
    expect(await d1).toBe(sha256(first));
    expect(await d2).toBe(sha256(second));
  });
});
