/**
 * One end of the migration stream: a TCP socket carrying frames
 * (migration-frames.ts). `send` respects TCP backpressure: it resolves at
 * once while the socket accepts data, else on 'drain'; it rejects once the
 * channel is closed, so a sender blocked on a dead peer wakes up.
 */
import net from 'node:net';
import type { Endpoint } from '../../../util/outcome.js';
import { HostError } from './errors.js';
import { FrameDecoder } from './migration-frames.js';

const DESTROY_AFTER_END_MS = 2_000;

export class MigrationChannel {
  private closedReason: string | null = null;
  private drainWaiters: { resolve: () => void; reject: (e: Error) => void }[] = [];
  private readonly closeListeners: ((reason: string) => void)[] = [];
  bytesSent = 0;

  constructor(
    private readonly socket: net.Socket,
    onFrame: (type: number, body: Buffer) => void,
  ) {
    socket.setNoDelay(true);
    const decoder = new FrameDecoder(onFrame);
    socket.on('data', (chunk: Buffer) => {
      try {
        decoder.push(chunk);
      } catch (err) {
        this.destroy(`bad frame from peer: ${(err as Error).message}`);
      }
    });
    socket.on('drain', () => this.wakeDrainWaiters());
    socket.on('error', (err) => this.markClosed(`socket error: ${err.message}`));
    socket.on('close', () => this.markClosed('connection closed by peer'));
  }

  /** Connect to a destination's migration listener. */
  static connect(
    to: Endpoint,
    onFrame: (type: number, body: Buffer) => void,
    timeoutMs = 5_000,
  ): Promise<MigrationChannel> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: to.host, port: to.port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(
          new HostError(
            'MIGRATION_CONNECT_FAILED',
            `no connection to ${to.host}:${to.port} within ${timeoutMs} ms`,
          ),
        );
      }, timeoutMs);
      socket.once('error', (err) => {
        clearTimeout(timer);
        reject(
          new HostError(
            'MIGRATION_CONNECT_FAILED',
            `cannot connect to ${to.host}:${to.port}: ${err.message}`,
            {},
            {
              cause: err,
            },
          ),
        );
      });
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        resolve(new MigrationChannel(socket, onFrame));
      });
    });
  }

  get closed(): string | null {
    return this.closedReason;
  }

  onClose(listener: (reason: string) => void): void {
    if (this.closedReason !== null) listener(this.closedReason);
    else this.closeListeners.push(listener);
  }

  async send(frame: Buffer): Promise<void> {
    if (this.closedReason !== null) throw new HostError('MIGRATION_STREAM_CLOSED', this.closedReason);
    this.bytesSent += frame.length;
    if (this.socket.write(frame)) return;
    await new Promise<void>((resolve, reject) => this.drainWaiters.push({ resolve, reject }));
  }

  /** Send `last` (if any) after what is queued, then close; pending sends reject. */
  end(reason: string, last?: Buffer): void {
    if (this.closedReason !== null) return;
    this.markClosed(reason);
    if (last !== undefined) this.socket.end(last);
    else this.socket.end();
    setTimeout(() => this.socket.destroy(), DESTROY_AFTER_END_MS).unref();
  }

  destroy(reason: string): void {
    this.markClosed(reason);
    this.socket.destroy();
  }

  private wakeDrainWaiters(): void {
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const w of waiters) w.resolve();
  }

  private markClosed(reason: string): void {
    if (this.closedReason !== null) return;
    this.closedReason = reason;
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const w of waiters) w.reject(new HostError('MIGRATION_STREAM_CLOSED', reason));
    for (const l of this.closeListeners.splice(0)) l(reason);
  }
}
