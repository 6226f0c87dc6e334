import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { GuestMemory, PAGE_SIZE } from './guest-memory.js';
import {
  applyPagesBody,
  encodeJsonFrame,
  encodePagesFrame,
  FRAME,
  FrameDecoder,
  parseJsonBody,
} from './migration-frames.js';

describe('migration frames', () => {
  it('carry pages and JSON through arbitrary TCP chunking', () => {
    const source = new GuestMemory(1);
    source.write(0, randomBytes(source.sizeBytes));
    const pages = [3, 0, 255, 17];
    const stream = Buffer.concat([
      encodeJsonFrame(FRAME.hello, { vmId: 'vm-1' }),
      encodePagesFrame(source, pages, 0, 2),
      encodePagesFrame(source, pages, 2, 4),
      encodeJsonFrame(FRAME.complete, { pausedAtNs: '42' }),
    ]);
    const dest = new GuestMemory(1);
    const seen: number[] = [];
    const decoder = new FrameDecoder((type, body) => {
      seen.push(type);
      if (type === FRAME.pages) applyPagesBody(dest, body);
      if (type === FRAME.complete) expect(parseJsonBody(body)).toEqual({ pausedAtNs: '42' });
    });
    // Chunks of odd sizes, including 1 byte (header split).
    for (let at = 0, size = 1; at < stream.length; at += size, size = (size * 7 + 3) % 5000 || 1) {
      decoder.push(stream.subarray(at, at + size));
    }
    expect(seen).toEqual([FRAME.hello, FRAME.pages, FRAME.pages, FRAME.complete]);
    for (const p of pages) expect(dest.page(p).equals(source.page(p))).toBe(true);
    expect(dest.page(1).equals(Buffer.alloc(PAGE_SIZE))).toBe(true);
  });

  it('rejects a corrupt length', () => {
    const bad = Buffer.from([FRAME.pages, 0xff, 0xff, 0xff, 0xff]);
    expect(() => new FrameDecoder(() => undefined).push(bad)).toThrow(/exceeds/);
  });
});
