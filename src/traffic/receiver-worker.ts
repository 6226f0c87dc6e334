/**
 * Receiver worker thread: owns the sink socket (bound before the VNF exists,
 * so its address can be the VNF's egress), feeds every datagram to the
 * analyzer with its arrival time, ticks the analyzer, and answers the
 * harness's questions over RPC.
 */
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { monoMs, sleep } from '../util/clock.js';
import { Analyzer } from './analyzer.js';
import { TrafficError } from './errors.js';
import type { ReceiverAttach, ReceiverConfig, ReceiverEvent } from './receiver-config.js';
import { serveRpc } from './rpc.js';
import { SharedTrafficState } from './shared-state.js';
import { openSink } from './sink-socket.js';
import { applyThreadNice } from './thread-priority.js';

async function main(cfg: ReceiverConfig, port: import('node:worker_threads').MessagePort): Promise<void> {
  const threadNice = applyThreadNice(cfg.threadNice);
  let analyzer: Analyzer | null = null;
  let early = 0;
  const sink = await openSink(
    {
      host: cfg.host,
      port: cfg.port,
      socketBufferBytes: cfg.socketBufferBytes,
      pollMs: cfg.tickMs,
      addonPath: cfg.addonPath,
    },
    (buf, arrivalMs, offset, length) => {
      if (analyzer) analyzer.onDatagram(buf, arrivalMs, offset, length);
      else early++;
    },
  );
  const timer = setInterval(() => analyzer?.tick(monoMs()), cfg.tickMs);

  const need = (): Analyzer => {
    if (!analyzer) throw new TrafficError('TRAFFIC_NOT_RUNNING', 'traffic was not started');
    return analyzer;
  };

  serveRpc(port, {
    attach: (a: ReceiverAttach) => {
      analyzer = new Analyzer(SharedTrafficState.attach(a.buffer, a.layout), a);
      return null;
    },
    counts: ({ window }: { window: number }) => need().windowCounts(window),
    /** AnyTrafficLoss in one call: lost so far in window `window`, and its numbers sent up to `untilMs` still missing unjudged. */
    lossUpTo: ({ window, untilMs }: { window: number; untilMs: number }) => {
      const a = need();
      return { lost: a.windowCounts(window).lost, missing: a.missingUnsettled(window, untilMs) };
    },
    /** Wait until window `window` is settled (or `timeoutMs` passed, then force it), return its counts. */
    final: async ({ window, timeoutMs }: { window: number; timeoutMs: number }) => {
      const a = need();
      if (!a.isClosed(window))
        throw new TrafficError('TRAFFIC_NOT_RUNNING', `window ${window} is still open`);
      const deadline = monoMs() + timeoutMs;
      while (!a.isFinal(window) && monoMs() < deadline) await sleep(cfg.tickMs);
      while (!a.isFinal(window) && !a.forceSettle(window)) await sleep(cfg.tickMs);
      return a.windowCounts(window);
    },
    flowing: ({ windowMs }: { windowMs: number }) => need().flowing(monoMs(), windowMs),
    sendRate: ({ window }: { window: number | null }) => need().sendRateHz(window),
    disruption: ({ window }: { window: number | null }) => need().disruptionData(window),
    detail: ({ window }: { window: number | null }) => need().windowDetail(window),
    diagnostics: () => ({ early, ...(analyzer?.diagnostics() ?? {}) }),
    /** The sink socket's kernel drop count now; null where this I/O path cannot read it (dgram: /proc/net/udp). */
    socketDrops: () => sink.drops(),
    close: () => {
      clearInterval(timer);
      sink.close();
      setImmediate(() => port.close());
      return null;
    },
  });
  const ready: ReceiverEvent = {
    type: 'ready',
    host: sink.host,
    port: sink.port,
    recvBufferBytes: sink.recvBufferBytes,
    threadNice,
    io: sink.io,
    stamps: sink.stamps,
  };
  port.postMessage(ready);
}

if (!isMainThread && parentPort) {
  const port = parentPort;
  main(workerData as ReceiverConfig, port).catch((e: unknown) => {
    const failed: ReceiverEvent = {
      type: 'failed',
      message: e instanceof Error ? e.message : String(e),
      code: (e as { code?: string }).code,
    };
    port.postMessage(failed);
  });
}
