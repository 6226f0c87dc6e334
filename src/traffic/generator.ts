/**
 * Harness-side handle of the generator worker: start (sockets bound), go,
 * stop, close. Counters are read from the shared state, not asked for.
 */
import type { Worker } from 'node:worker_threads';
import { startWorker } from '../util/entry.js';
import { TrafficError } from './errors.js';
import type { GeneratorConfig, GeneratorEvent } from './generator-config.js';

/** The generator worker, seen from the harness thread. */
export class Generator {
  private readonly events: GeneratorEvent[] = [];
  private readonly waiters: (() => void)[] = [];
  private failure: Error | null = null;
  private exited = false;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (m: GeneratorEvent) => {
      if (m.type === 'failed')
        this.fail(new TrafficError('TRAFFIC_WORKER_FAILED', `traffic generator: ${m.message}`));
      this.events.push(m);
      this.wake();
    });
    worker.on('error', (e) =>
      this.fail(
        new TrafficError('TRAFFIC_WORKER_FAILED', `traffic generator crashed: ${e.message}`, { cause: e }),
      ),
    );
    worker.on('exit', (code) => {
      this.exited = true;
      this.fail(new TrafficError('TRAFFIC_WORKER_FAILED', `traffic generator exited (code ${code})`));
    });
  }

  /** Start the worker; resolves once every flow's socket is bound and connected. */
  static async start(
    config: GeneratorConfig,
  ): Promise<{ generator: Generator; sourcePorts: readonly number[] }> {
    const worker = await startWorker(import.meta.url, 'generator-worker', { workerData: config });
    const generator = new Generator(worker);
    try {
      const ready = await generator.next('ready');
      return { generator, sourcePorts: ready.sourcePorts };
    } catch (e) {
      await generator.close();
      throw e;
    }
  }

  /** Start sending; resolves with the monotonic ms the schedule starts at. */
  async go(): Promise<number> {
    this.worker.postMessage({ type: 'go' });
    return (await this.next('started')).startedAtMs;
  }

  /** Wait for the worker to confirm the stop the harness requested in the shared state. */
  async stopped(): Promise<number> {
    return (await this.next('stopped')).stoppedAtMs;
  }

  /** Close the sockets and end the thread; safe to call twice and after a crash. */
  async close(): Promise<void> {
    if (this.exited) return;
    this.worker.postMessage({ type: 'close' });
    const timer = setTimeout(() => void this.worker.terminate(), 1000);
    await new Promise<void>((resolve) => {
      if (this.exited) resolve();
      else this.worker.once('exit', () => resolve());
    });
    clearTimeout(timer);
  }

  /** Why the worker stopped working (it failed, crashed or exited), or null while it works. */
  get failed(): Error | null {
    return this.failure;
  }

  /** End the thread at once, as a crash would (an injected fault, lab.faults `traffic=die`). */
  async kill(): Promise<void> {
    if (!this.exited) await this.worker.terminate();
  }

  private fail(error: Error): void {
    this.failure ??= error;
    this.wake();
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  private async next<T extends GeneratorEvent['type']>(
    type: T,
  ): Promise<Extract<GeneratorEvent, { type: T }>> {
    for (;;) {
      const i = this.events.findIndex((e) => e.type === type);
      if (i >= 0) return this.events.splice(i, 1)[0] as Extract<GeneratorEvent, { type: T }>;
      if (this.failure) throw this.failure;
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }
}
