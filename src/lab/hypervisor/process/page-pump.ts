/**
 * The migration stream of a source, driven from a worker thread
 * (page-pump-worker.ts), like QEMU's migration thread beside the vCPU
 * threads. The guest memory (and volume) are SharedArrayBuffers, so the
 * worker copies pages while the VNF keeps writing them on the main thread;
 * the dirty log stays on the main thread, which decides what each round
 * sends.
 *
 * Why a thread: the VNF forwards on the host's main thread, and libuv reads
 * at most 32 datagrams from a UDP socket per loop turn. Copying 256 KiB
 * frames and writing them to a loopback TCP socket on that same thread made
 * each turn take milliseconds, so the VNF forwarded a fraction of the offered
 * rate and queued packets for up to seconds during pre-copy: a disruption
 * that a real hypervisor, whose migration thread is not the vCPU thread,
 * does not cause, and that swamped the true pause-to-resume downtime.
 */
import type { Worker } from 'node:worker_threads';
import { startWorker } from '../../../util/entry.js';
import { VnflabBugError } from '../../../util/errors.js';
import type { Endpoint } from '../../../util/outcome.js';
import { fromWireError, HostError, type HostWireError } from './errors.js';

/** What one migration's thread works on. */
export interface PumpSetup {
  readonly memory: SharedArrayBuffer;
  readonly volume: SharedArrayBuffer | null;
  readonly dest: Endpoint;
  readonly bandwidthBytesPerSec: number;
}

export interface PumpCounters {
  /** Bytes written to the stream (every frame). */
  readonly bytesSent: number;
  readonly pagesSent: number;
  readonly blocksSent: number;
  /** Pages of the running (or last) PAGES job not sent yet. */
  readonly pagesLeftInJob: number;
}

export type PumpCommand =
  | { readonly op: 'connect'; readonly setup: PumpSetup }
  | { readonly op: 'frame'; readonly frame: Uint8Array }
  | { readonly op: 'pages'; readonly pages: Uint32Array }
  | { readonly op: 'blocks'; readonly blocks: Uint32Array }
  | { readonly op: 'end'; readonly reason: string; readonly last: Uint8Array | null };

export type PumpEvent =
  | { readonly op: 'done'; readonly id: number }
  /** A job threw: its error as errors.ts toWireError sends it; fromWireError rebuilds the class here. */
  | { readonly op: 'failed'; readonly id: number; readonly error: HostWireError }
  | { readonly op: 'counters'; readonly counters: PumpCounters }
  | { readonly op: 'frame'; readonly type: number; readonly body: Uint8Array }
  | { readonly op: 'closed'; readonly reason: string };

type Job = Exclude<PumpCommand, { op: 'end' }>;

/**
 * A migration thread started ahead of need. Loading a worker takes ~50 ms
 * from the built package and ~0.5 s from sources (tsx compiles its modules),
 * which would otherwise count in every migration's setup time; each thread
 * serves one migration, so taking one starts the next.
 */
let spare: Promise<Worker> | null = null;

/** Have a migration thread ready in this process (a host calls this when it starts). */
export function prepareMigrationThread(): void {
  if (spare !== null) return;
  const starting = startWorker(import.meta.url, 'page-pump-worker').then((w) => {
    w.unref(); // an idle spare must not keep the host process alive
    return w;
  });
  starting.catch(() => {
    if (spare === starting) spare = null;
  });
  spare = starting;
}

async function takeThread(): Promise<Worker> {
  prepareMigrationThread();
  const taken = spare;
  spare = null;
  prepareMigrationThread();
  if (taken === null) throw new VnflabBugError('no migration thread');
  const worker = await taken;
  worker.ref();
  return worker;
}

/** What the worker receives: a job with its id (answered by done / failed), or end. */
export type PumpMessage = (Job & { readonly id: number }) | Extract<PumpCommand, { op: 'end' }>;

