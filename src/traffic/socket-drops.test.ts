import { createSocket } from 'node:dgram';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { parseUdpDrops, readUdpSocketDrops } from './socket-drops.js';

const SAMPLE = `   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
  120: 0100007F:A0F1 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 123 2 0000000000000000 17
  121: 00000000:0044 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 124 2 0000000000000000 0
`;

describe('parseUdpDrops', () => {
  it('reads the drops column of the socket bound to the port (hex local port)', () => {
    expect(parseUdpDrops(SAMPLE, 0xa0f1)).toBe(17);
    expect(parseUdpDrops(SAMPLE, 68)).toBe(0);
  });
  it('is null when no socket is bound to the port', () => {
    expect(parseUdpDrops(SAMPLE, 9)).toBeNull();
  });
});

describe('readUdpSocketDrops (Linux)', () => {
  it('sees the kernel drop datagrams at a socket that cannot read them (an overflow injected into a receiver)', async () => {
    const sock = createSocket({ type: 'udp4', recvBufferSize: 4096 });
    await new Promise<void>((resolve) => sock.bind(0, '127.0.0.1', resolve));
    const port = sock.address().port;
    try {
      expect(await readUdpSocketDrops(port)).toBe(0);
      // A sender thread floods the socket while this thread is kept busy and cannot read it.
      const sender = new Worker(
        `const { createSocket } = require('node:dgram');
         const { workerData, parentPort } = require('node:worker_threads');
         const s = createSocket('udp4');
         const buf = Buffer.alloc(512);
         let n = 0;
         const burst = () => { for (let i = 0; i < 200; i++) s.send(buf, workerData, '127.0.0.1'); n += 200;
           if (n < 4000) setImmediate(burst); else s.close(() => parentPort.postMessage('done')); };
         burst();`,
        { eval: true, workerData: port },
      );
      const done = new Promise((resolve) => sender.once('message', resolve));
      const until = Date.now() + 300;
      while (Date.now() < until) {
        // busy: the receiving thread does not read
      }
      await done;
      await sender.terminate();
      const drops = await readUdpSocketDrops(port);
      expect(drops).toBeGreaterThan(0);
    } finally {
      sock.close();
    }
  });
});
