import { describe, expect, it } from 'vitest';
import {
  HEADER_BYTES,
  decodePacket,
  encodePacket,
  isVnflabPacket,
  readFlow,
  readRunId,
  readSentMs,
  readSeq32,
  writeHeader,
  writeSeqAndTime,
} from './packet.js';
import { extendSeq } from './sequence.js';

describe('packet codec', () => {
  it('writes headers at an offset, and a batch slot rewrites only seq and send time', () => {
    const buf = Buffer.alloc(3 * 64);
    for (let i = 0; i < 3; i++) writeHeader(buf, 2, 0, 77, 0n, i * 64);
    const sentNs = 2n ** 40n + 12_345n;
    writeSeqAndTime(buf, 64, 2 ** 32 + 5, Number(sentNs >> 32n), Number(sentNs & 0xffffffffn));
    expect(decodePacket(buf.subarray(64, 128))).toEqual({ flow: 2, seq: 5, runId: 77, sentNs });
    expect(decodePacket(buf.subarray(0, 64))).toEqual({ flow: 2, seq: 0, runId: 77, sentNs: 0n });
    expect(decodePacket(buf.subarray(128))).toEqual({ flow: 2, seq: 0, runId: 77, sentNs: 0n });
  });

  it('round-trips a header and pads to the packet size', () => {
    const sentNs = 123_456_789_012_345n;
    const buf = encodePacket({ flow: 7, seq: 4_000_000_000, runId: 0xdeadbeef, sentNs }, 100);
    expect(buf).toHaveLength(100);
    expect(buf.subarray(0, 4).toString('latin1')).toBe('VNFL');
    expect(decodePacket(buf)).toEqual({ flow: 7, seq: 4_000_000_000, runId: 0xdeadbeef, sentNs });
    expect(buf.subarray(HEADER_BYTES).every((b) => b === 0)).toBe(true);
  });

  it('hot-path readers agree with the decoder; sent time in ms without BigInt', () => {
    const buf = Buffer.alloc(64);
    writeHeader(buf, 65535, 2 ** 32 + 5, 1, 86_400_000_000_123n);
    expect(readFlow(buf)).toBe(65535);
    expect(readSeq32(buf)).toBe(5); // written modulo 2^32
    expect(readRunId(buf)).toBe(1);
    expect(readSentMs(buf)).toBeCloseTo(86_400_000.000123, 9);
  });

  it('rejects what is not a vnflab datagram', () => {
    const ok = encodePacket({ flow: 0, seq: 0, runId: 0, sentNs: 0n }, 32);
    expect(isVnflabPacket(ok)).toBe(true);
    expect(decodePacket(ok.subarray(0, 31))).toBeNull();
    const wrongMagic = Buffer.from(ok);
    wrongMagic[0] = 0;
    expect(decodePacket(wrongMagic)).toBeNull();
    const wrongVersion = Buffer.from(ok);
    wrongVersion[4] = 2;
    expect(decodePacket(wrongVersion)).toBeNull();
  });

  it('refuses packets smaller than the header', () => {
    expect(() => encodePacket({ flow: 0, seq: 0, runId: 0, sentNs: 0n }, 31)).toThrow(/>= 32/);
  });
});

describe('extendSeq (32-bit to 64-bit)', () => {
  it('keeps numbers near the reference', () => {
    expect(extendSeq(10, 0)).toBe(10);
    expect(extendSeq(5, 10)).toBe(5);
  });

  it('wraps forward and backward around 2^32', () => {
    const ref = 2 ** 32 - 3;
    expect(extendSeq(2, ref)).toBe(2 ** 32 + 2);
    expect(extendSeq(2 ** 32 - 10, 2 ** 32 + 2)).toBe(2 ** 32 - 10);
    expect(extendSeq(7, 5 * 2 ** 32 + 2 ** 32 - 1)).toBe(6 * 2 ** 32 + 7);
  });
});
