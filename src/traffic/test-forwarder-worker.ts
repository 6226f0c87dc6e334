/**
 * Worker thread of the test forwarder: a minimal UDP "VNF" that forwards
 * every datagram from its ingress socket to the sink, and can be told to drop
 * everything for a while. The drop decision is taken per datagram from the
 * monotonic clock, so the interval it reports is exactly the one it dropped.
 */
import dgram from 'node:dgram';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import type { Endpoint } from '../util/outcome.js';
import { applyThreadNice } from './thread-priority.js';

/** What the forwarder worker starts with. */
export interface ForwarderConfig {
  readonly host: string;
  readonly sink: Endpoint;
  readonly socketBufferBytes: number;
}

/** Harness -> forwarder messages. */
export type ForwarderRequest =
  | { readonly type: 'drop'; readonly id: number; readonly durationMs: number }
  | { readonly type: 'stats'; readonly id: number }
  | { readonly type: 'close' };

/** What the forwarder really did during one `dropFor`. */
export interface DropReport {
  /** Monotonic ms (CLOCK_MONOTONIC, as the traffic timestamps) the drop began and ended. */
  readonly startMs: number;
  readonly endMs: number;
  readonly dropped: number;
  /**
   * Longest gap between two datagrams arriving at the forwarder, from the
   * last one before the drop to the first one after it, ms; null if none
   * came after. Tells whether the offered load was regular around the drop.
   */
  readonly maxArrivalGapMs: number | null;
}

/** Forwarder -> harness messages. */
export type ForwarderEvent =
  | { readonly type: 'ready'; readonly ingress: Endpoint }
  | { readonly type: 'dropped'; readonly id: number; readonly report: DropReport }
  | {
      readonly type: 'stats';
      readonly id: number;
      readonly forwarded: number;
      readonly dropped: number;
      readonly atMs: number;
    };

const nowNs = (): bigint => process.hrtime.bigint();
const toMs = (ns: bigint): number => Number(ns) / 1e6;

async function main(cfg: ForwarderConfig): Promise<void> {
  const port = parentPort;
  if (!port) return;
  // Test infrastructure: forward on time even on a loaded machine (if permitted).
  applyThreadNice(-10);
  const type = cfg.host.includes(':') ? 'udp6' : 'udp4';
  const ingress = dgram.createSocket({ type, recvBufferSize: cfg.socketBufferBytes });
  const egress = dgram.createSocket({ type, sendBufferSize: cfg.socketBufferBytes });
  await new Promise<void>((resolve) => ingress.bind(0, cfg.host, resolve));
  await new Promise<void>((resolve) =>
    egress.bind(0, cfg.host, () => egress.connect(cfg.sink.port, cfg.sink.host, resolve)),
  );
  egress.on('error', () => undefined);

  let forwarded = 0;
  let dropped = 0;
  // One drop at a time; [dropStartNs, dropEndNs) in monotonic ns.
  let dropStartNs = 0n;
  let dropEndNs = 0n;
  let droppedInInterval = 0;
  let lastArrivalNs = 0n;
  // Arrival gaps are watched from the drop command until the first datagram after the drop.
  let watching = false;
  let maxGapNs = 0n;

  ingress.on('message', (msg) => {
    const t = nowNs();
    if (watching) {
      if (t - lastArrivalNs > maxGapNs) maxGapNs = t - lastArrivalNs;
      if (t >= dropEndNs) watching = false;
    }
    lastArrivalNs = t;
    if (t >= dropStartNs && t < dropEndNs) {
      dropped++;
      droppedInInterval++;
      return;
    }
    forwarded++;
    egress.send(msg);
  });

  port.on('message', (m: ForwarderRequest) => {
    if (m.type === 'drop') {
      droppedInInterval = 0;
      maxGapNs = 0n;
      watching = true;
      dropStartNs = nowNs();
      dropEndNs = dropStartNs + BigInt(Math.round(m.durationMs * 1e6));
      const startNs = dropStartNs;
      const endNs = dropEndNs;
      // Report once the interval is over (the timer may be late; the interval is not).
      const check = (): void => {
        const t = nowNs();
        // Wait for the first datagram after the drop (at most 100 ms).
        if (t < endNs || (watching && t < endNs + 100_000_000n)) {
          setTimeout(check, 1);
          return;
        }
        const report: DropReport = {
          startMs: toMs(startNs),
          endMs: toMs(endNs),
          dropped: droppedInInterval,
          maxArrivalGapMs: watching ? null : Number(maxGapNs) / 1e6,
        };
        watching = false;
        const event: ForwarderEvent = { type: 'dropped', id: m.id, report };
        port.postMessage(event);
      };
      setTimeout(check, m.durationMs);
    } else if (m.type === 'stats') {
      const event: ForwarderEvent = { type: 'stats', id: m.id, forwarded, dropped, atMs: toMs(nowNs()) };
      port.postMessage(event);
    } else {
      ingress.close();
      egress.close();
      port.close();
    }
  });
  const ready: ForwarderEvent = { type: 'ready', ingress: { host: cfg.host, port: ingress.address().port } };
  port.postMessage(ready);
}

if (!isMainThread) void main(workerData as ForwarderConfig);
