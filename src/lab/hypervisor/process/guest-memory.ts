/**
 * Guest memory of a process VM: a Buffer of memoryMiB in 4 KiB pages.
 *
 * Every write goes through `write*()`, which marks the pages dirty while dirty
 * logging is on - the model of KVM's dirty log (KVM_MEM_LOG_DIRTY_PAGES, read
 * and cleared by KVM_GET_DIRTY_LOG) that QEMU's pre-copy migration uses.
 *
 * `snapshotDigest()` hashes memory "as of the call" while the VM keeps
 * writing: copy-on-write - before the first write to a page the hash has not
 * reached yet, the old page is kept for the hash.
 */
import { createHash } from 'node:crypto';
import { setImmediate as yieldToLoop, setTimeout as sleep } from 'node:timers/promises';

export const PAGE_SIZE = 4096;
export const PAGE_SHIFT = 12;
const MIB = 1024 * 1024;

/**
 * Pacing of the migration digests: 128 KiB (~0.1-0.3 ms of SHA-256) then 1 ms
 * of rest, so hashing at the switch-over does not starve the resumed VNF or
 * the fabric of CPU (measured: unpaced, the first forward came ~8 ms later).
 * The destination hashes on the thread its VNF forwards on, and libuv reads
 * at most 32 datagrams per socket per loop turn: with 1 MiB chunks (~3 ms on
 * the 2-core lab machine) the VNF fell behind 10k packets/s for the ~0.3 s
 * of hashing and queued packets past the loss threshold after the move.
 */
export const DIGEST_PACING = { chunkBytes: 128 * 1024, pauseMs: 1 } as const;

interface Snapshot {
  /** Pages below this index are hashed already: writes to them need no copy. */
  cursorPage: number;
  /** Pages written since the snapshot instant, as they were at that instant. */
  readonly saved: Map<number, Buffer>;
}

export class GuestMemory {
  /** The memory, shared with the migration thread of an outgoing migration (page-pump.ts). */
  readonly shared: SharedArrayBuffer;
  readonly bytes: Buffer;
  readonly pageCount: number;
  /** One byte per page: 1 = written since the last sync. */
  private readonly dirty: Uint8Array;
  private dirtyCount = 0;
  private logging = false;
  private readonly snapshots = new Set<Snapshot>();

  constructor(readonly memoryMiB: number) {
    if (!Number.isInteger(memoryMiB) || memoryMiB < 1)
      throw new RangeError(`memoryMiB must be a positive integer, got ${memoryMiB}`);
    this.shared = new SharedArrayBuffer(memoryMiB * MIB);
    this.bytes = Buffer.from(this.shared);
    // Touch every page now (QEMU's -mem-prealloc). Untouched, the migration
    // thread's first reads (source) and writes (destination) fault pages in
    // during round 1, and each fault takes the process's mmap lock, which the
    // VNF's thread then waits for: loss episodes of 100-170 ms in round 1.
    this.bytes.fill(0);
    this.pageCount = this.bytes.length / PAGE_SIZE;
    this.dirty = new Uint8Array(this.pageCount);
  }

  get sizeBytes(): number {
    return this.bytes.length;
  }

  /** Copy `src[srcStart, srcEnd)` to `offset` (no allocation: the VNF's per-packet path). */
  writeFrom(offset: number, src: Uint8Array, srcStart = 0, srcEnd = src.length): void {
    const length = srcEnd - srcStart;
    if (length <= 0) return;
    if (offset < 0 || offset + length > this.bytes.length)
      throw new RangeError(`write [${offset}, +${length}) outside guest memory`);
    this.beforeWrite(offset, length);
    this.bytes.set(src.subarray(srcStart, srcEnd), offset);
  }

  write(offset: number, data: Uint8Array): void {
    this.writeFrom(offset, data, 0, data.length);
  }

  /** Write a double in place (the VNF's counters, per packet: no copy through a scratch buffer). */
  writeF64(offset: number, value: number): void {
    if (offset < 0 || offset + 8 > this.bytes.length)
      throw new RangeError(`write [${offset}, +8) outside guest memory`);
    this.beforeWrite(offset, 8);
    this.bytes.writeDoubleLE(value, offset);
  }

  readF64(offset: number): number {
    return this.bytes.readDoubleLE(offset);
  }

  /** A view of one page (read it, never write through it). */
  page(index: number): Buffer {
    return this.bytes.subarray(index * PAGE_SIZE, (index + 1) * PAGE_SIZE);
  }

