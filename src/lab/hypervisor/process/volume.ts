/**
 * A VM's volume (its vStorage) in a storage pool of a process host: 64 KiB
 * blocks, thin-provisioned like a qcow2 image - only blocks written at least
 * once are allocated, and only those are copied when the volume moves
 * (QEMU's drive-mirror / block migration copy allocated clusters only).
 *
 * The flavor's storageGiB is the provisioned size the inventory accounts;
 * the lab stores the first {@link VOLUME_STORED_BYTES} of it (what the VNF
 * writes), so a 1 GiB volume costs a few MiB of host memory.
 *
 * Every write goes through `write*()`, which marks the block dirty while
 * dirty logging is on: the dirty bitmap of a block job (QEMU's
 * BdrvDirtyBitmap) that makes a mirror iterate until it converges.
 */
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

export const BLOCK_SIZE = 64 * 1024;
/** Bytes of the volume the lab stores (4 MiB = 64 blocks). */
export const VOLUME_STORED_BYTES = 4 * 1024 * 1024;
const GIB = 1024 * 1024 * 1024;

/** A copy of a volume's allocated blocks at one instant (for a digest taken later). */
export interface VolumeSnapshot {
  readonly blocks: Uint32Array;
  readonly data: Buffer;
}

/** A digest in progress: blocks allocated at its instant not hashed yet, and the old copy of those written since. */
interface BlockSnapshot {
  readonly pending: Uint8Array;
  readonly saved: Map<number, Buffer>;
}

export class Volume {
  /** The stored bytes, shared with the migration thread of an outgoing migration (page-pump.ts). */
  readonly shared: SharedArrayBuffer;
  readonly bytes: Buffer;
  readonly blockCount: number;
  private readonly allocated: Uint8Array;
  private readonly dirty: Uint8Array;
  private dirtyCount = 0;
  private logging = false;
  private readonly scratch = Buffer.alloc(8);
  private readonly snapshots = new Set<BlockSnapshot>();

  constructor(
    /** Storage pool the volume lives in. */
    readonly pool: string,
    /** Provisioned size (the inventory's amount). */
    readonly sizeGiB: number,
  ) {
    if (!(sizeGiB > 0)) throw new RangeError(`volume size must be positive, got ${sizeGiB} GiB`);
    const stored = Math.min(VOLUME_STORED_BYTES, Math.ceil((sizeGiB * GIB) / BLOCK_SIZE) * BLOCK_SIZE);
    this.shared = new SharedArrayBuffer(stored);
    this.bytes = Buffer.from(this.shared);
    this.blockCount = stored / BLOCK_SIZE;
    this.allocated = new Uint8Array(this.blockCount);
    this.dirty = new Uint8Array(this.blockCount);
  }

  get sizeBytes(): number {
    return this.bytes.length;
  }

  /** Copy `src[srcStart, srcEnd)` to `offset`; allocates and dirties the blocks it touches. */
  writeFrom(offset: number, src: Uint8Array, srcStart = 0, srcEnd = src.length): void {
    const length = srcEnd - srcStart;
    if (length <= 0) return;
    if (offset < 0 || offset + length > this.bytes.length)
      throw new RangeError(`write [${offset}, +${length}) outside the volume`);
    this.touch(offset, length);
    if (this.snapshots.size > 0)
      this.cow(Math.floor(offset / BLOCK_SIZE), Math.floor((offset + length - 1) / BLOCK_SIZE));
    this.bytes.set(src.subarray(srcStart, srcEnd), offset);
  }

  writeF64(offset: number, value: number): void {
    this.scratch.writeDoubleLE(value, 0);
    this.writeFrom(offset, this.scratch, 0, 8);
  }

  readF64(offset: number): number {
    return this.bytes.readDoubleLE(offset);
  }

  /** A view of one block (read it, never write through it). */
  block(index: number): Buffer {
    return this.bytes.subarray(index * BLOCK_SIZE, (index + 1) * BLOCK_SIZE);
  }

  /** Store a block received from a mirror / migration source (allocates it; not a guest write). */
  loadBlock(index: number, src: Uint8Array, srcOffset: number): void {
    if (!Number.isInteger(index) || index < 0 || index >= this.blockCount)
      throw new RangeError(`block ${index} outside the volume (${this.blockCount} blocks)`);
    this.allocated[index] = 1;
    if (this.snapshots.size > 0) this.cow(index, index);
    this.bytes.set(src.subarray(srcOffset, srcOffset + BLOCK_SIZE), index * BLOCK_SIZE);
  }

  /** Indices of the allocated blocks, ascending. */
  allocatedBlocks(): Uint32Array {
    return indicesOf(this.allocated);
  }

