/**
 * How the VNF writes its volume while it works, so a volume move has a
 * moving target (as a database or a packet logger would):
 * - a journal: one 64-byte record per `journalEveryPackets` forwarded
 *   packets, appended in a ring of blocks (the first half of the volume
 *   after the header block); the cursor and record count live in the
 *   header block, so they move with the data;
 * - background writes: `blockWritesPerSec` 4 KiB writes to random blocks of
 *   the second half, over 1 ms ticks with capped catch-up (as DirtyWorkload).
 */
import type { VnfStorageWorkload } from '../hypervisor.js';
import { BLOCK_SIZE, type Volume } from './volume.js';

export const DEFAULT_JOURNAL_EVERY_PACKETS = 8;
export const DEFAULT_BLOCK_WRITES_PER_SEC = 50;
const RECORD_BYTES = 64;
const WRITE_BYTES = 4096;
const TICK_MS = 1;
const MAX_CATCH_UP_MS = 50;
/** Header block fields (little-endian float64). */
export const JOURNAL_HEADER = { cursor: 0, records: 8 } as const;

/** What of the workload is not on the volume; it migrates with the VNF state. */
export interface StorageWorkloadState {
  readonly rng: number;
  readonly packetsSinceRecord: number;
}

export class StorageWorkload {
  private timer: NodeJS.Timeout | null = null;
  private startedMs = 0;
  private done = 0;
  private packetsSinceRecord: number;
  private rng: number;
  private readonly record = Buffer.alloc(RECORD_BYTES);
  private readonly chunk = Buffer.alloc(WRITE_BYTES);
  readonly journalEveryPackets: number;
  readonly blockWritesPerSec: number;

  constructor(
    private volume: Volume,
    config: VnfStorageWorkload | undefined,
    state: StorageWorkloadState,
  ) {
    this.journalEveryPackets = config?.journalEveryPackets ?? DEFAULT_JOURNAL_EVERY_PACKETS;
    this.blockWritesPerSec = config?.blockWritesPerSec ?? DEFAULT_BLOCK_WRITES_PER_SEC;
    this.rng = state.rng === 0 ? 0x9e3779b9 : state.rng >>> 0;
    this.packetsSinceRecord = state.packetsSinceRecord;
  }

  state(): StorageWorkloadState {
    return { rng: this.rng, packetsSinceRecord: this.packetsSinceRecord };
  }

  /** Write to `volume` from now on (the pivot of a volume move). */
  retarget(volume: Volume): void {
    this.volume = volume;
  }

  /** Journal blocks: [1, journalEnd). */
  private get journalEnd(): number {
    return Math.max(2, Math.floor(this.volume.blockCount / 2));
  }

  /** One forwarded packet: every N-th writes a journal record with the packet's first bytes. */
  onPacket(msg: Buffer): void {
    if (this.journalEveryPackets <= 0) return;
    if (++this.packetsSinceRecord < this.journalEveryPackets) return;
    this.packetsSinceRecord = 0;
    const v = this.volume;
    const start = BLOCK_SIZE;
    const end = Math.min(this.journalEnd, v.blockCount) * BLOCK_SIZE;
    if (end - start < RECORD_BYTES) return;
    let cursor = v.readF64(JOURNAL_HEADER.cursor);
    if (cursor < start || cursor + RECORD_BYTES > end) cursor = start;
    const records = v.readF64(JOURNAL_HEADER.records) + 1;
    this.record.fill(0);
    this.record.writeDoubleLE(records, 0);
    msg.copy(this.record, 8, 0, Math.min(msg.length, RECORD_BYTES - 8));
    v.writeFrom(cursor, this.record);
    v.writeF64(JOURNAL_HEADER.cursor, cursor + RECORD_BYTES);
    v.writeF64(JOURNAL_HEADER.records, records);
  }

  start(): void {
    if (this.timer !== null || this.blockWritesPerSec <= 0) return;
    this.startedMs = performance.now();
    this.done = 0;
    this.timer = setInterval(() => this.tick(), TICK_MS);
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  private tick(): void {
    const elapsedMs = performance.now() - this.startedMs;
    let due = Math.floor((elapsedMs * this.blockWritesPerSec) / 1000) - this.done;
    const cap = Math.ceil((MAX_CATCH_UP_MS * this.blockWritesPerSec) / 1000);
    if (due > cap) {
      this.done += due - cap;
      due = cap;
    }
    for (let i = 0; i < due; i++) this.writeRandomBlock();
    this.done += due;
  }

  private writeRandomBlock(): void {
    const v = this.volume;
    const first = this.journalEnd;
    if (first >= v.blockCount) return;
    const block = first + (this.next() % (v.blockCount - first));
    const slot = this.next() % (BLOCK_SIZE / WRITE_BYTES);
    this.chunk.fill(this.next() & 0xff);
    this.chunk.writeUInt32LE(this.next(), 0);
    v.writeFrom(block * BLOCK_SIZE + slot * WRITE_BYTES, this.chunk);
  }

  /** xorshift32 (Marsaglia 2003). */
  private next(): number {
    let x = this.rng;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.rng = x >>> 0;
    return this.rng;
  }
}
