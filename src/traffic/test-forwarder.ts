/**
 * A small UDP forwarder to stand in for the device under test in the Traffic
 * contract suite: it forwards to the sink, and `dropFor(ms)` makes it drop
 * everything for that long and reports the true interval it dropped (from
 * CLOCK_MONOTONIC, comparable with the traffic's own timestamps). It runs in
 * a worker thread so the test's own event loop cannot delay forwarding.
 */
import type { Worker } from 'node:worker_threads';
import { startWorker } from '../util/entry.js';
import type { Endpoint } from '../util/outcome.js';
import type {
  DropReport,
  ForwarderConfig,
  ForwarderEvent,
  ForwarderRequest,
} from './test-forwarder-worker.js';

export type { DropReport } from './test-forwarder-worker.js';

/** Handle of one forwarder worker. */
export class TestForwarder {
  private nextId = 1;
  private readonly waiting = new Map<number, (e: ForwarderEvent) => void>();
  private exited = false;

  private constructor(
    private readonly worker: Worker,
    /** Where traffic must be sent: the forwarder's ingress. */
    readonly ingress: Endpoint,
  ) {
    worker.on('message', (e: ForwarderEvent) => {
      if (e.type === 'ready') return;
      this.waiting.get(e.id)?.(e);
      this.waiting.delete(e.id);
    });
    worker.on('exit', () => (this.exited = true));
  }

  /** Start a forwarder on 127.0.0.1 (port picked by the OS) towards `sink`. */
  static async start(sink: Endpoint, host = '127.0.0.1'): Promise<TestForwarder> {
    const config: ForwarderConfig = { host, sink, socketBufferBytes: 4 * 1024 * 1024 };
    const worker = await startWorker(import.meta.url, 'test-forwarder-worker', { workerData: config });
    const ready = await new Promise<ForwarderEvent>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    if (ready.type !== 'ready') throw new Error('test forwarder did not start');
    return new TestForwarder(worker, ready.ingress);
  }

  /** Drop every datagram for `durationMs`; resolves after it with the exact interval and count. */
  async dropFor(durationMs: number): Promise<DropReport> {
    const e = await this.request({ type: 'drop', id: this.nextId++, durationMs });
    if (e.type !== 'dropped') throw new Error('unexpected forwarder reply');
    return e.report;
  }

  /** Datagrams forwarded and dropped so far, and when (monotonic ms) that was read. */
  async stats(): Promise<{ forwarded: number; dropped: number; atMs: number }> {
    const e = await this.request({ type: 'stats', id: this.nextId++ });
    if (e.type !== 'stats') throw new Error('unexpected forwarder reply');
    return { forwarded: e.forwarded, dropped: e.dropped, atMs: e.atMs };
  }

  async close(): Promise<void> {
    if (this.exited) return;
    const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    const request: ForwarderRequest = { type: 'close' };
    this.worker.postMessage(request);
    const timer = setTimeout(() => void this.worker.terminate(), 1000);
    await exited;
    clearTimeout(timer);
  }

  private request(r: Extract<ForwarderRequest, { id: number }>): Promise<ForwarderEvent> {
    return new Promise((resolve) => {
      this.waiting.set(r.id, resolve);
      this.worker.postMessage(r);
    });
  }
}
