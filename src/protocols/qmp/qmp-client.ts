/**
 * Client of the QEMU Machine Protocol (docs/interop/qmp-spec.rst) over a
 * unix socket: greeting, `qmp_capabilities`, then commands answered in order
 * (each carries an `id` we check) and asynchronous events. Every event is
 * stamped with the monotonic clock when it arrives, so STOP / RESUME events
 * of two QEMUs are comparable with the harness's packet timestamps
 * (util/clock.ts); QEMU's own event timestamps are wall clock.
 */
import { connect, type Socket } from 'node:net';
import { monoNs, sleep } from '../../util/clock.js';
import { QmpError } from './errors.js';

/** An asynchronous QMP event (e.g. STOP, RESUME, MIGRATION). */
export interface QmpEvent {
  readonly event: string;
  readonly data: Readonly<Record<string, unknown>>;
  /** QEMU's wall-clock timestamp, µs since the epoch. */
  readonly qemuTimestampUs: number;
  /** When this client received it, monotonic ns. */
  readonly receivedAtNs: bigint;
  /**
   * When QEMU emitted it, on the monotonic clock: QEMU's wall-clock timestamp
   * moved by the wall-clock age of the event at receipt (±1 ms: Date.now()),
   * never after receipt. Unlike receivedAtNs it does not grow with this
   * process's event-loop delay, which under load reached tens of ms.
   */
  readonly occurredAtNs: bigint;
}

export interface QmpConnectOptions {
  /** How long to keep retrying while QEMU creates the socket; default 10 s. */
  readonly timeoutMs?: number;
}

interface Pending {
  readonly id: number;
  readonly command: string;
  resolve(value: unknown): void;
  reject(err: Error): void;
}

interface QmpLine {
  QMP?: unknown;
  return?: unknown;
  error?: { class?: string; desc?: string };
  event?: string;
  data?: Record<string, unknown>;
  timestamp?: { seconds?: number; microseconds?: number };
  id?: unknown;
}

/** One QMP session. Commands may be issued concurrently; QEMU answers in order. */
export class QmpClient {
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Set<(e: QmpEvent) => void>();
  private nextId = 1;
  private buffer = '';
  private closedError: QmpError | null = null;
  private greetingResolve: ((v: unknown) => void) | null = null;
  /** Resolves when the connection is gone (QEMU exited or close()). */
  readonly closed: Promise<void>;

  private constructor(private readonly socket: Socket) {
    this.closed = new Promise((resolve) => {
      socket.on('close', () => {
        this.fail(new QmpError('QMP_CLOSED', 'QMP connection closed'));
        resolve();
      });
    });
    socket.on('error', (err) => this.fail(new QmpError('QMP_CLOSED', `QMP socket error: ${err.message}`)));
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => this.onData(chunk));
  }

  /** Connect to QEMU's `-qmp unix:<path>,server=on,wait=off` socket and leave capabilities negotiation. */
  static async connect(path: string, opts: QmpConnectOptions = {}): Promise<QmpClient> {
    const deadline = Date.now() + (opts.timeoutMs ?? 10_000);
    for (;;) {
      try {
        const socket = await new Promise<Socket>((resolve, reject) => {
          const s = connect(path);
          s.once('connect', () => {
            s.removeListener('error', reject);
            resolve(s);
          });
          s.once('error', reject);
        });
        const client = new QmpClient(socket);
        await client.handshake(Math.max(1000, deadline - Date.now()));
        return client;
      } catch (err) {
        if (err instanceof QmpError && err.code !== 'QMP_CLOSED') throw err;
        if (Date.now() >= deadline)
          throw new QmpError(
            'QMP_CONNECT_FAILED',
            `cannot connect to QMP at ${path}: ${String(err)}`,
            undefined,
            {
              cause: err,
            },
          );
        await sleep(50);
      }
    }
  }

  private async handshake(timeoutMs: number): Promise<void> {
    const greeting = new Promise((resolve) => {
      this.greetingResolve = resolve;
    });
    await withTimeout(
      Promise.race([greeting, this.closed.then(() => this.throwClosed())]),
      timeoutMs,
      'greeting',
    );
    await this.execute('qmp_capabilities', undefined, timeoutMs);
  }

  private throwClosed(): never {
    throw this.closedError ?? new QmpError('QMP_CLOSED', 'QMP connection closed');
  }

  /** Run a command; resolves with its `return` value, rejects with QMP_COMMAND_FAILED / QMP_TIMEOUT / QMP_CLOSED. */
  execute<T = unknown>(command: string, args?: Record<string, unknown>, timeoutMs = 10_000): Promise<T> {
    if (this.closedError !== null) return Promise.reject(this.closedError);
    const id = this.nextId++;
    const answer = new Promise<T>((resolve, reject) => {
      this.pending.set(id, { id, command, resolve: resolve, reject });
    });
    this.socket.write(`${JSON.stringify({ execute: command, ...(args ? { arguments: args } : {}), id })}\n`);
    return withTimeout(answer, timeoutMs, command).finally(() => this.pending.delete(id));
  }

  /** Subscribe to events; returns the unsubscribe function. */
  onEvent(listener: (e: QmpEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Close the connection (QEMU keeps running). */
  async close(): Promise<void> {
    this.socket.end();
    this.socket.destroy();
    await this.closed;
  }

  private fail(err: QmpError): void {
    this.closedError ??= err;
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    for (let nl = this.buffer.indexOf('\n'); nl >= 0; nl = this.buffer.indexOf('\n')) {
      const line = this.buffer.slice(0, nl).trim();
      this.buffer = this.buffer.slice(nl + 1);
      if (line.length > 0) this.onLine(line);
    }
  }

  private onLine(line: string): void {
    const receivedAtNs = monoNs();
    let msg: QmpLine;
    try {
      msg = JSON.parse(line) as QmpLine;
    } catch {
      this.fail(new QmpError('QMP_PROTOCOL', `not JSON: ${line.slice(0, 200)}`));
      this.socket.destroy();
      return;
    }
    if (msg.QMP !== undefined) {
      this.greetingResolve?.(msg.QMP);
      this.greetingResolve = null;
      return;
    }
    if (typeof msg.event === 'string') {
      const ts = msg.timestamp ?? {};
      const qemuTimestampUs = (ts.seconds ?? 0) * 1e6 + (ts.microseconds ?? 0);
      const ageNs = BigInt(Math.max(0, Math.round((Date.now() * 1000 - qemuTimestampUs) * 1000)));
      const event: QmpEvent = {
        event: msg.event,
        data: msg.data ?? {},
        qemuTimestampUs,
        receivedAtNs,
        occurredAtNs: qemuTimestampUs > 0 ? receivedAtNs - ageNs : receivedAtNs,
      };
      for (const l of this.listeners) l(event);
      return;
    }
    const p = typeof msg.id === 'number' ? this.pending.get(msg.id) : undefined;
    if (p === undefined) return; // an answer to a command that timed out
    if (msg.error !== undefined) {
      p.reject(
        new QmpError(
          'QMP_COMMAND_FAILED',
          `${p.command}: ${msg.error.desc ?? 'error'}`,
          msg.error.class ?? 'GenericError',
        ),
      );
    } else p.resolve(msg.return);
  }
}

async function withTimeout<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new QmpError('QMP_TIMEOUT', `${what}: no QMP answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
