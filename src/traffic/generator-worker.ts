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
import dgram from 'node:dgram';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { monoMs } from '../util/clock.js';
import type { GeneratorConfig, GeneratorEvent } from './generator-config.js';
import { writeHeader } from './packet.js';
import { Pacer } from './pacer.js';
import { SharedTrafficState } from './shared-state.js';
import { applyThreadNice } from './thread-priority.js';

/** Tick once a run of fixed duration has sent everything: only the stop request is left to notice. */
const IDLE_TICK_MS = 10;

/** Datagram buffers per flow, reused round robin: a send queued by libuv (EAGAIN) keeps its bytes until long after. */
const BUFFERS_PER_FLOW_MIN = 256;

function post(event: GeneratorEvent): void {
  parentPort?.postMessage(event);
}

async function openSockets(cfg: GeneratorConfig): Promise<dgram.Socket[]> {
  const family = cfg.target.host.includes(':') ? 'udp6' : 'udp4';
  const sockets: dgram.Socket[] = [];
  for (let f = 0; f < cfg.layout.flows; f++) {
    const socket = dgram.createSocket({ type: family, sendBufferSize: cfg.socketBufferBytes });
    sockets.push(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      const onBound = (): void => socket.connect(cfg.target.port, cfg.target.host, () => resolve());
      if (cfg.sourceHost === null) socket.bind(0, onBound);
      else socket.bind(0, cfg.sourceHost, onBound);
    });
  }
  return sockets;
}

async function main(cfg: GeneratorConfig): Promise<void> {
  const threadNice = applyThreadNice(cfg.threadNice);
  const state = SharedTrafficState.attach(cfg.buffer, cfg.layout);
  const flows = cfg.layout.flows;
  const sockets = await openSockets(cfg);
  for (const s of sockets) s.on('error', () => state.addSendError());

  const perFlow = Math.max(
    BUFFERS_PER_FLOW_MIN,
    2 ** Math.ceil(Math.log2(cfg.burstCapPackets / flows + 1)) * 4,
  );
  const buffers = sockets.map(() => Array.from({ length: perFlow }, () => Buffer.alloc(cfg.packetSizeBytes)));
  const bufferMask = perFlow - 1;
  const nextSeq = Array.from({ length: flows }, () => cfg.firstSeq);
  let nextFlow = 0;
  let bufferSlot = 0;

  const sendOne = (): void => {
    const flow = nextFlow;
    nextFlow = flow + 1 === flows ? 0 : flow + 1;
    const seq = nextSeq[flow] ?? 0;
    nextSeq[flow] = seq + 1;
    const buf = buffers[flow]?.[bufferSlot & bufferMask];
    const socket = sockets[flow];
    if (!buf || !socket) return;
    if (flow === flows - 1) bufferSlot++;
    const sentNs = process.hrtime.bigint();
    writeHeader(buf, flow, seq, cfg.runId, sentNs);
    // Published before the datagram leaves: the receiver never sees a number the generator has not announced.
    state.publishSend(flow, seq, Number(sentNs) / 1e6);
    socket.send(buf);
  };

  const pacer = new Pacer({
    rateHz: cfg.rateHz,
    burstCapPackets: cfg.burstCapPackets,
    catchUpFactor: cfg.catchUpFactor,
    maxLagPackets: cfg.maxLagPackets,
    limitPackets: cfg.limitPackets,
  });
  let running = false;
  const sleepCell = new Int32Array(new SharedArrayBuffer(4));

  /** Send what the schedule has due by `nowMs`. */
  const sendDue = (nowMs: number): void => {
    const skippedBefore = pacer.skipped;
    const send = pacer.take(nowMs);
    if (pacer.skipped > skippedBefore) state.addSkipped(pacer.skipped - skippedBefore);
    for (let i = 0; i < send; i++) sendOne();
    state.noteBurst(send);
  };

  /**
   * One tick. 'burst' sends the tick's packets back to back; 'even' spaces
   * them across the tick with short blocking waits (Atomics.wait: this thread
   * does nothing else, and it sleeps rather than spins), so a packet leaves
   * within ~0.1 ms of its due time instead of up to a whole timer tick late.
   * That spacing is the resolution of both RFC 6201 methods.
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
      const wait = Math.min(Math.max(pacer.nextDueMs() - now, cfg.minWaitMs), tickEnd - now);
      Atomics.wait(sleepCell, 0, 0, wait);
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
      for (const s of sockets) s.close();
      parentPort?.close();
    }
  });
  post({
    type: 'ready',
    sourcePorts: sockets.map((s) => s.address().port),
    sendBufferBytes: sockets[0]?.getSendBufferSize() ?? 0,
    threadNice,
  });
}

if (!isMainThread) {
  main(workerData as GeneratorConfig).catch((e: unknown) => {
    post({ type: 'failed', message: e instanceof Error ? e.message : String(e) });
  });
}
