import dgram from 'node:dgram';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import type { Endpoint } from '../../../util/outcome.js';
import { GuestMemory, PAGE_SIZE } from './guest-memory.js';
import { UdpSink, until } from '../../../../test/fakes/process-lab/test-kit.js';
import { RX_RING_SLOTS, Vnf } from './vnf.js';
import { vnfMemoryLayout } from './vnf-memory-layout.js';

async function sendTo(to: Endpoint, count: number, size: number, firstSeq = 0): Promise<void> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  for (let i = 0; i < count; i++) {
    const d = Buffer.alloc(size, 0xab);
    d.writeUInt32BE(firstSeq + i, 0);
    await new Promise<void>((resolve, reject) =>
      socket.send(d, to.port, to.host, (e) => (e ? reject(e) : resolve())),
    );
  }
  await new Promise<void>((resolve) => socket.close(() => resolve()));
}

/**
 * Send `count` datagrams (sequence numbers from 0) to `to` from another
 * thread while this thread is blocked: they all wait in the receiver's
 * socket queue, unread, when this returns (as behind a busy VNF).
 */
function queueWhileBlocked(to: Endpoint, count: number, size = 64): void {
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(
    `const dgram = require('node:dgram');
     const { workerData: w } = require('node:worker_threads');
     const s = dgram.createSocket('udp4');
     let sent = 0;
     const next = () => {
       if (sent === w.count) { Atomics.store(w.flag, 0, 1); Atomics.notify(w.flag, 0); s.close(); return; }
       const d = Buffer.alloc(w.size, 0xcd); d.writeUInt32BE(sent++, 0);
       s.send(d, w.port, w.host, next);
     };
     next();`,
    { eval: true, workerData: { flag, count, size, port: to.port, host: to.host } },
  );
  worker.unref();
  if (Atomics.wait(flag, 0, 0, 5000) === 'timed-out') throw new Error('sender thread did not finish');
}

