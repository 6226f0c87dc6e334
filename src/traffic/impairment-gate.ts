/**
 * Impairment gate: a UDP forwarding element that stands in for the device
 * under test (Traffic contract suite, `vnflab calibrate`, benchmarks). It
 * forwards every datagram to the sink, and `dropFor(ms)` makes it drop
 * everything for exactly that long and report the true interval it dropped
 * (CLOCK_MONOTONIC, comparable with the traffic's own timestamps), so a
 * measured disruption can be checked against the truth. It runs in a worker
 * thread so the caller's event loop cannot delay forwarding.
 */
import type { Worker } from 'node:worker_threads';
import { startWorker } from '../util/entry.js';
import { VnflabBugError } from '../util/errors.js';
import type { Endpoint } from '../util/outcome.js';
import { TrafficError } from './errors.js';
import type { DropReport, GateConfig, GateEvent, GateRequest } from './impairment-gate-worker.js';

export type { DropReport } from './impairment-gate-worker.js';

/** Handle of one gate worker. */
export class ImpairmentGate {
  private nextId = 1;
  private readonly waiting = new Map<number, (e: GateEvent) => void>();
  private exited = false;

  private constructor(
    private readonly worker: Worker,
    /** Where traffic must be sent: the gate's ingress. */
    readonly ingress: Endpoint,
    /** The gate's thread runs real time (SCHED_FIFO; util/realtime.ts, scope 'traffic'). */
    readonly realtime: boolean,
  ) {
    worker.on('message', (e: GateEvent) => {
      if (e.type === 'ready') return;
      this.waiting.get(e.id)?.(e);
      this.waiting.delete(e.id);
    });
    worker.on('exit', () => (this.exited = true));
  }

  /**
   * Start a gate on 127.0.0.1 (port picked by the OS) towards `sink`. With
   * `relayTcp` it also relays TCP on the same port number (unimpaired), for
   * tools with a TCP control connection such as iperf3; the OS picks the UDP
   * port, so when that number is taken for TCP the gate retries on another.
   */
  static async start(
    sink: Endpoint,
    host = '127.0.0.1',
    opts: { readonly relayTcp?: boolean } = {},
  ): Promise<ImpairmentGate> {
    const relayTcp = opts.relayTcp ?? false;
    const config: GateConfig = { host, sink, socketBufferBytes: 4 * 1024 * 1024, relayTcp };
    for (let attempt = 1; ; attempt++) {
      const worker = await startWorker(import.meta.url, 'impairment-gate-worker', { workerData: config });
      const ready = await new Promise<GateEvent>((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
      });
      if (ready.type !== 'ready')
        throw new TrafficError('TRAFFIC_WORKER_FAILED', 'impairment gate did not start');
      const gate = new ImpairmentGate(worker, ready.ingress, ready.realtime);
      if (!relayTcp || ready.tcpRelayed) return gate;
      await gate.close();
      if (attempt >= 10)
        throw new TrafficError(
          'TRAFFIC_NO_FREE_PORT',
          `impairment gate: no port free for both UDP and TCP on ${host}`,
        );
    }
  }

  /** Drop every datagram for `durationMs`; resolves after it with the exact interval and count. */
  async dropFor(durationMs: number): Promise<DropReport> {
    const e = await this.request({ type: 'drop', id: this.nextId++, durationMs });
    if (e.type !== 'dropped') throw new VnflabBugError('unexpected gate reply');
    return e.report;
  }

  /** Datagrams forwarded and dropped so far, and when (monotonic ms) that was read. */
  async stats(): Promise<{ forwarded: number; dropped: number; atMs: number }> {
    const e = await this.request({ type: 'stats', id: this.nextId++ });
    if (e.type !== 'stats') throw new VnflabBugError('unexpected gate reply');
    return { forwarded: e.forwarded, dropped: e.dropped, atMs: e.atMs };
  }

  async close(): Promise<void> {
    if (this.exited) return;
    const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    const request: GateRequest = { type: 'close' };
    this.worker.postMessage(request);
    const timer = setTimeout(() => void this.worker.terminate(), 1000);
    await exited;
    clearTimeout(timer);
  }

  private request(r: Extract<GateRequest, { id: number }>): Promise<GateEvent> {
    return new Promise((resolve) => {
      this.waiting.set(r.id, resolve);
      this.worker.postMessage(r);
    });
  }
}