export class PagePump {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  private closedReason: string | null = null;
  private readonly closeListeners: ((reason: string) => void)[] = [];
  private exited = false;
  counters: PumpCounters = { bytesSent: 0, pagesSent: 0, blocksSent: 0, pagesLeftInJob: 0 };

  private constructor(
    private readonly worker: Worker,
    onFrame: (type: number, body: Buffer) => void,
  ) {
    worker.on('message', (e: PumpEvent) => {
      switch (e.op) {
        case 'counters':
          this.counters = e.counters;
          break;
        case 'frame':
          onFrame(e.type, Buffer.from(e.body.buffer, e.body.byteOffset, e.body.byteLength));
          break;
        case 'closed':
          this.markClosed(e.reason);
          break;
        case 'done':
          this.settle(e.id, null);
          break;
        case 'failed':
          this.settle(e.id, fromWireError(e.error));
          break;
      }
    });
    worker.on('error', (err) => this.markClosed(`migration thread failed: ${err.message}`));
    worker.on('exit', () => {
      this.exited = true;
      this.markClosed('migration thread exited');
      for (const id of [...this.pending.keys()])
        this.settle(id, new HostError('MIGRATION_STREAM_CLOSED', 'migration thread exited'));
    });
  }

  /** Take a migration thread and connect it to the destination's migration listener. */
  static async connect(setup: PumpSetup, onFrame: (type: number, body: Buffer) => void): Promise<PagePump> {
    const worker = await takeThread();
    const pump = new PagePump(worker, onFrame);
    try {
      await pump.job({ op: 'connect', setup });
    } catch (err) {
      await pump.close();
      throw err;
    }
    return pump;
  }

  get bytesSent(): number {
    return this.counters.bytesSent;
  }

  /** Why the stream closed (null while open). */
  get closed(): string | null {
    return this.closedReason;
  }

  onClose(listener: (reason: string) => void): void {
    if (this.closedReason !== null) listener(this.closedReason);
    else this.closeListeners.push(listener);
  }

  /** Send one encoded frame after what is queued. */
  send(frame: Buffer): Promise<void> {
    return this.job({ op: 'frame', frame: Uint8Array.from(frame) });
  }

  /** Send these pages (copied from guest memory as the thread reaches them). */
  sendPages(pages: Uint32Array): Promise<void> {
    return this.job({ op: 'pages', pages });
  }

  /** Send these volume blocks. */
  sendBlocks(blocks: Uint32Array): Promise<void> {
    return this.job({ op: 'blocks', blocks });
  }

  /** Send `last` (if any) at once, overtaking queued pages, then close the stream. */
  end(reason: string, last?: Buffer): void {
    if (this.closedReason !== null) return;
    this.markClosed(reason);
    if (!this.exited)
      this.worker.postMessage({ op: 'end', reason, last: last ?? null } satisfies PumpCommand);
  }

  /** Stop the thread; a frame given to end() gets a moment to leave first. */
  async close(): Promise<void> {
    if (this.exited) return;
    const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    this.end('migration stream closed');
    const timer = setTimeout(() => void this.worker.terminate(), 100);
    await exited;
    clearTimeout(timer);
  }

  private job(command: Job): Promise<void> {
    if (this.closedReason !== null && command.op !== 'connect')
      return Promise.reject(new HostError('MIGRATION_STREAM_CLOSED', this.closedReason));
    const id = this.nextId++;
    return new Promise<void>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      const transfer =
        command.op === 'pages'
          ? [command.pages.buffer]
          : command.op === 'blocks'
            ? [command.blocks.buffer]
            : [];
      this.worker.postMessage({ ...command, id } satisfies PumpMessage, transfer as ArrayBuffer[]);
    });
  }

  private settle(id: number, err: Error | null): void {
    const p = this.pending.get(id);
    if (p === undefined) return;
    this.pending.delete(id);
    if (err === null) p.resolve();
    else p.reject(err);
  }

  private markClosed(reason: string): void {
    if (this.closedReason !== null) return;
    this.closedReason = reason;
    for (const l of this.closeListeners.splice(0)) l(reason);
  }
}
