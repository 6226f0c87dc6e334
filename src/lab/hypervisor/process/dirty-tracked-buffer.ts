/**
 * A buffer of fixed-size units - guest memory's 4 KiB pages, a volume's
 * 64 KiB blocks - that knows which units were written, for the copies that
 * iterate until they converge: pre-copy migration on KVM's dirty log
 * (KVM_MEM_LOG_DIRTY_PAGES, read and cleared by KVM_GET_DIRTY_LOG) and a
 * block job's dirty bitmap (QEMU's BdrvDirtyBitmap).
 *
 * Every guest write goes through `write*()`, which marks the units dirty
 * while dirty logging is on. A unit received from a migration source goes
 * through `loadUnit()`: the hypervisor writes it, not the guest, so it is
 * not marked.
 *
 * `digestAsOfNow()` hashes units "as of the call" while the VM keeps
 * writing: copy-on-write - before the first write to a unit the hash has not
 * reached yet, the old unit is kept for the hash.
 */
import { createHash, type Hash } from 'node:crypto';
import { setImmediate as yieldToLoop, setTimeout as sleep } from 'node:timers/promises';
import { InvalidArgumentError } from '../../../util/errors.js';

/** Steps of a digest: `chunkBytes` hashed at a time, `pauseMs` of rest before each (0: a yield to the event loop). */
export interface DigestPacing {
  readonly chunkBytes: number;
  readonly pauseMs: number;
}

/** A digest in progress: the units it has still to hash, and the old copy of those written since its instant. */
interface DigestInProgress {
  readonly pending: Uint8Array;
  readonly saved: Map<number, Buffer>;
}

export class DirtyTrackedBuffer {
  /** The bytes, shared with the migration thread of an outgoing migration (page-pump.ts). */
  readonly shared: SharedArrayBuffer;
  readonly bytes: Buffer;
  readonly unitCount: number;
  private readonly unitShift: number;
  /** One byte per unit: 1 = written since the last sync. */
  private readonly dirty: Uint8Array;
  private dirtyCount = 0;
  private logging = false;
  private readonly digests = new Set<DigestInProgress>();

  constructor(
    sizeBytes: number,
    /** Bytes of a unit, a power of two. */
    readonly unitBytes: number,
    /** Names for messages: the unit ('page') and the buffer ('guest memory'). */
    private readonly names: { readonly unit: string; readonly buffer: string },
  ) {
    this.shared = new SharedArrayBuffer(sizeBytes);
    this.bytes = Buffer.from(this.shared);
    this.unitCount = sizeBytes / unitBytes;
    this.unitShift = Math.log2(unitBytes);
    this.dirty = new Uint8Array(this.unitCount);
  }

  get sizeBytes(): number {
    return this.bytes.length;
  }

  /** Copy `src[srcStart, srcEnd)` to `offset` (no allocation: the VNF's per-packet path). */
  writeFrom(offset: number, src: Uint8Array, srcStart = 0, srcEnd = src.length): void {
    const length = srcEnd - srcStart;
    if (length <= 0) return;
    this.beforeWrite(offset, length);
    this.bytes.set(src.subarray(srcStart, srcEnd), offset);
  }

  write(offset: number, data: Uint8Array): void {
    this.writeFrom(offset, data, 0, data.length);
  }

  /** Write a double in place (the VNF's counters, per packet: no copy through a scratch buffer). */
  writeF64(offset: number, value: number): void {
    this.beforeWrite(offset, 8);
    this.bytes.writeDoubleLE(value, offset);
  }

  readF64(offset: number): number {
    return this.bytes.readDoubleLE(offset);
  }

  /** A view of one unit (read it, never write through it). */
  unit(index: number): Buffer {
    return this.bytes.subarray(index * this.unitBytes, (index + 1) * this.unitBytes);
  }

  /** Store a unit received from a migration source or a mirror: not a guest write, so not dirty. */
  loadUnit(index: number, src: Uint8Array, srcStart: number): void {
    if (!Number.isInteger(index) || index < 0 || index >= this.unitCount) {
      const { unit, buffer } = this.names;
      throw new InvalidArgumentError(`${unit} ${index} outside ${buffer} (${this.unitCount} ${unit}s)`);
    }
    this.willChange(index, index);
    this.bytes.set(src.subarray(srcStart, srcStart + this.unitBytes), index * this.unitBytes);
  }

