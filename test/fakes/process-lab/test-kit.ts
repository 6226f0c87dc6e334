/**
 * Helpers for the process lab's tests: a UDP sink and a paced,
 * sequence-numbered UDP sender on loopback, polling, and a pid check.
 */
import dgram from 'node:dgram';
import { readdirSync, readFileSync } from 'node:fs';
import type { Worker } from 'node:worker_threads';
import { startWorker } from '../../../src/util/entry.js';
import type { Endpoint } from '../../../src/util/outcome.js';
import type { SenderWorkerData } from './udp-sender-worker.js';
export { isAlive } from '../../../src/util/pid.js';

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

/**
 * Pids of the processes in process group `pgid` (Linux /proc), with their
 * state letter ('T': stopped). The process that leads the group may be gone
 * while members remain.
 */
export function processGroupMembers(pgid: number): { pid: number; state: string }[] {
  const members: { pid: number; state: string }[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    // pid (comm) state ppid pgrp ...: comm may hold spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[2]) === pgid) members.push({ pid: Number(entry), state: fields[0] ?? '?' });
  }
  return members;
}

/** A sink that counts distinct sequence numbers (first 4 bytes of each datagram). */
export class UdpSink {
  received = 0;
  private readonly seen = new Uint8Array(1 << 22);
  /** Sequence numbers in arrival order (first copies; the first 65536). */
  private readonly order: number[] = [];
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
        if (this.order.length < 1 << 16) this.order.push(seq);
      }
    });
  }

  static async open(): Promise<UdpSink> {
    const socket = dgram.createSocket({ type: 'udp4', recvBufferSize: 4 * 1024 * 1024 });
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    return new UdpSink(socket, { host: '127.0.0.1', port: socket.address().port });
  }

  /** Forget everything received (a retried test counts from zero again). */
  reset(): void {
    this.seen.fill(0);
    this.received = 0;
    this.order.length = 0;
  }

  sequences(): number[] {
    return [...this.order];
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}

/**
 * Sends `rateHz` datagrams per second of `sizeBytes` (sequence number in the
 * first 4 bytes) from a worker thread (udp-sender-worker.ts): 1 ms timer with
 * catch-up, the burst capped so a stall does not flood.
 */
export class UdpSender {
  private stoppedAtMs: number | null = null;
  private constructor(
    private readonly worker: Worker,
    /** [0] = datagrams sent, [1] = stop flag (shared with the worker). */
    private readonly counters: Int32Array,
    /** [0] = when sending started, epoch ms (shared with the worker). */
    private readonly times: Float64Array,
    readonly rateHz: number,
  ) {}

  /** Start sending to `to` at once. */
  static async open(to: Endpoint, rateHz: number, sizeBytes = 64): Promise<UdpSender> {
    const counters = new SharedArrayBuffer(8);
    const times = new SharedArrayBuffer(8);
    const workerData: SenderWorkerData = { host: to.host, port: to.port, rateHz, sizeBytes, counters, times };
    const worker = await startWorker(import.meta.url, 'udp-sender-worker', { workerData });
    await new Promise<void>((resolve, reject) => {
      worker.once('message', () => resolve());
      worker.once('error', reject);
    });
    return new UdpSender(worker, new Int32Array(counters), new Float64Array(times), rateHz);
  }

  get sent(): number {
    return Atomics.load(this.counters, 0);
  }

  /** Stop sending; resolves with how many datagrams were sent. */
  async stop(): Promise<number> {
    if (this.stoppedAtMs === null) {
      Atomics.store(this.counters, 1, 1);
      await new Promise((resolve) => this.worker.once('message', resolve));
      this.stoppedAtMs = performance.timeOrigin + performance.now();
    }
    return this.sent;
  }

  /** Achieved send rate, datagrams per second (up to the stop, or now). */
  get offeredRateHz(): number {
    const endMs = this.stoppedAtMs ?? performance.timeOrigin + performance.now();
    return this.sent / ((endMs - (this.times[0] ?? 0)) / 1000);
  }

  async close(): Promise<void> {
    await this.stop();
    await this.worker.terminate();
  }
}
