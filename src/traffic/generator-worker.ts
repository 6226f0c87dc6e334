/**
 * Generator worker thread: sends sequence-numbered, timestamped datagrams at
 * a constant rate until the harness sets the stop flag in the shared state.
 *
 * Pacing: every tick (default 1 ms) computes from the monotonic clock how
 * many packets are due since the start and sends them, round robin over the
 * flows (see `tick` for how they are spaced within the tick). After a stall (GC, CPU contention) the catch-up burst is capped;
 * the rest of the deficit is skipped, never sent late, so the offered rate
 * reported is the one actually achieved (DESIGN.md, measurement pitfalls).
 * Skipped packets do not consume sequence numbers: they are not losses.
 */
import dgram from 'node:dgram';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { monoMs } from '../util/clock.js';
import type { GeneratorConfig, GeneratorEvent } from './generator-config.js';
import { writeHeader } from './packet.js';
import { SharedTrafficState } from './shared-state.js';
import { applyThreadNice } from './thread-priority.js';

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

  let startedAt = 0;
  let scheduled = 0;
  let running = false;
  const intervalMs = 1000 / cfg.rateHz;
  const sleepCell = new Int32Array(new SharedArrayBuffer(4));

  /** Send what is due by `nowMs` (catch-up capped at the burst limit). */
  const sendDue = (nowMs: number): void => {
    const due = Math.floor((nowMs - startedAt) / intervalMs) - scheduled;
    if (due <= 0) return;
    const send = Math.min(due, cfg.burstCapPackets);
    if (due > send) state.addSkipped(due - send);
    scheduled += due;
    for (let i = 0; i < send; i++) sendOne();
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
      setTimeout(tick, cfg.tickMs);
      return;
    }
    const tickEnd = monoMs() + cfg.tickMs;
    for (;;) {
      const now = monoMs();
      sendDue(now);
      if (now >= tickEnd) break;
      const nextDue = startedAt + (scheduled + 1) * intervalMs;
      Atomics.wait(sleepCell, 0, 0, Math.min(Math.max(nextDue - now, cfg.minWaitMs), tickEnd - now));
    }
    // Let the event loop run once per tick (send completions, the close message).
    setImmediate(tick);
  };

  parentPort?.on('message', (m: unknown) => {
    const type = typeof m === 'object' && m !== null && 'type' in m ? m.type : null;
    if (type === 'go' && !running) {
      running = true;
      startedAt = monoMs();
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