  get allocatedBlockCount(): number {
    let n = 0;
    for (const a of this.allocated) n += a;
    return n;
  }

  startDirtyLog(): void {
    this.dirty.fill(0);
    this.dirtyCount = 0;
    this.logging = true;
  }

  /** The blocks written since the last sync (or start), and clear the log. */
  syncDirtyLog(): Uint32Array {
    const blocks = indicesOf(this.dirty);
    this.dirty.fill(0);
    this.dirtyCount = 0;
    return blocks;
  }

  stopDirtyLog(): void {
    this.logging = false;
    this.dirty.fill(0);
    this.dirtyCount = 0;
  }

  dirtyBlockCount(): number {
    return this.dirtyCount;
  }

  /** Copy the allocated blocks as they are now (cheap: a memcpy; hash it later). */
  snapshot(): VolumeSnapshot {
    const blocks = this.allocatedBlocks();
    const data = Buffer.allocUnsafe(blocks.length * BLOCK_SIZE);
    blocks.forEach((b, i) => this.bytes.copy(data, i * BLOCK_SIZE, b * BLOCK_SIZE, (b + 1) * BLOCK_SIZE));
    return { blocks, data };
  }

  /** SHA-256 of the allocated blocks with their indices, as of now. */
  digest(): string {
    return snapshotDigest(this.snapshot());
  }

  /**
   * The same digest as {@link digest}, of the volume as it is at the call,
   * computed from the next turn in steps of `chunkBytes` with `pauseMs` of
   * rest between them while the VM keeps writing: a block written before
   * the hash reached it is kept as it was (copy-on-write, like
   * GuestMemory.snapshotDigest). A resuming destination takes it instead
   * of snapshot(): copying the volume at the resume held its thread for
   * ~12 ms on the lab machine (fresh pages of a 3-4 MiB buffer), during
   * which the VNF neither forwarded nor announced its new location.
   */
  async snapshotDigest(opts: { chunkBytes?: number; pauseMs?: number } = {}): Promise<string> {
    const blocks = this.allocatedBlocks();
    const snapshot: BlockSnapshot = { pending: new Uint8Array(this.blockCount), saved: new Map() };
    for (const b of blocks) snapshot.pending[b] = 1;
    this.snapshots.add(snapshot);
    const perStep = Math.max(1, Math.floor((opts.chunkBytes ?? BLOCK_SIZE) / BLOCK_SIZE));
    const pauseMs = opts.pauseMs ?? 0;
    try {
      const hash = createHash('sha256');
      const index = Buffer.alloc(4);
      for (let i = 0; i < blocks.length; i++) {
        if (i % perStep === 0) await sleep(pauseMs);
        const b = blocks[i] ?? 0;
        index.writeUInt32BE(b, 0);
        hash.update(index);
        hash.update(snapshot.saved.get(b) ?? this.block(b));
        snapshot.saved.delete(b);
        snapshot.pending[b] = 0;
      }
      return hash.digest('hex');
    } finally {
      this.snapshots.delete(snapshot);
    }
  }

  /** Before blocks [first, last] change: keep their old contents for the digests that still need them. */
  private cow(first: number, last: number): void {
    for (const s of this.snapshots) {
      for (let b = first; b <= last; b++) {
        if (s.pending[b] === 1 && !s.saved.has(b)) s.saved.set(b, Buffer.from(this.block(b)));
      }
    }
  }

  private touch(offset: number, length: number): void {
    const first = Math.floor(offset / BLOCK_SIZE);
    const last = Math.floor((offset + length - 1) / BLOCK_SIZE);
    for (let b = first; b <= last; b++) {
      this.allocated[b] = 1;
      if (this.logging && this.dirty[b] === 0) {
        this.dirty[b] = 1;
        this.dirtyCount++;
      }
    }
  }
}

/** SHA-256 over (u32be index, block) of every block in the snapshot. */
export function snapshotDigest(s: VolumeSnapshot): string {
  const hash = createHash('sha256');
  const index = Buffer.alloc(4);
  s.blocks.forEach((b, i) => {
    index.writeUInt32BE(b, 0);
    hash.update(index);
    hash.update(s.data.subarray(i * BLOCK_SIZE, (i + 1) * BLOCK_SIZE));
  });
  return hash.digest('hex');
}

function indicesOf(flags: Uint8Array): Uint32Array {
  let n = 0;
  for (const f of flags) n += f;
  const out = new Uint32Array(n);
  let k = 0;
  for (let i = 0; i < flags.length; i++) if (flags[i] === 1) out[k++] = i;
  return out;
}