describe('Vnf', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c();
  });

  async function boot(bytesDirtiedPerPacket?: number, dirtyPagesPerSec = 0) {
    const sink = await UdpSink.open();
    const memory = new GuestMemory(4);
    const announced: Endpoint[] = [];
    const vnf = new Vnf(
      'vm-1',
      memory,
      {
        egress: sink.endpoint,
        dirtyPagesPerSec,
        ...(bytesDirtiedPerPacket === undefined ? {} : { bytesDirtiedPerPacket }),
      },
      (_vmId, endpoint) => announced.push(endpoint),
    );
    cleanup.push(
      () => sink.close(),
      () => vnf.destroy(),
    );
    await vnf.open();
    return { sink, memory, vnf, announced };
  }

  it('forwards every datagram, writing each into its packet ring and counters in guest memory', async () => {
    const { sink, memory, vnf, announced } = await boot();
    expect(vnf.start().ok).toBe(true);
    const endpoint = vnf.dataEndpoint;
    expect(announced).toEqual([endpoint]);
    memory.startDirtyLog();
    if (endpoint === null) throw new Error('no data endpoint');
    await sendTo(endpoint, 100, 200);
    await until(() => sink.received === 100);
    expect(vnf.counters()).toMatchObject({ received: 100, forwarded: 100, droppedWhilePaused: 0 });
    expect(vnf.counters().packetRateHz).toBe(100); // all within the last second
    // 100 x 200 B into the ring from its start (page 1): pages 1..5, plus the counters page 0.
    const { ringStart } = vnfMemoryLayout(memory);
    expect([...memory.syncDirtyLog()]).toEqual([0, 1, 2, 3, 4, 5]);
    expect(memory.bytes.readUInt32BE(ringStart + 99 * 200)).toBe(99);
  });

  it('dirties bytesDirtiedPerPacket per datagram when set', async () => {
    const { sink, memory, vnf } = await boot(PAGE_SIZE * 2);
    vnf.start();
    memory.startDirtyLog();
    await sendTo(vnf.dataEndpoint ?? { host: '', port: 0 }, 10, 64);
    await until(() => sink.received === 10);
    expect(memory.dirtyPageCount()).toBe(1 + 20);
  });

  it('drops and counts what arrives while paused, and forwards again after resume', async () => {
    const { sink, vnf, announced } = await boot();
    vnf.start();
    const endpoint = vnf.dataEndpoint ?? { host: '', port: 0 };
    const pausedAt = vnf.pause();
    await sendTo(endpoint, 20, 64);
    await until(() => vnf.counters().droppedWhilePaused === 20);
    const resumedAt = vnf.resume();
    expect(resumedAt).toBeGreaterThan(pausedAt);
    expect(announced).toHaveLength(2);
    await sendTo(endpoint, 5, 64, 1000);
    await until(() => sink.received === 5);
    expect(vnf.counters()).toMatchObject({ received: 5, forwarded: 5, droppedWhilePaused: 20 });
    const first = vnf.forwardLog.firstAfter(pausedAt);
    expect(first).not.toBeNull();
    expect(first ?? 0n).toBeGreaterThan(resumedAt);
  });

  it('keeps what had reached it before a pause in its receive ring; the ring travels in its state and is forwarded first after the resume', async () => {
    const { vnf } = await boot();
    vnf.start();
    const endpoint = vnf.dataEndpoint ?? { host: '', port: 0 };
    queueWhileBlocked(endpoint, 50);
    const pausedAt = vnf.pause(); // no loop turn since the 50 arrived: all queued, none forwarded
    await vnf.rxDrained();
    await sendTo(endpoint, 7, 64, 500); // after the pause: lost
    await until(() => vnf.counters().droppedWhilePaused === 7);
    const state = vnf.state();
    expect(state.rxRing).toHaveLength(50);
    expect(vnf.counters()).toMatchObject({ received: 0, forwarded: 0 });

    const sink = await UdpSink.open();
    const resumedAt = { ns: 0n };
    const copy = new Vnf('vm-1', new GuestMemory(4), { ...vnf.boot, egress: sink.endpoint }, () => undefined);
    cleanup.push(
      () => sink.close(),
      () => copy.destroy(),
    );
    await copy.open();
    copy.restore(state);
    resumedAt.ns = copy.resume();
    await until(() => sink.received === 50);
    expect(copy.counters()).toMatchObject({ received: 50, forwarded: 50, carriedOverPause: 50 });
    expect(sink.sequences()).toEqual([...Array(50).keys()]);
    // Forwarding the ring is the VNF forwarding again: it ends the downtime.
    expect(copy.forwardLog.firstAfter(pausedAt)).toBeGreaterThan(resumedAt.ns);
  });

  it('holds at most RX_RING_SLOTS datagrams over a pause; the rest is dropped and counted', async () => {
    const { vnf } = await boot();
    vnf.start();
    queueWhileBlocked(vnf.dataEndpoint ?? { host: '', port: 0 }, RX_RING_SLOTS + 40, 32);
    vnf.pause();
    await vnf.rxDrained();
    expect(vnf.state().rxRing).toHaveLength(RX_RING_SLOTS);
    expect(vnf.counters().droppedWhilePaused).toBe(40);
  });

  it('a vNIC re-plug forwards what waited in the old port and counts forwarding again from the new port', async () => {
    const { sink, vnf, announced } = await boot();
    vnf.start();
    const old = vnf.dataEndpoint ?? { host: '', port: 0 };
    const moving = vnf.replaceDataPort();
    queueWhileBlocked(old, 30);
    const move = await moving;
    expect(move.before).toEqual(old);
    expect(announced.at(-1)).toEqual(move.after);
    await until(() => sink.received === 30);
    expect(vnf.counters()).toMatchObject({ forwarded: 30, droppedWhilePaused: 0 });
    expect(vnf.forwardLog.firstAfter(move.unpluggedAtNs)).toBeNull();
    await sendTo(move.after, 3, 64, 100);
    await until(() => sink.received === 33);
    expect(vnf.forwardLog.firstAfter(move.unpluggedAtNs)).not.toBeNull();
  });

  it('refuses to boot without a license its configuration requires', async () => {
    const sink = await UdpSink.open();
    const vnf = new Vnf(
      'vm-2',
      new GuestMemory(1),
      { egress: sink.endpoint, dirtyPagesPerSec: 0, config: { licenseRequired: true } },
      () => undefined,
    );
    cleanup.push(
      () => sink.close(),
      () => vnf.destroy(),
    );
    await vnf.open();
    expect(vnf.start()).toEqual({
      ok: false,
      reason: 'VNF refused to boot: license required by the VNF configuration but none was given',
    });
    expect(vnf.runState).toBe('paused');
  });

  it('its background workload dirties pages at about the configured rate; its state round-trips', async () => {
    const { memory, vnf } = await boot(undefined, 5000);
    memory.startDirtyLog();
    vnf.start();
    await new Promise((r) => setTimeout(r, 200));
    vnf.pause();
    // ~1000 page writes over ~770 workload pages: many distinct pages, all in the workload region.
    const dirty = memory.syncDirtyLog();
    expect(dirty.length).toBeGreaterThan(300);
    expect(dirty[0]).toBeGreaterThanOrEqual(vnfMemoryLayout(memory).workloadFirstPage);
    const state = vnf.state();
    expect(state.appliedConfig).toEqual({});
    const copy = new Vnf('vm-1', new GuestMemory(4), vnf.boot, () => undefined);
    copy.restore(state);
    expect(copy.state()).toEqual(state);
  });
});
