/**
 * Worker thread of the impairment gate: a minimal UDP "VNF" that forwards
 * every datagram from its ingress socket to the sink, and can be told to drop
 * everything for a while, an exactly known interval [start, end) of
 * CLOCK_MONOTONIC: the reference of `vnflab calibrate`.
 *
 * Which datagrams fall in the interval is decided on the instant each was
 * sent, from the send stamp every vnflab datagram carries (the generator's
 * CLOCK_MONOTONIC, the gate's own), not on the instant this thread reads it.
 * Decided at read time, a gate thread descheduled at the drop's start reads
 * a backlog sent before it and drops that too: a calibration on the 2-core
 * reference machine saw 55562 datagrams dropped in a "1000 ms" drop at
 * 50k/s, 111 ms worth more than the interval holds, and charged the excess
 * to the method under test. On the send clock the gate behaves as an ideal
 * element one constant path delay away, whatever its own scheduling. Other
 * datagrams (iperf3's) are decided at read time, as before.
 *
 * Which datagrams are dropped is exact; when the others leave is not. This
 * thread forwards in batches, 0.1-1 ms behind at 50k/s on the 2-core
 * reference machine, and as much as 4 ms when descheduled, and the lag
 * differs between the last datagram forwarded before a drop and the first
 * after it. So the gate also reports the silence its egress really had
 * (`egressSilenceMs`, stamped as each send returns): that, not the drop
 * interval, is what the RFC 6201 timestamp method observes downstream, and
 * the reference `vnflab calibrate` sets it against.
 */
import dgram from 'node:dgram';
import net from 'node:net';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import type { Endpoint } from '../util/outcome.js';
import { isRealtime } from '../util/realtime.js';
import { isVnflabPacket, readSentMs } from './packet.js';
import { applyThreadNice } from './thread-priority.js';

/** What the gate worker starts with. */
export interface GateConfig {
  readonly host: string;
  readonly sink: Endpoint;
  readonly socketBufferBytes: number;
  /**
   * Also relay TCP on the ingress port number to the sink's (unimpaired):
   * tools such as iperf3 open a TCP control connection to the same address
   * and port as their UDP data, as a router in the path would carry it.
   */
  readonly relayTcp?: boolean;
}

/** Harness -> gate messages. */
export type GateRequest =
  | { readonly type: 'drop'; readonly id: number; readonly durationMs: number }
  | { readonly type: 'stats'; readonly id: number }
  | { readonly type: 'close' };

/** What the gate really did during one `dropFor`. */
export interface DropReport {
  /** Monotonic ms (CLOCK_MONOTONIC, as the traffic timestamps) the drop began and ended. */
  readonly startMs: number;
  readonly endMs: number;
  readonly dropped: number;
  /**
   * Gaps across the start and across the end of the drop between the last
   * datagram before the edge and the first after it, ms, on the clock the
   * drop is decided on (send stamps for vnflab datagrams, else arrival at
   * the gate); null if none came after. Small gaps mean the drop's edges
   * are sharp: the load was regular there.
   */
  readonly edgeGapsMs: readonly [number | null, number | null];
  /**
   * How long the gate's egress carried nothing around the drop, ms: from
   * the return of its send of the last datagram forwarded before the drop
   * to that of the first forwarded after (CLOCK_MONOTONIC, this thread).
   * It differs from the drop interval by the change in the gate's own
   * forwarding lag between those two datagrams. Null if no datagram was
   * forwarded on either side, or the drop dropped nothing.
   */
  readonly egressSilenceMs: number | null;
}

/** Gate -> harness messages. */
export type GateEvent =
  | {
      readonly type: 'ready';
      readonly ingress: Endpoint;
      readonly tcpRelayed: boolean;
      /** This thread runs SCHED_FIFO. */
      readonly realtime: boolean;
    }
  | { readonly type: 'dropped'; readonly id: number; readonly report: DropReport }
  | {
      readonly type: 'stats';
      readonly id: number;
      readonly forwarded: number;
      readonly dropped: number;
      readonly atMs: number;
    };

const nowMs = (): number => Number(process.hrtime.bigint()) / 1e6;

