/**
 * A live volume move to another storage pool of the same host, the way
 * QEMU's drive-mirror block job does it: dirty-block tracking on, a first
 * pass copies every allocated block, further passes copy the blocks written
 * meanwhile, paced by the mirror's bandwidth. Once the remaining dirty
 * blocks are expected to copy within the downtime limit (or after
 * maxRounds), the switch-over: in one turn of the event loop - so no VNF
 * write can come in between, as QEMU drains the guest's I/O at
 * block-job-complete - the rest is copied, both copies are snapshotted for
 * verification and the VNF pivots to the new volume. The VNF keeps
 * forwarding throughout; its volume writes simply land in the new copy
 * after the pivot.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { monoNs } from '../../../util/clock.js';
import type { MigrationProgress } from '../hypervisor.js';
import { HostError } from './errors.js';
import { TokenBucket } from './token-bucket.js';
import { BLOCK_SIZE, snapshotDigest, type Volume } from './volume.js';

export interface MirrorOptions {
  readonly source: Volume;
  readonly target: Volume;
  readonly bandwidthBytesPerSec: number;
  readonly downtimeLimitMs: number;
  readonly maxRounds: number;
  /** Called inside the switch-over, after the last copy: make the VNF write to the target. */
  readonly pivot: (target: Volume) => void;
  readonly onProgress?: (p: MigrationProgress) => void;
}

export interface MirrorResult {
  readonly ok: boolean;
  readonly reason?: string;
  readonly rounds: number;
  readonly bytesTransferred: number;
  readonly pausedAtNs: bigint | null;
  readonly resumedAtNs: bigint | null;
  readonly sourceDigest: string | null;
  readonly targetDigest: string | null;
}

/** Blocks per paced step: 256 KiB. */
const BLOCKS_PER_STEP = 4;

export class VolumeMirror {
  private cancelReason: string | null = null;
  private round = 0;
  private blocksCopied = 0;

  constructor(private readonly o: MirrorOptions) {}

  /** Stop mirroring; the VNF stays on the source volume (block-job-cancel before completion). */
  cancel(reason = 'volume mirror cancelled'): void {
    this.cancelReason ??= reason;
  }

  async run(): Promise<MirrorResult> {
    const { source, target } = this.o;
    const bucket = new TokenBucket(this.o.bandwidthBytesPerSec, BLOCKS_PER_STEP * BLOCK_SIZE);
    const startedMs = performance.now();
    const result = (ok: boolean, extra: Partial<MirrorResult> = {}): MirrorResult => ({
      ok,
      rounds: this.round,
      bytesTransferred: this.blocksCopied * BLOCK_SIZE,
      pausedAtNs: null,
      resumedAtNs: null,
      sourceDigest: null,
      targetDigest: null,
      ...extra,
    });
    if (source.sizeBytes !== target.sizeBytes)
      return result(false, {
        reason: `target volume of ${target.sizeBytes} B for a ${source.sizeBytes} B source`,
      });
    source.startDirtyLog();
    try {
      this.round = 1;
      await this.copy(source.allocatedBlocks(), bucket);
      for (;;) {
        const elapsedS = Math.max((performance.now() - startedMs) / 1000, 1e-3);
        const bandwidth = Math.min(
          this.o.bandwidthBytesPerSec,
          (this.blocksCopied * BLOCK_SIZE) / elapsedS || Infinity,
        );
        const expectedMs = ((source.dirtyBlockCount() * BLOCK_SIZE) / bandwidth) * 1000;
        this.progress();
        if (expectedMs <= this.o.downtimeLimitMs || this.round >= this.o.maxRounds) break;
        this.round++;
        await this.copy(source.syncDirtyLog(), bucket);
      }
      this.checkCancelled();
      // Switch-over: synchronous from here to the pivot.
      const pausedAtNs = monoNs();
      const rest = source.syncDirtyLog();
      for (const b of rest) target.loadBlock(b, source.bytes, b * BLOCK_SIZE);
      this.blocksCopied += rest.length;
      source.stopDirtyLog();
      const sourceSnapshot = source.snapshot();
      const targetSnapshot = target.snapshot();
      this.o.pivot(target);
      const resumedAtNs = monoNs();
      this.progress();
      // Verification, after the switch-over: hash what both copies held at the pivot.
      await sleep(0);
      return result(true, {
        pausedAtNs,
        resumedAtNs,
        sourceDigest: snapshotDigest(sourceSnapshot),
        targetDigest: snapshotDigest(targetSnapshot),
      });
    } catch (err) {
      source.stopDirtyLog();
      return result(false, { reason: err instanceof Error ? err.message : String(err) });
    }
  }

  private async copy(blocks: Uint32Array, bucket: TokenBucket): Promise<void> {
    const { source, target } = this.o;
    for (let at = 0; at < blocks.length; at += BLOCKS_PER_STEP) {
      this.checkCancelled();
      const end = Math.min(at + BLOCKS_PER_STEP, blocks.length);
      const waitMs = bucket.take((end - at) * BLOCK_SIZE);
      if (waitMs >= 1) await sleep(waitMs);
      else await sleep(0); // let the VNF run between steps
      this.checkCancelled();
      // Copy the blocks as they are now; a block written after this is dirty again.
      for (let i = at; i < end; i++) {
        const b = blocks[i] ?? 0;
        target.loadBlock(b, source.bytes, b * BLOCK_SIZE);
      }
      this.blocksCopied += end - at;
    }
  }

  private progress(): void {
    const { source } = this.o;
    this.o.onProgress?.({
      round: Math.max(0, this.round - 1),
      totalBytes: source.allocatedBlockCount * BLOCK_SIZE,
      transferredBytes: this.blocksCopied * BLOCK_SIZE,
      remainingBytes: source.dirtyBlockCount() * BLOCK_SIZE,
      dirtyPagesRate: 0,
    });
  }

  private checkCancelled(): void {
    if (this.cancelReason !== null) throw new HostError('MIGRATION_CANCELLED', this.cancelReason);
  }
}
