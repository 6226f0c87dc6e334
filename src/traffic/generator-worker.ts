/**
 * Generator worker thread: sends sequence-numbered, timestamped datagrams at
 * a constant rate until the harness sets the stop flag in the shared state
 * (or, for a run of fixed duration, until its packets are sent).
 *
 * Pacing (pacer.ts): packet k is due at start + k / rate on the monotonic
 * clock. A stall (GC, CPU contention) is repaid after a burst of at most
 * `burstCapPackets`, at a bounded catch-up rate, so the offered rate over
 * any span holding the stall and its recovery is exact; only a lag beyond
 * `maxLagPackets` is skipped, counted, and takes no sequence number (not a
 * loss). The frame-loss method divides by the rate measured from the send
 * times, whatever happened (DESIGN.md, measurement pitfalls).
 */
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { monoMs } from '../util/clock.js';
import { openFlowSenders } from './flow-senders.js';
import type { GeneratorConfig, GeneratorEvent } from './generator-config.js';
import { Pacer } from './pacer.js';
import { SharedTrafficState } from './shared-state.js';
import { applyThreadNice } from './thread-priority.js';

/** Tick once a run of fixed duration has sent everything: only the stop request is left to notice. */
const IDLE_TICK_MS = 10;

function post(event: GeneratorEvent): void {
  parentPort?.postMessage(event);
}

async function main(cfg: GeneratorConfig): Promise<void> {
  const threadNice = applyThreadNice(cfg.threadNice);
  const state = SharedTrafficState.attach(cfg.buffer, cfg.layout);
  const senders = await openFlowSenders(cfg, state);

  const pacer = new Pacer({
    rateHz: cfg.rateHz,
    burstCapPackets: cfg.burstCapPackets,
    catchUpFactor: cfg.catchUpFactor,
    maxLagPackets: cfg.maxLagPackets,
    limitPackets: cfg.limitPackets,
  });
  let running = false;

  /** Send what the schedule has due by `nowMs`. */
  const sendDue = (nowMs: number): void => {
    const skippedBefore = pacer.skipped;
    const send = pacer.take(nowMs);
    if (pacer.skipped > skippedBefore) state.addSkipped(pacer.skipped - skippedBefore);
    if (send > 0) senders.send(send);
    state.noteBurst(send);
  };

  /**
   * One tick. 'burst' sends the tick's packets back to back; 'even' spaces
   * them across the tick with short blocking waits to the next packet's due
   * time (this thread does nothing else, and it sleeps rather than spins), so
   * a packet leaves within `minWaitMs` of its due time instead of up to a
   * whole timer tick late. That spacing is the resolution of both RFC 6201
   * methods.
   */
  const tick = (): void => {
    if (!running) return;
    if (state.stopRequested) {
      running = false;
      const stoppedAtMs = monoMs();
      state.markStopped(stoppedAtMs);
      post({ type: 'stopped', stoppedAtMs });
      return;
    }
    if (cfg.spacing === 'burst') {
      sendDue(monoMs());
      setTimeout(tick, pacer.done ? IDLE_TICK_MS : cfg.tickMs);
      return;
    }
    const tickEnd = monoMs() + (pacer.done ? IDLE_TICK_MS : cfg.tickMs);
    for (;;) {
      const now = monoMs();
      sendDue(now);
      if (now >= tickEnd) break;
      senders.sleepUntil(Math.min(Math.max(pacer.nextDueMs(), now + cfg.minWaitMs), tickEnd), now);
    }
    // Let the event loop run once per tick (send completions, the close message).
    setImmediate(tick);
  };

  parentPort?.on('message', (m: unknown) => {
    const type = typeof m === 'object' && m !== null && 'type' in m ? m.type : null;
    if (type === 'go' && !running) {
      running = true;
      const startedAt = monoMs();
      pacer.start(startedAt);
      state.markStarted(startedAt);
      post({ type: 'started', startedAtMs: startedAt });
      setImmediate(tick);
    } else if (type === 'close') {
      running = false;
      senders.close();
      parentPort?.close();
    }
  });
  post({
    type: 'ready',
    sourcePorts: senders.sourcePorts,
    sendBufferBytes: senders.sendBufferBytes,
    io: senders.io,
    threadNice,
  });
}

if (!isMainThread) {
  main(workerData as GeneratorConfig).catch((e: unknown) => {
    post({ type: 'failed', message: e instanceof Error ? e.message : String(e) });
  });
}
