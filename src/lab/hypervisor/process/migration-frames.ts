/**
 * The migration stream between two host processes (one TCP connection, source
 * to destination): frames of `type u8 | length u32be | body`.
 *
 *   HELLO     json {vmId, mode, memoryBytes, pageSize, volumeBytes} src -> dst
 *   PAGES     u32be count | count x u32be page index | pages   src -> dst
 *   BLOCKS    u32be count | count x u32be block index | blocks src -> dst
 *             (the volume, sent along with the memory: block migration)
 *   STATE     json VnfState (after the pause)                  src -> dst
 *   COMPLETE  json {pausedAtNs}: everything sent, run it       src -> dst
 *   CANCEL    json {reason}: give up, free the allocation      src -> dst
 *   RESUMED   json {resumedAtNs}: the VM runs on the dest      dst -> src
 *   FAILED    json {reason}                                    dst -> src
 */
import { HostError } from './errors.js';
import type { GuestMemory } from './guest-memory.js';
import { PAGE_SIZE } from './guest-memory.js';
import { BLOCK_SIZE, type Volume } from './volume.js';

export const FRAME = {
  hello: 1,
  pages: 2,
  state: 3,
  complete: 4,
  cancel: 5,
  resumed: 6,
  failed: 7,
  blocks: 8,
} as const;
export type FrameType = (typeof FRAME)[keyof typeof FRAME];

const HEADER_BYTES = 5;
/** Largest body accepted (guards a corrupt stream): a PAGES frame of 1024 pages plus indices. */
export const MAX_BODY_BYTES = 1024 * (PAGE_SIZE + 4) + 4;

export function encodeJsonFrame(type: FrameType, value: unknown): Buffer {
  const body = Buffer.from(JSON.stringify(value));
  const frame = Buffer.allocUnsafe(HEADER_BYTES + body.length);
  frame.writeUInt8(type, 0);
  frame.writeUInt32BE(body.length, 1);
  body.copy(frame, HEADER_BYTES);
  return frame;
}

/** A PAGES frame with a copy of `pages[start, end)` of `memory` as they are now. */
export function encodePagesFrame(
  memory: { readonly bytes: Buffer },
  pages: ArrayLike<number>,
  start: number,
  end: number,
): Buffer {
  const count = end - start;
  const bodyBytes = 4 + count * (4 + PAGE_SIZE);
  const frame = Buffer.allocUnsafe(HEADER_BYTES + bodyBytes);
  frame.writeUInt8(FRAME.pages, 0);
  frame.writeUInt32BE(bodyBytes, 1);
  frame.writeUInt32BE(count, HEADER_BYTES);
  let data = HEADER_BYTES + 4 + count * 4;
  for (let i = 0; i < count; i++) {
    const page = pages[start + i] ?? 0;
    frame.writeUInt32BE(page, HEADER_BYTES + 4 + i * 4);
    memory.bytes.copy(frame, data, page * PAGE_SIZE, (page + 1) * PAGE_SIZE);
    data += PAGE_SIZE;
  }
  return frame;
}

/** Apply a PAGES body to `memory`; returns the number of pages. */
export function applyPagesBody(memory: GuestMemory, body: Buffer): number {
  const count = body.readUInt32BE(0);
  if (body.length !== 4 + count * (4 + PAGE_SIZE))
    throw new HostError('MIGRATION_PROTOCOL', `PAGES frame of ${body.length} bytes for ${count} pages`);
  let data = 4 + count * 4;
  for (let i = 0; i < count; i++) {
    memory.loadPage(body.readUInt32BE(4 + i * 4), body, data);
    data += PAGE_SIZE;
  }
  return count;
}

/** A BLOCKS frame with a copy of `blocks[start, end)` of `volume` as they are now. */
export function encodeBlocksFrame(
  volume: { readonly bytes: Buffer },
  blocks: ArrayLike<number>,
  start: number,
  end: number,
): Buffer {
  const count = end - start;
  const bodyBytes = 4 + count * (4 + BLOCK_SIZE);
  const frame = Buffer.allocUnsafe(HEADER_BYTES + bodyBytes);
  frame.writeUInt8(FRAME.blocks, 0);
  frame.writeUInt32BE(bodyBytes, 1);
  frame.writeUInt32BE(count, HEADER_BYTES);
  let data = HEADER_BYTES + 4 + count * 4;
  for (let i = 0; i < count; i++) {
    const block = blocks[start + i] ?? 0;
    frame.writeUInt32BE(block, HEADER_BYTES + 4 + i * 4);
    volume.bytes.copy(frame, data, block * BLOCK_SIZE, (block + 1) * BLOCK_SIZE);
    data += BLOCK_SIZE;
  }
  return frame;
}

/** Apply a BLOCKS body to `volume`; returns the number of blocks. */
export function applyBlocksBody(volume: Volume, body: Buffer): number {
  const count = body.readUInt32BE(0);
  if (body.length !== 4 + count * (4 + BLOCK_SIZE))
    throw new HostError('MIGRATION_PROTOCOL', `BLOCKS frame of ${body.length} bytes for ${count} blocks`);
  let data = 4 + count * 4;
  for (let i = 0; i < count; i++) {
    volume.loadBlock(body.readUInt32BE(4 + i * 4), body, data);
    data += BLOCK_SIZE;
  }
  return count;
}

export function parseJsonBody(body: Buffer): unknown {
  return JSON.parse(body.toString('utf8')) as unknown;
}

/**
 * Reassembles frames from TCP chunks into one reused buffer (no allocation
 * per frame: a fresh 256 KiB buffer per PAGES frame made the destination
 * collect garbage right after resume). `onFrame` gets (type, body); the body
 * is valid only during the call.
 */
export class FrameDecoder {
  private readonly header = Buffer.alloc(HEADER_BYTES);
  private headerFill = 0;
  private scratch = Buffer.alloc(0);
  private body: Buffer | null = null;
  private bodyFill = 0;
  private type = 0;

  constructor(private readonly onFrame: (type: number, body: Buffer) => void) {}

  push(chunk: Buffer): void {
    let at = 0;
    while (at < chunk.length) {
      if (this.body === null) {
        const n = Math.min(HEADER_BYTES - this.headerFill, chunk.length - at);
        chunk.copy(this.header, this.headerFill, at, at + n);
        this.headerFill += n;
        at += n;
        if (this.headerFill < HEADER_BYTES) return;
        this.type = this.header.readUInt8(0);
        const length = this.header.readUInt32BE(1);
        if (length > MAX_BODY_BYTES)
          throw new HostError(
            'MIGRATION_PROTOCOL',
            `frame body of ${length} bytes exceeds ${MAX_BODY_BYTES}`,
          );
        this.headerFill = 0;
        if (this.scratch.length < length) this.scratch = Buffer.allocUnsafe(length);
        this.body = this.scratch.subarray(0, length);
        this.bodyFill = 0;
      }
      const n = Math.min(this.body.length - this.bodyFill, chunk.length - at);
      chunk.copy(this.body, this.bodyFill, at, at + n);
      this.bodyFill += n;
      at += n;
      if (this.bodyFill === this.body.length) {
        const body = this.body;
        this.body = null;
        this.onFrame(this.type, body);
      }
    }
  }
}
