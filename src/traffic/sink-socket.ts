/**
 * The receiver's sink socket on either I/O path, handing every datagram to
 * the analyzer with its arrival stamp:
 *
 *  - native (udp_batch addon): recvmmsg(2) batches, each datagram stamped by
 *    the kernel when it was queued (SO_TIMESTAMPNS), so a receiver thread
 *    that is descheduled reads late but stamps right; the socket's drop
 *    counter comes with the batches (SO_RXQ_OVFL) and exactly on demand
 *    (SO_MEMINFO).
 *  - dgram: one 'message' event per datagram, stamped when the thread reads
 *    it (late by however long the thread did not run).
 */
import dgram from 'node:dgram';
import { lookup } from 'node:dns/promises';
import { monoMs } from '../util/clock.js';
import { loadUdpBatch, type TrafficIo } from './udp-batch.js';

/** Receives into this many bytes per datagram: the header is what the analyzer reads, a longer datagram is cut. */
const SLOT_BYTES = 2048;
/** Datagrams per recvmmsg call. */
const BATCH = 256;

/** One datagram: `length` bytes at `offset` of `buf` (valid only during the call), stamped `arrivalMs`. */
export type OnDatagram = (buf: Buffer, arrivalMs: number, offset: number, length: number) => void;

export interface SinkSocket {
  readonly io: TrafficIo;
  readonly host: string;
  readonly port: number;
  readonly recvBufferBytes: number;
  /** Where arrival stamps come from. */
  readonly stamps: 'kernel' | 'thread';
  /** The socket's kernel drop count now; null where this path cannot read it here (dgram: /proc/net/udp). */
  drops(): number | null;
  close(): void;
}

export interface SinkOptions {
  readonly host: string;
  readonly port: number;
  readonly socketBufferBytes: number;
  /** Longest the native path blocks in one wait before the thread's event loop runs (RPC, timers), ms. */
  readonly pollMs: number;
  readonly addonPath: string | null;
}

export async function openSink(o: SinkOptions, onDatagram: OnDatagram): Promise<SinkSocket> {
  return o.addonPath === null ? openDgramSink(o, onDatagram) : openNativeSink(o, o.addonPath, onDatagram);
}

async function openNativeSink(
  o: SinkOptions,
  addonPath: string,
  onDatagram: OnDatagram,
): Promise<SinkSocket> {
  const addon = loadUdpBatch(addonPath);
  const { address, family } = await lookup(o.host);
  const s = addon.openSocket(family === 6 ? 6 : 4, address, o.port, o.socketBufferBytes, 0);
  const buffer = Buffer.alloc(SLOT_BYTES * BATCH);
  const lengths = new Uint32Array(BATCH);
  const stampsMs = new Float64Array(BATCH);
  const meta = new Float64Array(1);
  let open = true;
  let lastDrops = 0;

  /** Drain for up to pollMs, then yield to the event loop (setImmediate) and come back. */
  const pump = (): void => {
    if (!open) return;
    const untilMs = monoMs() + o.pollMs;
    for (;;) {
      const waitMs = Math.max(0, untilMs - monoMs());
      const n = addon.recvBatch(s.fd, buffer, SLOT_BYTES, lengths, stampsMs, meta, waitMs);
      for (let i = 0; i < n; i++)
        onDatagram(buffer, stampsMs[i] ?? Number.NaN, i * SLOT_BYTES, Math.min(lengths[i] ?? 0, SLOT_BYTES));
      if (n > 0) lastDrops = meta[0] ?? lastDrops;
      const now = monoMs();
      // Drained and the wait is over; or flooded past a second wait: yield to RPC and the analyzer's tick anyway.
      if ((n < BATCH && now >= untilMs) || now >= untilMs + o.pollMs) break;
    }
    setImmediate(pump);
  };
  setImmediate(pump);

  return {
    io: 'native',
    host: address,
    port: s.port,
    recvBufferBytes: s.recvBufferBytes,
    stamps: 'kernel',
    drops() {
      const now = addon.socketDrops(s.fd);
      return now >= 0 ? now : lastDrops;
    },
    close() {
      if (!open) return;
      open = false;
      addon.close(s.fd);
    },
  };
}

async function openDgramSink(o: SinkOptions, onDatagram: OnDatagram): Promise<SinkSocket> {
  const socket = dgram.createSocket({
    type: o.host.includes(':') ? 'udp6' : 'udp4',
    recvBufferSize: o.socketBufferBytes,
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(o.port, o.host, () => {
      socket.off('error', reject);
      resolve();
    });
  });
  socket.on('message', (msg) => onDatagram(msg, monoMs(), 0, msg.length));
  socket.on('error', () => undefined);
  return {
    io: 'dgram',
    host: socket.address().address,
    port: socket.address().port,
    recvBufferBytes: socket.getRecvBufferSize(),
    stamps: 'thread',
    drops: () => null,
    close: () => socket.close(),
  };
}
