/**
 * Worker thread of the tests' UdpSender (test-kit.ts): paces sequence-numbered
 * datagrams from its own event loop, at raised priority where allowed, so the
 * test's main thread (IPC, assertions) and a busy machine do not put gaps in
 * the offered load.
 */
import dgram from 'node:dgram';
import os from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';

export interface SenderWorkerData {
  readonly host: string;
  readonly port: number;
  readonly rateHz: number;
  readonly sizeBytes: number;
  /** Int32Array view: [0] = datagrams sent, [1] = stop flag. */
  readonly counters: SharedArrayBuffer;
  /** Float64Array view: [0] = when sending started, epoch ms. */
  readonly times: SharedArrayBuffer;
}

const d = workerData as SenderWorkerData;
const counters = new Int32Array(d.counters);
const times = new Float64Array(d.times);
try {
  os.setPriority(-10); // this thread only (Linux); needs CAP_SYS_NICE
} catch {
  // keep the inherited priority
}
const socket = dgram.createSocket({ type: 'udp4', sendBufferSize: 4 * 1024 * 1024 });
socket.bind(0, '127.0.0.1', () => {
  socket.connect(d.port, d.host, () => {
    const maxBurst = Math.max(1, Math.ceil(d.rateHz / 100)); // 10 ms worth
    let startedMs = performance.now();
    times[0] = performance.timeOrigin + startedMs;
    let sent = 0;
    const timer = setInterval(() => {
      if (Atomics.load(counters, 1) === 1) {
        clearInterval(timer);
        socket.close(() => parentPort?.postMessage('stopped'));
        return;
      }
      const due = Math.floor(((performance.now() - startedMs) * d.rateHz) / 1000) - sent;
      const n = Math.min(due, maxBurst);
      // After a stall, drop the backlog instead of bursting it (DESIGN.md, measurement pitfalls).
      if (due > n) startedMs += ((due - n) * 1000) / d.rateHz;
      for (let i = 0; i < n; i++) {
        const datagram = Buffer.alloc(d.sizeBytes);
        datagram.writeUInt32BE(sent, 0);
        socket.send(datagram);
        sent++;
      }
      Atomics.store(counters, 0, sent);
    }, 1);
    parentPort?.postMessage('started');
  });
});
