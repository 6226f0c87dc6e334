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
 * Writes mark the blocks dirty while dirty logging is on (DirtyTrackedBuffer):
 * the dirty bitmap of a block job (QEMU's BdrvDirtyBitmap) that makes a
 * mirror iterate until it converges.
 */
import { createHash, type Hash } from 'node:crypto';
import { DirtyTrackedBuffer } from './dirty-tracked-buffer.js';
import { InvalidArgumentError } from '../../../util/errors.js';

export const BLOCK_SIZE = 64 * 1024;
/** Bytes of the volume the lab stores (4 MiB = 64 blocks). */
export const VOLUME_STORED_BYTES = 4 * 1024 * 1024;
const GIB = 1024 * 1024 * 1024;

/** A copy of a volume's allocated blocks at one instant (for a digest taken later). */
export interface VolumeSnapshot {
  readonly blocks: Uint32Array;
  readonly data: Buffer;
}

export class Volume extends DirtyTrackedBuffer {
  private readonly allocated: Uint8Array;

  constructor(
    /** Storage pool the volume lives in. */
    readonly pool: string,
    /** Provisioned size (the inventory's amount). */
    readonly sizeGiB: number,
  ) {
    if (!(sizeGiB > 0)) throw new InvalidArgumentError(`volume size must be positive, got ${sizeGiB} GiB`);
    const stored = Math.min(VOLUME_STORED_BYTES, Math.ceil((sizeGiB * GIB) / BLOCK_SIZE) * BLOCK_SIZE);
    super(stored, BLOCK_SIZE, { unit: 'block', buffer: 'the volume' });
    this.allocated = new Uint8Array(this.blockCount);
  }

  get blockCount(): number {
    return this.unitCount;
  }

  /** Store a block received from a mirror / migration source (allocates it; not a guest write). */
  loadBlock(index: number, src: Uint8Array, srcOffset: number): void {
    this.loadUnit(index, src, srcOffset);
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

  dirtyBlockCount(): number {
    return this.dirtyUnitCount();
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
  snapshotDigest(opts: { chunkBytes?: number; pauseMs?: number } = {}): Promise<string> {
    const pacing = { chunkBytes: opts.chunkBytes ?? BLOCK_SIZE, pauseMs: opts.pauseMs ?? 0 };
    return this.digestAsOfNow(this.allocatedBlocks(), pacing, hashBlocks);
  }

  /** Every write or load allocates the blocks it touches (thin provisioning). */
  protected override willChange(first: number, last: number): void {
    this.allocated.fill(1, first, last + 1);
    super.willChange(first, last);
  }
}

/** SHA-256 over (u32be index, block) of every block in the snapshot. */
export function snapshotDigest(s: VolumeSnapshot): string {
  const hash = createHash('sha256');
  s.blocks.forEach((b, i) => hashBlocks(hash, b, s.data.subarray(i * BLOCK_SIZE, (i + 1) * BLOCK_SIZE)));
  return hash.digest('hex');
}

/** Hash consecutive blocks from `first` on, whose contents are `bytes`, each as (u32be index, block). */
function hashBlocks(hash: Hash, first: number, bytes: Buffer): void {
  const index = Buffer.alloc(4);
  for (let i = 0; i * BLOCK_SIZE < bytes.length; i++) {
    index.writeUInt32BE(first + i, 0);
    hash.update(index);
    hash.update(bytes.subarray(i * BLOCK_SIZE, (i + 1) * BLOCK_SIZE));
  }
}

function indicesOf(flags: Uint8Array): Uint32Array {
  let n = 0;
  for (const f of flags) n += f;
  const out = new Uint32Array(n);
  let k = 0;
  for (let i = 0; i < flags.length; i++) if (flags[i] === 1) out[k++] = i;
  return out;
}