async function main(cfg: GateConfig): Promise<void> {
  const port = parentPort;
  if (!port) return;
  // Measurement infrastructure: forward on time even on a loaded machine (if permitted).
  applyThreadNice(-10);
  const type = cfg.host.includes(':') ? 'udp6' : 'udp4';
  const ingress = dgram.createSocket({ type, recvBufferSize: cfg.socketBufferBytes });
  await new Promise<void>((resolve) => ingress.bind(0, cfg.host, resolve));
  ingress.on('error', () => undefined);
  const tcp = cfg.relayTcp ? await relayTcp(ingress.address().port, cfg) : null;

  /**
   * Like a NAT router, one egress socket (source port) per sender, so the
   * sink tells senders apart (iperf3 keys its streams by source address),
   * and the sink's replies go back to that sender, never impaired (iperf3's
   * UDP connect handshake needs them). A new sender's first datagrams wait
   * until its socket is bound.
   */
  interface Path {
    readonly socket: dgram.Socket;
    ready: boolean;
    queue: Buffer[];
  }
  const paths = new Map<string, Map<number, Path>>();
  const pathFor = (address: string, senderPort: number): Path => {
    let byPort = paths.get(address);
    if (!byPort) paths.set(address, (byPort = new Map<number, Path>()));
    const known = byPort.get(senderPort);
    if (known) return known;
    const socket = dgram.createSocket({ type, sendBufferSize: cfg.socketBufferBytes });
    const path: Path = { socket, ready: false, queue: [] };
    byPort.set(senderPort, path);
    socket.on('error', () => undefined);
    socket.on('message', (msg) => ingress.send(msg, senderPort, address));
    socket.bind(0, cfg.host, () =>
      socket.connect(cfg.sink.port, cfg.sink.host, () => {
        path.ready = true;
        for (const m of path.queue) socket.send(m);
        path.queue = [];
      }),
    );
    return path;
  };

  let forwarded = 0;
  let dropped = 0;
  // One drop at a time; [dropStartMs, dropEndMs) in monotonic ms (0, 0: none yet).
  let dropStartMs = 0;
  let dropEndMs = 0;
  let droppedInInterval = 0;
  // The decision instant of the previous datagram (see the file's comment).
  let lastAtMs = 0;
  // Gaps across the drop's start and end (-1: not seen yet).
  let startGapMs = -1;
  let endGapMs = -1;
  // When the send of the latest forward returned; the egress's edges around the current drop (-1: not yet).
  let lastForwardMs = -1;
  let egressBeforeMs = -1;
  let egressAfterMs = -1;

  ingress.on('message', (msg, rinfo) => {
    const atMs = isVnflabPacket(msg) ? readSentMs(msg) : nowMs();
    if (dropEndMs !== 0) {
      if (startGapMs < 0 && atMs >= dropStartMs) startGapMs = atMs - lastAtMs;
      if (endGapMs < 0 && atMs >= dropEndMs) endGapMs = atMs - lastAtMs;
    }
    lastAtMs = atMs;
    if (atMs >= dropStartMs && atMs < dropEndMs) {
      dropped++;
      // Datagrams are read in the order they were sent (one sender, one socket): the last forward was the last before.
      if (droppedInInterval++ === 0) egressBeforeMs = lastForwardMs;
      return;
    }
    forwarded++;
    const path = pathFor(rinfo.address, rinfo.port);
    if (path.ready) path.socket.send(msg);
    else path.queue.push(msg);
    lastForwardMs = nowMs();
    if (egressAfterMs < 0 && dropEndMs !== 0 && atMs >= dropEndMs) egressAfterMs = lastForwardMs;
  });

  port.on('message', (m: GateRequest) => {
    if (m.type === 'drop') {
      droppedInInterval = 0;
      startGapMs = -1;
      endGapMs = -1;
      egressBeforeMs = -1;
      egressAfterMs = -1;
      // Datagrams read before this line were sent before it: none of them is in the interval.
      const startMs = nowMs();
      const endMs = startMs + m.durationMs;
      dropStartMs = startMs;
      dropEndMs = endMs;
      // Report once the interval is over (the timer may be late; the interval is not).
      const check = (): void => {
        const t = nowMs();
        // Wait for the first datagram after the drop (at most 100 ms).
        if (t < endMs || (endGapMs < 0 && t < endMs + 100)) {
          setTimeout(check, 1);
          return;
        }
        const report: DropReport = {
          startMs,
          endMs,
          dropped: droppedInInterval,
          edgeGapsMs: [startGapMs < 0 ? null : startGapMs, endGapMs < 0 ? null : endGapMs],
          egressSilenceMs: egressBeforeMs < 0 || egressAfterMs < 0 ? null : egressAfterMs - egressBeforeMs,
        };
        const event: GateEvent = { type: 'dropped', id: m.id, report };
        port.postMessage(event);
      };
      setTimeout(check, m.durationMs);
    } else if (m.type === 'stats') {
      const event: GateEvent = { type: 'stats', id: m.id, forwarded, dropped, atMs: nowMs() };
      port.postMessage(event);
    } else {
      ingress.close();
      for (const byPort of paths.values()) for (const p of byPort.values()) p.socket.close();
      tcp?.close();
      port.close();
    }
  });
  const ready: GateEvent = {
    type: 'ready',
    ingress: { host: cfg.host, port: ingress.address().port },
    tcpRelayed: tcp !== null,
    realtime: isRealtime(),
  };
  port.postMessage(ready);
}

/**
 * A TCP relay listening on `portNumber` (the UDP ingress's number) towards
 * the sink's TCP port. Null if that number is taken for TCP (the caller then
 * has a gate without TCP; see ImpairmentGate.start, which retries).
 */
async function relayTcp(portNumber: number, cfg: GateConfig): Promise<{ close(): void } | null> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(cfg.sink.port, cfg.sink.host);
    for (const s of [client, upstream]) {
      s.setNoDelay(true);
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream);
    upstream.pipe(client);
  });
  const ok = await new Promise<boolean>((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(portNumber, cfg.host, () => resolve(true));
  });
  if (!ok) return null;
  return {
    close: () => {
      server.close();
      for (const s of sockets) s.destroy();
    },
  };
}

if (!isMainThread) void main(workerData as GateConfig);
