/**
 * Helpers for the process lab's tests: a UDP sink and a paced,
 * sequence-numbered UDP sender on loopback, polling, and a pid check.
 */
import dgram from 'node:dgram';
import type { Endpoint } from '../../../util/outcome.js';

/** Poll `cond` every 5 ms until it holds; throws after `timeoutMs`. */
export async function until(
  cond: () => boolean | Promise<boolean>,
  timeoutMs = 5_000,
  what = 'condition',
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Is a process with this pid alive? (signal 0 checks without signalling). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A sink that counts distinct sequence numbers (first 4 bytes of each datagram). */
export class UdpSink {
  received = 0;
  private readonly seen = new Uint8Array(1 << 22);
  private constructor(
    private readonly socket: dgram.Socket,
    readonly endpoint: Endpoint,
  ) {
    socket.on('message', (m: Buffer) => {
      if (m.length < 4) return;
      const seq = m.readUInt32BE(0);
      if (seq < this.seen.length && this.seen[seq] === 0) {
        this.seen[seq] = 1;
        this.received++;
      }
    });
  }

  static async open(): Promise<UdpSink> {
    const socket = dgram.createSocket({ type: 'udp4', recvBufferSize: 4 * 1024 * 1024 });
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    return new UdpSink(socket, { host: '127.0.0.1', port: socket.address().port });
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}

/**
 * Sends `rateHz` datagrams per second of `sizeBytes` (sequence number in the
 * first 4 bytes) from a 1 ms timer with catch-up, the burst capped so a stall
 * does not flood (DESIGN.md, measurement pitfalls).
 */
export class UdpSender {
  sent = 0;
  private timer: NodeJS.Timeout | null = null;
  private startedMs = 0;
  private readonly maxBurst: number;
  private constructor(
    private readonly socket: dgram.Socket,
    readonly rateHz: number,
    private readonly sizeBytes: number,
  ) {
    this.maxBurst = Math.max(1, Math.ceil(rateHz / 100)); // 10 ms worth
  }

  static async open(to: Endpoint, rateHz: number, sizeBytes = 64): Promise<UdpSender> {
    const socket = dgram.createSocket({ type: 'udp4', sendBufferSize: 4 * 1024 * 1024 });
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    await new Promise<void>((resolve) => socket.connect(to.port, to.host, resolve));
    return new UdpSender(socket, rateHz, sizeBytes);
  }

  start(): void {
    this.startedMs = performance.now();
    this.timer = setInterval(() => this.tick(), 1);
  }

  /** Stop sending; returns how many datagrams were sent. */
  stop(): number {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    return this.sent;
  }

  /** Achieved send rate, datagrams per second. */
  get offeredRateHz(): number {
    return this.sent / ((performance.now() - this.startedMs) / 1000);
  }

  close(): Promise<void> {
    this.stop();
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }

  private tick(): void {
    const due = Math.floor(((performance.now() - this.startedMs) * this.rateHz) / 1000) - this.sent;
    const n = Math.min(due, this.maxBurst);
    if (due > n) this.startedMs += ((due - n) * 1000) / this.rateHz; // drop the backlog instead of bursting
    for (let i = 0; i < n; i++) {
      const datagram = Buffer.alloc(this.sizeBytes);
      datagram.writeUInt32BE(this.sent, 0);
      this.socket.send(datagram);
      this.sent++;
    }
  }
}