  /** Start dirty logging with a clean log. */
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

  /** Units written since the last sync (or start), ascending; clears the log. */
  syncDirtyLog(): Uint32Array {
    const units = new Uint32Array(this.dirtyCount);
    let n = 0;
    for (let i = 0; i < this.unitCount && n < units.length; i++) {
      if (this.dirty[i] === 1) {
        units[n++] = i;
        this.dirty[i] = 0;
      }
    }
    this.dirtyCount = 0;
    return units;
  }

  /** How many units are dirty right now (without syncing). */
  dirtyUnitCount(): number {
    return this.dirtyCount;
  }

  /**
   * Before units [first, last] change, by a guest write or a load: a
   * subclass that tracks more than dirtiness (a volume's allocation) hooks
   * in here, calling super.
   */
  protected willChange(first: number, last: number): void {
    if (this.digests.size > 0) this.cow(first, last);
  }

  /**
   * SHA-256 of `units` (ascending; null: all of them) as they are at the
   * call, computed from the next turn in steps of `pacing.chunkBytes` with
   * `pacing.pauseMs` of rest before each, so the VM keeps running (and
   * writing) meanwhile. `feed` hashes units from `first` on, consecutive,
   * whose contents are `bytes`; a run of consecutive units comes in one call.
   */
  protected async digestAsOfNow(
    units: Uint32Array | null,
    pacing: DigestPacing,
    feed: (hash: Hash, first: number, bytes: Buffer) => void,
  ): Promise<string> {
    const count = units?.length ?? this.unitCount;
    const unitAt = (i: number): number => (units ? (units[i] ?? 0) : i);
    const digest: DigestInProgress = { pending: new Uint8Array(this.unitCount), saved: new Map() };
    if (units) for (const u of units) digest.pending[u] = 1;
    else digest.pending.fill(1);
    this.digests.add(digest);
    const perStep = Math.max(1, Math.floor(pacing.chunkBytes / this.unitBytes));
    const pause = (): Promise<unknown> => (pacing.pauseMs > 0 ? sleep(pacing.pauseMs) : yieldToLoop());
    const hash = createHash('sha256');
    try {
      for (let i = 0; i < count;) {
        // The digest's instant is taken; hash from the next turn so the caller (a
        // resuming VM) is not delayed by the first step.
        await pause();
        const end = Math.min(i + perStep, count);
        while (i < end) {
          const first = unitAt(i);
          const old = digest.saved.get(first);
          if (old !== undefined) {
            // Written since the instant: the copy kept then.
            feed(hash, first, old);
            digest.saved.delete(first);
            digest.pending[first] = 0;
            i++;
            continue;
          }
          // A run of consecutive units unchanged since the instant, in one call.
          let last = first;
          for (i++; i < end && unitAt(i) === last + 1 && !digest.saved.has(last + 1); i++) last++;
          digest.pending.fill(0, first, last + 1);
          feed(hash, first, this.bytes.subarray(first * this.unitBytes, (last + 1) * this.unitBytes));
        }
      }
      return hash.digest('hex');
    } finally {
      this.digests.delete(digest);
    }
  }

  private beforeWrite(offset: number, length: number): void {
    if (offset < 0 || offset + length > this.bytes.length)
      throw new InvalidArgumentError(`write [${offset}, +${length}) outside ${this.names.buffer}`);
    const first = offset >>> this.unitShift;
    const last = (offset + length - 1) >>> this.unitShift;
    this.willChange(first, last);
    if (!this.logging) return;
    for (let u = first; u <= last; u++) {
      if (this.dirty[u] === 0) {
        this.dirty[u] = 1;
        this.dirtyCount++;
      }
    }
  }

  /** Keep the pre-write copy of units [first, last] for every digest in progress that still needs them. */
  private cow(first: number, last: number): void {
    for (const d of this.digests) {
      for (let u = first; u <= last; u++) {
        if (d.pending[u] === 1 && !d.saved.has(u)) d.saved.set(u, Buffer.from(this.unit(u)));
      }
    }
  }
}
