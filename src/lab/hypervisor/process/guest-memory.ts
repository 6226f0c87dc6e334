/**
 * Guest memory of a process VM: a Buffer of memoryMiB in 4 KiB pages, dirty
 * tracked (see DirtyTrackedBuffer: KVM's dirty log, which QEMU's pre-copy
 * migration uses, and copy-on-write digests "as of the call").
 */
import { DirtyTrackedBuffer } from './dirty-tracked-buffer.js';
import { InvalidArgumentError } from '../../../util/errors.js';

export const PAGE_SIZE = 4096;
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

export class GuestMemory extends DirtyTrackedBuffer {
  constructor(readonly memoryMiB: number) {
    if (!Number.isInteger(memoryMiB) || memoryMiB < 1)
      throw new InvalidArgumentError(`memoryMiB must be a positive integer, got ${memoryMiB}`);
    super(memoryMiB * MIB, PAGE_SIZE, { unit: 'page', buffer: 'guest memory' });
    // Touch every page now (QEMU's -mem-prealloc). Untouched, the migration
    // thread's first reads (source) and writes (destination) fault pages in
    // during round 1, and each fault takes the process's mmap lock, which the
    // VNF's thread then waits for: loss episodes of 100-170 ms in round 1.
    this.bytes.fill(0);
  }

  get pageCount(): number {
    return this.unitCount;
  }

  /** A view of one page (read it, never write through it). */
  page(index: number): Buffer {
    return this.unit(index);
  }

  /**
   * Load a page received from a migration source. The hypervisor writes it,
   * not the guest: no dirty marking, but an open snapshot still keeps the old
   * page.
   */
  loadPage(index: number, src: Uint8Array, srcStart: number): void {
    this.loadUnit(index, src, srcStart);
  }

  /** How many pages are dirty right now (without syncing). */
  dirtyPageCount(): number {
    return this.dirtyUnitCount();
  }

  /**
   * SHA-256 (hex) of the whole memory as it is at the instant of the call,
   * computed in chunks of `chunkBytes` with a yield to the event loop between
   * chunks, so the VNF keeps running while it is computed. `pauseMs` > 0
   * sleeps between chunks instead, to leave CPU to the VNF and the rest of
   * the lab (a 2-core machine runs fabric, hosts and traffic at once).
   */
  snapshotDigest(opts: { chunkBytes?: number; pauseMs?: number } = {}): Promise<string> {
    const pacing = { chunkBytes: opts.chunkBytes ?? MIB, pauseMs: opts.pauseMs ?? 0 };
    return this.digestAsOfNow(null, pacing, (hash, _first, bytes) => hash.update(bytes));
  }
}
