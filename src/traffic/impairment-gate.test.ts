import dgram from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { MEASURES_REAL_TIME } from '../../test/measures-real-time.js';
import { monoMs, monoNs, sleep } from '../util/clock.js';
import { ImpairmentGate } from './impairment-gate.js';
import { HEADER_BYTES, isVnflabPacket, readSeq32, writeHeader } from './packet.js';

/** A vnflab datagram with sequence number `seq` and send stamp `sentNs`. */
function packet(seq: number, sentNs: bigint): Buffer {
  const buf = Buffer.alloc(HEADER_BYTES + 32);
  writeHeader(buf, 0, seq, 7, sentNs);
  return buf;
}

describe('ImpairmentGate', () => {
  const cleanup: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c();
  });

  /** A gate in front of a sink that records what it got and, for vnflab datagrams, when (by sequence number). */
  async function setup(): Promise<{
    gate: ImpairmentGate;
    send: (b: Buffer) => void;
    got: string[];
    arrivals: Map<number, number>;
  }> {
    const sink = dgram.createSocket('udp4');
    const got: string[] = [];
    const arrivals = new Map<number, number>();
    sink.on('message', (m) => {
      const atMs = monoMs();
      if (isVnflabPacket(m)) arrivals.set(readSeq32(m), atMs);
      got.push(isVnflabPacket(m) ? `seq ${readSeq32(m)}` : m.toString());
    });
    await new Promise<void>((r) => sink.bind(0, '127.0.0.1', r));
    cleanup.push(() => void sink.close());
    const gate = await ImpairmentGate.start({ host: '127.0.0.1', port: sink.address().port });
    cleanup.push(() => gate.close());
    const client = dgram.createSocket('udp4');
    cleanup.push(() => void client.close());
    const send = (b: Buffer): void => client.send(b, gate.ingress.port, gate.ingress.host);
    return { gate, send, got, arrivals };
  }

  it('decides on each datagram by its send stamp, not by when it reaches the gate', async () => {
    const { gate, send, got } = await setup();
    const beforeNs = monoNs();
    const drop = gate.dropFor(1000);
    await sleep(200);
    // Sent before the drop began, delivered during it (a backlog): forwarded.
    send(packet(1, beforeNs));
    // Sent and delivered during the drop: dropped.
    const insideNs = monoNs();
    send(packet(2, insideNs));
    // Not a vnflab datagram: decided when the gate reads it, during the drop: dropped.
    send(Buffer.from('foreign-during'));
    const report = await drop;
    expect(report.endMs - report.startMs).toBe(1000);
    // The stamps above are where this test means them to be relative to the interval.
    expect(Number(beforeNs) / 1e6).toBeLessThan(report.startMs);
    expect(Number(insideNs) / 1e6).toBeGreaterThanOrEqual(report.startMs);
    expect(monoMs()).toBeGreaterThanOrEqual(report.endMs);
    // Sent during the drop, delivered after it (late): dropped.
    send(packet(3, insideNs));
    // Sent after: forwarded.
    send(packet(4, monoNs()));
    send(Buffer.from('foreign-after'));
    for (let i = 0; i < 100 && got.length < 3; i++) await sleep(10);
    await sleep(50);
    expect(got).toEqual(['seq 1', 'seq 4', 'foreign-after']);
    expect(report.dropped).toBe(2);
    const stats = await gate.stats();
    expect(stats).toMatchObject({ forwarded: 3, dropped: 3 });
  });

  it('reports the gaps across both edges on the send clock', async () => {
    const { gate, send } = await setup();
    const drop = gate.dropFor(300);
    await sleep(100);
    const t = monoNs();
    // Stamped 250 ms before now (before the drop began), then now (inside), then 10 s ahead (after
    // its end): the gate sees only the stamps, so the gaps are those of the stamps whenever they arrive.
    send(packet(1, t - 250_000_000n));
    send(packet(2, t));
    send(packet(3, t + 10_000_000_000n));
    const report = await drop;
    expect(Number(t) / 1e6 - 250).toBeLessThan(report.startMs);
    const [startGap, endGap] = report.edgeGapsMs;
    expect(startGap).toBeCloseTo(250, 3);
    expect(endGap).toBeCloseTo(10_000, 3);
    expect(report.dropped).toBe(1);
  });

  it(
    "reports its egress's silence, from the last forward before the drop to the first after [measures real time]",
    MEASURES_REAL_TIME,
    async () => {
      const { gate, send: sendRaw, arrivals } = await setup();
      const send = (seq: number, sentNs: bigint): void => sendRaw(packet(seq, sentNs));
      send(1, monoNs());
      await sleep(30);
      const beforeNs = monoNs();
      const drop = gate.dropFor(100);
      await gate.stats(); // the gate handles requests in order: the drop has begun
      await sleep(40);
      // Sent before the drop, read by the gate 40 ms into it (as a gate lagging behind its ingress
      // reads a backlog): forwarded then, so the egress falls silent only now.
      send(2, beforeNs);
      await sleep(20);
      send(3, monoNs()); // inside: dropped
      // Then a datagram every 5 ms until the report: the first sent after the drop's end ends the silence.
      let seq = 4;
      const ticker = setInterval(() => send(seq++, monoNs()), 5);
      const report = await drop.finally(() => clearInterval(ticker));
      await sleep(50);
      const firstAfter = [...arrivals.keys()].find((s) => s >= 4) ?? -1;
      const evidence = JSON.stringify({ report, arrivals: [...arrivals] });
      expect([...arrivals.keys()].slice(0, 2), evidence).toEqual([1, 2]);
      expect(arrivals.has(3), evidence).toBe(false);
      expect(report.dropped, evidence).toBe(firstAfter - 3);
      const silence = report.egressSilenceMs ?? Number.NaN;
      // What the sink saw, to within the loopback's delay...
      const sinkGapMs = (arrivals.get(firstAfter) ?? Number.NaN) - (arrivals.get(2) ?? Number.NaN);
      expect(Math.abs(silence - sinkGapMs), evidence).toBeLessThan(3);
      // ... and not the drop interval: the silence began 40 ms into it.
      expect(silence, evidence).toBeLessThan(report.endMs - report.startMs - 15);
    },
  );

  it('reports no egress silence when nothing was forwarded after the drop', async () => {
    const { gate, send } = await setup();
    send(packet(1, monoNs()));
    await sleep(20);
    const report = await gate.dropFor(10);
    expect(report.dropped).toBe(0);
    expect(report.egressSilenceMs).toBeNull();
  });
});
