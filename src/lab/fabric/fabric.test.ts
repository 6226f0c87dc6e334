import dgram from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { monoNs } from '../../util/clock.js';
import type { Endpoint } from '../../util/outcome.js';
import { encodeAnnounce } from './announce.js';
import { isAlive, until } from '../../../test/fakes/process-lab/test-kit.js';
import { startFabric, type ProcessFabric } from './fabric-client.js';

/** A loopback UDP socket that collects what it receives. */
async function sink(): Promise<{ socket: dgram.Socket; endpoint: Endpoint; got: string[] }> {
  const socket = dgram.createSocket('udp4');
  const got: string[] = [];
  socket.on('message', (m) => got.push(m.toString()));
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return { socket, endpoint: { host: '127.0.0.1', port: socket.address().port }, got };
}

function send(socket: dgram.Socket, to: Endpoint, text: string): Promise<void> {
  return new Promise((resolve, reject) =>
    socket.send(text, to.port, to.host, (e) => (e ? reject(e) : resolve())),
  );
}

describe('process fabric', () => {
  let fabric: ProcessFabric | undefined;
  const sockets: dgram.Socket[] = [];
  afterEach(async () => {
    await fabric?.shutdown();
    for (const s of sockets.splice(0)) s.close();
  });

  it('delivers to the location learnt from the latest announcement', async () => {
    fabric = await startFabric();
    const f = fabric;
    const [a, b, sender] = await Promise.all([sink(), sink(), sink()]);
    sockets.push(a.socket, b.socket, sender.socket);
    const ingress = await f.attach('vm-1');
    expect(await f.attach('vm-1')).toEqual(ingress);
    expect(ingress.host).toBe('127.0.0.1');

    // Before any announcement the fabric does not know where the VM is.
    await send(sender.socket, ingress, 'lost');
    await until(async () => (await f.stats('vm-1'))?.droppedUnknownLocation === 1);
    expect(await f.location('vm-1')).toBeNull();

    const atA = monoNs();
    await send(
      sender.socket,
      f.controlEndpoint,
      encodeAnnounce({ vmId: 'vm-1', endpoint: a.endpoint, atNs: `${atA}` }).toString(),
    );
    await until(async () => (await f.location('vm-1')) !== null);
    await send(sender.socket, ingress, 'to-a');
    await until(() => a.got.length === 1);

    const atB = monoNs();
    await send(
      sender.socket,
      f.controlEndpoint,
      encodeAnnounce({ vmId: 'vm-1', endpoint: b.endpoint, atNs: `${atB}` }).toString(),
    );
    await until(async () => (await f.location('vm-1'))?.endpoint.port === b.endpoint.port);
    // A stale announcement (older atNs) must not move the VM back.
    await send(
      sender.socket,
      f.controlEndpoint,
      encodeAnnounce({ vmId: 'vm-1', endpoint: a.endpoint, atNs: `${atA}` }).toString(),
    );
    await send(sender.socket, ingress, 'to-b');
    await until(() => b.got.length === 1);
    expect(a.got).toEqual(['to-a']);
    expect(b.got).toEqual(['to-b']);

    const location = await f.location('vm-1');
    expect(location?.endpoint).toEqual(b.endpoint);
    expect(BigInt(location?.learntAtNs ?? '0')).toBeGreaterThan(atB);
    expect(await f.stats('vm-1')).toMatchObject({
      received: 3,
      delivered: 2,
      droppedUnknownLocation: 1,
      moves: 2,
    });

    await f.detach('vm-1');
    expect(await f.location('vm-1')).toBeNull();
    expect(await f.stats('vm-1')).toBeNull();
  });

  it('shuts its process down', async () => {
    const f = await startFabric();
    expect(isAlive(f.pid)).toBe(true);
    await f.shutdown();
    expect(isAlive(f.pid)).toBe(false);
    await expect(f.attach('x')).rejects.toMatchObject({ code: 'FABRIC_GONE' });
  });
});
