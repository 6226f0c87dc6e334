/**
 * Harness-side handle of the receiver worker: bind (ready), then RPC.
 */
import type { Worker } from 'node:worker_threads';
import type { Endpoint } from '../util/outcome.js';
import { startWorker } from '../util/entry.js';
import type { AnalyzerDiagnostics, DisruptionData, WindowCounts, WindowDetail } from './analyzer.js';
import { TrafficError } from './errors.js';
import type { ReceiverAttach, ReceiverConfig, ReceiverEvent } from './receiver-config.js';
import { RpcClient } from './rpc.js';

/** The receiver worker, seen from the harness thread. */
export class Receiver {
  private readonly rpc: RpcClient;
  private exited = false;
  private closing: Promise<void> | null = null;

  private constructor(
    private readonly worker: Worker,
    readonly sink: Endpoint,
    readonly recvBufferBytes: number,
  ) {
    this.rpc = new RpcClient(worker);
    worker.on('error', (e) =>
      this.rpc.failAll(
        new TrafficError('TRAFFIC_WORKER_FAILED', `traffic receiver crashed: ${e.message}`, { cause: e }),
      ),
    );
    worker.on('exit', (code) => {
      this.exited = true;
      this.rpc.failAll(new TrafficError('TRAFFIC_WORKER_FAILED', `traffic receiver exited (code ${code})`));
    });
  }

  /** Start the worker and bind the sink socket. */
  static async start(config: ReceiverConfig): Promise<Receiver> {
    const worker = await startWorker(import.meta.url, 'receiver-worker', { workerData: config });
    let ready: Extract<ReceiverEvent, { type: 'ready' }>;
    try {
      ready = await new Promise((resolve, reject) => {
        const onExit = (code: number): void =>
          reject(
            new TrafficError(
              'TRAFFIC_WORKER_FAILED',
              `traffic receiver exited (code ${code}) before it was ready`,
            ),
          );
        worker.once('error', reject);
        worker.once('exit', onExit);
        worker.once('message', (m: ReceiverEvent) => {
          worker.off('error', reject);
          worker.off('exit', onExit);
          if (m.type === 'ready') resolve(m);
          else
            reject(
              new TrafficError(
                'TRAFFIC_WORKER_FAILED',
                `traffic receiver cannot bind ${config.host}:${config.port}: ${m.message}`,
              ),
            );
        });
      });
    } catch (e) {
      await worker.terminate();
      throw e;
    }
    return new Receiver(worker, { host: ready.host, port: ready.port }, ready.recvBufferBytes);
  }

  attach(a: ReceiverAttach): Promise<null> {
    return this.rpc.call('attach', a);
  }

  counts(window: number): Promise<WindowCounts> {
    return this.rpc.call('counts', { window });
  }

  /**
   * Window `window`'s numbers judged lost so far, and those sent up to
   * `untilMs` that have neither arrived nor been judged (one round trip).
   */
  lossUpTo(window: number, untilMs: number): Promise<{ lost: number; missing: number }> {
    return this.rpc.call('lossUpTo', { window, untilMs });
  }

  /** Counts of a closed window once it is settled (forced after `timeoutMs`). */
  final(window: number, timeoutMs: number): Promise<WindowCounts> {
    return this.rpc.call('final', { window, timeoutMs });
  }

  sendRate(window: number | null): Promise<number | null> {
    return this.rpc.call('sendRate', { window });
  }

  flowing(windowMs: number): Promise<boolean> {
    return this.rpc.call('flowing', { windowMs });
  }

  disruption(window: number | null): Promise<DisruptionData> {
    return this.rpc.call('disruption', { window });
  }

  /** Latency per flow and timeline of window `window` (whole run: null). */
  detail(window: number | null): Promise<WindowDetail> {
    return this.rpc.call('detail', { window });
  }

  /** The sink socket's kernel drop count now; null where the I/O path cannot read it (dgram). */
  socketDrops(): Promise<number | null> {
    return this.rpc.call('socketDrops');
  }

  diagnostics(): Promise<Partial<AnalyzerDiagnostics> & { early: number }> {
    return this.rpc.call('diagnostics');
  }

  /** Close the socket and end the thread; safe to call twice and after a crash. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      if (this.exited) return;
      const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
      // A polite close lets the socket go first; terminate covers a wedged or crashed thread.
      const timer = setTimeout(() => void this.worker.terminate(), 1000);
      this.rpc.call('close').catch(() => void this.worker.terminate());
      await exited;
      clearTimeout(timer);
    })();
    return this.closing;
  }
}
