/**
 * Wire format of a vnflab test datagram (UDP payload), network byte order:
 *
 * ```
 *  0  magic   u32  0x564E464C ('VNFL')
 *  4  version u8   1
 *  5  flags   u8   0 (reserved)
 *  6  flow    u16  flow id (0-based)
 *  8  seq     u32  sequence number modulo 2^32 (the receiver extends it, see sequence.ts)
 * 12  runId   u32  random per generator run: stray datagrams of an earlier run are ignored
 * 16  sentNs  u64  send time, CLOCK_MONOTONIC ns (process.hrtime.bigint(), comparable across
 *                  processes on one machine)
 * 24  reserved 8 bytes, zero
 * 32  padding up to the packet size
 * ```
 *
 * The hot-path readers take the buffer and return numbers, so the receiver
 * allocates nothing per packet beyond what dgram does.
 */
import { TrafficError } from './errors.js';

/** 'VNFL' */
export const PACKET_MAGIC = 0x564e464c;
/** Header layout version this code writes and reads. */
export const PACKET_VERSION = 1;
/** Minimum packet size: the header. */
export const HEADER_BYTES = 32;

const OFF_MAGIC = 0;
const OFF_VERSION = 4;
const OFF_FLOW = 6;
const OFF_SEQ = 8;
const OFF_RUN = 12;
const OFF_SENT = 16;

/** Decoded header (for tests, tools and diagnostics; the receiver uses the readers below). */
export interface PacketHeader {
  readonly flow: number;
  /** 32-bit sequence number as on the wire. */
  readonly seq: number;
  readonly runId: number;
  /** Send time, monotonic ns. */
  readonly sentNs: bigint;
}

/**
 * Write a header into `buf` at `offset` (at least {@link HEADER_BYTES} from
 * there, its padding zeroed once by the caller; a batch lays packets end to end). `seq` may be any non-negative
 * integer: it is written modulo 2^32.
 */
export function writeHeader(
  buf: Buffer,
  flow: number,
  seq: number,
  runId: number,
  sentNs: bigint,
  offset = 0,
): void {
  buf.writeUInt32BE(PACKET_MAGIC, offset + OFF_MAGIC);
  buf.writeUInt8(PACKET_VERSION, offset + OFF_VERSION);
  buf.writeUInt16BE(flow, offset + OFF_FLOW);
  buf.writeUInt32BE(seq % 2 ** 32, offset + OFF_SEQ);
  buf.writeUInt32BE(runId >>> 0, offset + OFF_RUN);
  buf.writeBigUInt64BE(sentNs, offset + OFF_SENT);
}

/**
 * Rewrite only the sequence number and send time (ns as its high and low 32
 * bits) of a header written before at `offset`: the batch sender's hot path.
 */
export function writeSeqAndTime(
  buf: Buffer,
  offset: number,
  seq: number,
  sentHi: number,
  sentLo: number,
): void {
  buf.writeUInt32BE(seq % 2 ** 32, offset + OFF_SEQ);
  buf.writeUInt32BE(sentHi, offset + OFF_SENT);
  buf.writeUInt32BE(sentLo, offset + OFF_SENT + 4);
}

/** A complete datagram of `packetSizeBytes` carrying `header`. */
export function encodePacket(header: PacketHeader, packetSizeBytes: number): Buffer {
  if (!Number.isInteger(packetSizeBytes) || packetSizeBytes < HEADER_BYTES) {
    throw new TrafficError(
      'TRAFFIC_BAD_PACKET',
      `packet size must be an integer >= ${HEADER_BYTES}, got ${packetSizeBytes}`,
    );
  }
  const buf = Buffer.alloc(packetSizeBytes);
  writeHeader(buf, header.flow, header.seq, header.runId, header.sentNs);
  return buf;
}

/**
 * True if `buf` holds a vnflab header of a version this code reads at
 * `offset`, in a datagram of `length` bytes (a receive batch lays datagrams
 * in fixed slots of one buffer).
 */
export function isVnflabPacket(buf: Uint8Array, offset = 0, length = buf.length - offset): boolean {
  return (
    length >= HEADER_BYTES &&
    buf[offset] === 0x56 &&
    buf[offset + 1] === 0x4e &&
    buf[offset + 2] === 0x46 &&
    buf[offset + 3] === 0x4c &&
    buf[offset + OFF_VERSION] === PACKET_VERSION
  );
}

/** Decode a header, or null if `buf` is not a vnflab datagram. */
export function decodePacket(buf: Buffer): PacketHeader | null {
  if (!isVnflabPacket(buf)) return null;
  return {
    flow: readFlow(buf),
    seq: readSeq32(buf),
    runId: readRunId(buf),
    sentNs: buf.readBigUInt64BE(OFF_SENT),
  };
}

/** Hot-path field readers of the header at `offset` (the caller checked {@link isVnflabPacket}). */
export const readFlow = (buf: Buffer, offset = 0): number => buf.readUInt16BE(offset + OFF_FLOW);
export const readSeq32 = (buf: Buffer, offset = 0): number => buf.readUInt32BE(offset + OFF_SEQ);
export const readRunId = (buf: Buffer, offset = 0): number => buf.readUInt32BE(offset + OFF_RUN);

/**
 * Send time in monotonic ms as a double, without allocating a BigInt. Exact to
 * the ns while the machine's uptime is below 2^53 ns (104 days), sub-µs after.
 */
export function readSentMs(buf: Buffer, offset = 0): number {
  return (buf.readUInt32BE(offset + OFF_SENT) * 2 ** 32 + buf.readUInt32BE(offset + OFF_SENT + 4)) / 1e6;
}
