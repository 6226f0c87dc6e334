import { describe, expect, it } from 'vitest';
import { StorageWorkload, JOURNAL_HEADER } from './storage-workload.js';
import { VolumeMirror } from './storage-mirror.js';
import { BLOCK_SIZE, Volume } from './volume.js';

describe('Volume', () => {
  it('is thin: only written blocks are allocated, and they are dirty while logging', () => {
    const v = new Volume('p0', 1);
    expect(v.blockCount).toBe(64);
    expect(v.allocatedBlockCount).toBe(0);
    v.writeFrom(BLOCK_SIZE - 4, Buffer.alloc(8, 1)); // straddles blocks 0 and 1
    expect([...v.allocatedBlocks()]).toEqual([0, 1]);
    v.startDirtyLog();
    v.writeF64(5 * BLOCK_SIZE, 42);
    expect(v.dirtyBlockCount()).toBe(1);
    expect([...v.syncDirtyLog()]).toEqual([5]);
    expect(v.dirtyBlockCount()).toBe(0);
    const digest = v.digest();
    const copy = new Volume('p1', 1);
    for (const b of v.allocatedBlocks()) copy.loadBlock(b, v.bytes, b * BLOCK_SIZE);
    expect(copy.digest()).toBe(digest);
    copy.writeF64(0, 1);
    expect(copy.digest()).not.toBe(digest);
  });

  it('snapshotDigest hashes the volume as it was at the call while it is written meanwhile (copy-on-write)', async () => {
    const v = new Volume('p0', 1);
    for (let b = 0; b < 10; b++) v.writeFrom(b * BLOCK_SIZE, Buffer.alloc(100, b + 1));
    const before = v.digest();
    const pending = v.snapshotDigest({ chunkBytes: BLOCK_SIZE, pauseMs: 1 });
    // Overwrite hashed-later blocks, one block twice, and allocate a new one, while the digest runs.
    v.writeFrom(9 * BLOCK_SIZE, Buffer.alloc(100, 0xee));
    await new Promise((r) => setTimeout(r, 3));
    v.writeFrom(8 * BLOCK_SIZE, Buffer.alloc(100, 0xdd));
    v.writeFrom(9 * BLOCK_SIZE, Buffer.alloc(100, 0xcc));
    v.writeFrom(20 * BLOCK_SIZE, Buffer.alloc(100, 0xbb));
    expect(await pending).toBe(before);
    expect(v.digest()).not.toBe(before);
    expect(await v.snapshotDigest()).toBe(v.digest());
  });
});

describe('VolumeMirror', () => {
  it('copies a volume that is being written, iterating on dirty blocks, and pivots to an identical copy', async () => {
    const source = new Volume('pool-0', 1);
    const workload = new StorageWorkload(
      source,
      { journalEveryPackets: 1, blockWritesPerSec: 2000 },
      {
        rng: 7,
        packetsSinceRecord: 0,
      },
    );
    const packet = Buffer.alloc(64, 0xab);
    for (let i = 0; i < 5000; i++) workload.onPacket(packet); // fill part of the journal
    workload.start();
    const journaling = setInterval(() => {
      for (let i = 0; i < 20; i++) workload.onPacket(packet);
    }, 1);
    let pivotedTo: Volume | null = null;
    const target = new Volume('pool-1', 1);
    try {
      const result = await new VolumeMirror({
        source,
        target,
        // 4 MiB/s: the first pass over ~2.5 MiB takes long enough for writes to land behind it.
        bandwidthBytesPerSec: 4 * 1024 * 1024,
        downtimeLimitMs: 5,
        maxRounds: 3,
        pivot: (v) => {
          pivotedTo = v;
          workload.retarget(v);
        },
      }).run();
      expect(result.ok).toBe(true);
      expect(result.rounds).toBeGreaterThanOrEqual(2);
      expect(result.bytesTransferred).toBeGreaterThan(source.allocatedBlockCount * BLOCK_SIZE);
      expect(result.sourceDigest).toMatch(/^[0-9a-f]{64}$/);
      expect(result.targetDigest).toBe(result.sourceDigest);
      expect(pivotedTo).toBe(target);
      // After the pivot the VNF's writes land in the target only.
      const records = target.readF64(JOURNAL_HEADER.records);
      const sourceRecords = source.readF64(JOURNAL_HEADER.records);
      await new Promise((r) => setTimeout(r, 20));
      expect(target.readF64(JOURNAL_HEADER.records)).toBeGreaterThan(records);
      expect(source.readF64(JOURNAL_HEADER.records)).toBe(sourceRecords);
    } finally {
      clearInterval(journaling);
      workload.stop();
    }
  });

  it('a cancelled mirror leaves the VNF on its volume', async () => {
    const source = new Volume('pool-0', 1);
    source.writeFrom(0, Buffer.alloc(BLOCK_SIZE * 32, 1));
    let pivoted = false;
    const mirror = new VolumeMirror({
      source,
      target: new Volume('pool-1', 1),
      bandwidthBytesPerSec: 1024 * 1024,
      downtimeLimitMs: 1,
      maxRounds: 5,
      pivot: () => (pivoted = true),
    });
    const run = mirror.run();
    setTimeout(() => mirror.cancel('stop it'), 20);
    const result = await run;
    expect(result).toMatchObject({ ok: false, reason: 'stop it', pausedAtNs: null });
    expect(pivoted).toBe(false);
  });
});