  /**
   * Load a page received from a migration source. The hypervisor writes it,
   * not the guest: no dirty marking, but an open snapshot still keeps the old
   * page.
   */
  loadPage(index: number, src: Uint8Array, srcStart: number): void {
    if (index < 0 || index >= this.pageCount) throw new RangeError(`page ${index} outside guest memory`);
    const offset = index * PAGE_SIZE;
    this.cow(index, index);
    this.bytes.set(src.subarray(srcStart, srcStart + PAGE_SIZE), offset);
  }

  /** Start dirty logging with a clean bitmap (KVM_MEM_LOG_DIRTY_PAGES). */
  startDirtyLog(): void {
    this.dirty.fill(0);
    this.dirtyCount = 0;
    this.logging = true;
  }

  stopDirtyLog(): void {
    this.logging = false;
    this.dirty.fill(0);
    this.dirtyCount = 0;
  }

  get dirtyLogging(): boolean {
    return this.logging;
  }

  /** Pages written since the last sync, ascending; clears the bitmap (KVM_GET_DIRTY_LOG). */
  syncDirtyLog(): Uint32Array {
    const pages = new Uint32Array(this.dirtyCount);
    let n = 0;
    for (let i = 0; i < this.pageCount && n < pages.length; i++) {
      if (this.dirty[i] === 1) {
        pages[n++] = i;
        this.dirty[i] = 0;
      }
    }
    this.dirtyCount = 0;
    return pages;
  }

  /** How many pages are dirty right now (without syncing). */
  dirtyPageCount(): number {
    return this.dirtyCount;
  }

  /**
   * SHA-256 (hex) of the whole memory as it is at the instant of the call,
   * computed in chunks of `chunkBytes` with a yield to the event loop between
   * chunks, so the VNF keeps running while it is computed. `pauseMs` > 0
   * sleeps between chunks instead, to leave CPU to the VNF and the rest of
   * the lab (a 2-core machine runs fabric, hosts and traffic at once).
   */
  async snapshotDigest(opts: { chunkBytes?: number; pauseMs?: number } = {}): Promise<string> {
    const chunkBytes = opts.chunkBytes ?? MIB;
    const pauseMs = opts.pauseMs ?? 0;
    const pause = (): Promise<unknown> => (pauseMs > 0 ? sleep(pauseMs) : yieldToLoop());
    const snapshot: Snapshot = { cursorPage: 0, saved: new Map() };
    this.snapshots.add(snapshot);
    const pagesPerChunk = Math.max(1, Math.floor(chunkBytes / PAGE_SIZE));
    const hash = createHash('sha256');
    try {
      // The snapshot is taken; hash from the next turn so the caller (a
      // resuming VM) is not delayed by the first chunk.
      await pause();
      while (snapshot.cursorPage < this.pageCount) {
        const start = snapshot.cursorPage;
        const end = Math.min(start + pagesPerChunk, this.pageCount);
        let runStart = start;
        if (snapshot.saved.size > 0) {
          for (let p = start; p < end; p++) {
            const old = snapshot.saved.get(p);
            if (old === undefined) continue;
            if (runStart < p) hash.update(this.bytes.subarray(runStart * PAGE_SIZE, p * PAGE_SIZE));
            hash.update(old);
            snapshot.saved.delete(p);
            runStart = p + 1;
          }
        }
        if (runStart < end) hash.update(this.bytes.subarray(runStart * PAGE_SIZE, end * PAGE_SIZE));
        snapshot.cursorPage = end;
        if (end < this.pageCount) await pause();
      }
      return hash.digest('hex');
    } finally {
      this.snapshots.delete(snapshot);
    }
  }

  private beforeWrite(offset: number, length: number): void {
    const first = offset >>> PAGE_SHIFT;
    const last = (offset + length - 1) >>> PAGE_SHIFT;
    if (this.snapshots.size > 0) this.cow(first, last);
    if (!this.logging) return;
    for (let p = first; p <= last; p++) {
      if (this.dirty[p] === 0) {
        this.dirty[p] = 1;
        this.dirtyCount++;
      }
    }
  }

  /** Keep the pre-write copy of pages [first, last] for every open snapshot that still needs them. */
  private cow(first: number, last: number): void {
    for (const s of this.snapshots) {
      for (let p = Math.max(first, s.cursorPage); p <= last; p++) {
        if (!s.saved.has(p)) s.saved.set(p, Buffer.from(this.page(p)));
      }
    }
  }
}
