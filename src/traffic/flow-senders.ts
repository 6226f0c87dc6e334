/**
 * The generator's sockets, one per flow, behind one small interface so the
 * worker's pacing is the same on both I/O paths:
 *
 *  - native (udp_batch addon): each call's packets of a flow leave in one
 *    sendmmsg(2), all stamped with the batch's send time; waits are
 *    clock_nanosleep(2) to an absolute CLOCK_MONOTONIC deadline.
 *  - dgram: one `socket.send` per packet (libuv), each stamped as it is
 *    handed over; waits are Atomics.wait.
 *
 * Either way every packet's number and send time is published in the shared
 * state before the datagram leaves: the receiver never sees a number the
 * generator has not announced.
 */
import dgram from 'node:dgram';
import { lookup } from 'node:dns/promises';
import { writeHeader, writeSeqAndTime } from './packet.js';
import type { SharedTrafficState } from './shared-state.js';
import { loadUdpBatch, type TrafficIo, type UdpBatchAddon } from './udp-batch.js';
import type { GeneratorConfig } from './generator-config.js';

/** The flows' sockets of one generator run. */
export interface FlowSenders {
  readonly io: TrafficIo;
  readonly sourcePorts: readonly number[];
  readonly sendBufferBytes: number;
  /** Send the next `count` packets, round robin over the flows. */
  send(count: number): void;
  /** Block the thread until monotonic instant `deadlineMs`. */
  sleepUntil(deadlineMs: number, nowMs: number): void;
  close(): void;
}

/** Datagram buffers per flow, reused round robin: a send queued by libuv (EAGAIN) keeps its bytes until long after. */
const BUFFERS_PER_FLOW_MIN = 256;

/** Most packets of one flow in one sendmmsg call (the addon's own batch limit is 1024). */
const NATIVE_BATCH = 512;

export async function openFlowSenders(cfg: GeneratorConfig, state: SharedTrafficState): Promise<FlowSenders> {
  return cfg.addonPath === null ? openDgram(cfg, state) : openNative(cfg, state, loadUdpBatch(cfg.addonPath));
}

async function openNative(
  cfg: GeneratorConfig,
  state: SharedTrafficState,
  addon: UdpBatchAddon,
): Promise<FlowSenders> {
  const flows = cfg.layout.flows;
  const target = await lookup(cfg.target.host);
  const family = target.family === 6 ? 6 : 4;
  const bindHost = cfg.sourceHost ?? (family === 6 ? '::' : '0.0.0.0');
  const size = cfg.packetSizeBytes;
  const fds: number[] = [];
  const sourcePorts: number[] = [];
  let sendBufferBytes = 0;
  try {
    for (let f = 0; f < flows; f++) {
      const s = addon.openSocket(family, (await lookup(bindHost)).address, 0, 0, cfg.socketBufferBytes);
      fds.push(s.fd);
      sourcePorts.push(s.port);
      sendBufferBytes = s.sendBufferBytes;
      addon.connect(s.fd, target.address, cfg.target.port);
    }
  } catch (e) {
    for (const fd of fds) addon.close(fd);
    throw e;
  }
  // Every slot carries its flow's constant header fields once; a batch then writes only seq and the send time.
  const buffers = fds.map((_, f) => {
    const buf = Buffer.alloc(size * NATIVE_BATCH);
    for (let i = 0; i < NATIVE_BATCH; i++) writeHeader(buf, f, 0, cfg.runId, 0n, i * size);
    return buf;
  });
  const nextSeq = Array.from({ length: flows }, () => cfg.firstSeq);
  let nextFlow = 0;

  /** `n` packets of flow `f` in one batch: header, published, one sendmmsg. */
  const flush = (f: number, n: number): void => {
    const buf = buffers[f];
    const fd = fds[f];
    if (!buf || fd === undefined || n === 0) return;
    const first = nextSeq[f] ?? 0;
    const sentNs = process.hrtime.bigint();
    const sentHi = Number(sentNs >> 32n);
    const sentLo = Number(sentNs & 0xffffffffn);
    for (let i = 0; i < n; i++) writeSeqAndTime(buf, i * size, first + i, sentHi, sentLo);
    nextSeq[f] = first + n;
    state.publishSends(f, first, n, Number(sentNs) / 1e6);
    let done = 0;
    while (done < n) {
      const r = addon.sendBatch(fd, buf.subarray(done * size), size, n - done);
      if (r <= 0) {
        // Refused (e.g. ECONNREFUSED from an earlier ICMP error): counted, as dgram's 'error' events are; not retried.
        state.addSendError();
        done++;
      } else done += r;
    }
  };

  return {
    io: 'native',
    sourcePorts,
    sendBufferBytes,
    send(count) {
      if (flows === 1) {
        for (let left = count; left > 0; left -= NATIVE_BATCH) flush(0, Math.min(left, NATIVE_BATCH));
        return;
      }
      // Round robin: flow f gets every flows-th packet starting at nextFlow.
      for (let left = count; left > 0;) {
        const chunk = Math.min(left, NATIVE_BATCH * flows);
        for (let k = 0; k < flows; k++) {
          const f = (nextFlow + k) % flows;
          flush(f, Math.floor(chunk / flows) + (k < chunk % flows ? 1 : 0));
        }
        nextFlow = (nextFlow + chunk) % flows;
        left -= chunk;
      }
    },
    sleepUntil(deadlineMs) {
      addon.sleepUntilMs(deadlineMs);
    },
    close() {
      for (const fd of fds.splice(0)) addon.close(fd);
    },
  };
}

async function openDgram(cfg: GeneratorConfig, state: SharedTrafficState): Promise<FlowSenders> {
  const family = cfg.target.host.includes(':') ? 'udp6' : 'udp4';
  const flows = cfg.layout.flows;
  const sockets: dgram.Socket[] = [];
  for (let f = 0; f < flows; f++) {
    const socket = dgram.createSocket({ type: family, sendBufferSize: cfg.socketBufferBytes });
    sockets.push(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      const onBound = (): void => socket.connect(cfg.target.port, cfg.target.host, () => resolve());
      if (cfg.sourceHost === null) socket.bind(0, onBound);
      else socket.bind(0, cfg.sourceHost, onBound);
    });
  }
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
  const sleepCell = new Int32Array(new SharedArrayBuffer(4));

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
    state.publishSend(flow, seq, Number(sentNs) / 1e6);
    socket.send(buf);
  };

  return {
    io: 'dgram',
    sourcePorts: sockets.map((s) => s.address().port),
    sendBufferBytes: sockets[0]?.getSendBufferSize() ?? 0,
    send(count) {
      for (let i = 0; i < count; i++) sendOne();
    },
    sleepUntil(deadlineMs, nowMs) {
      // Atomics.wait: this thread does nothing else, and it sleeps rather than spins.
      Atomics.wait(sleepCell, 0, 0, deadlineMs - nowMs);
    },
    close() {
      for (const s of sockets) s.close();
    },
  };
}
