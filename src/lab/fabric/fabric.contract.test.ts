// The Fabric contract on the process fabric (its own OS process, announcements over UDP).
import dgram from 'node:dgram';
import { runFabricContract, type Place } from '../../../test/contracts/lab-fabric.contract.js';
import { monoNs } from '../../util/clock.js';
import type { Endpoint } from '../../util/outcome.js';
import { encodeAnnounce } from './announce.js';
import { startFabric } from './fabric-client.js';

/** A loopback UDP socket that keeps what it receives. */
async function bound(): Promise<{ socket: dgram.Socket; endpoint: Endpoint; got: string[] }> {
  const socket = dgram.createSocket('udp4');
  const got: string[] = [];
  socket.on('message', (m) => got.push(m.toString()));
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return { socket, endpoint: { host: '127.0.0.1', port: socket.address().port }, got };
}

runFabricContract({
  name: 'process fabric',
  async create() {
    const fabric = await startFabric();
    const places = [await bound(), await bound()] as const;
    const sender = await bound();
    const send = (to: Endpoint, payload: string | Buffer): Promise<void> =>
      new Promise((resolve, reject) =>
        sender.socket.send(payload, to.port, to.host, (e) => (e ? reject(e) : resolve())),
      );
    // What a host sends when the VM starts or resumes (announcer.ts).
    const announce = (vmId: string, place: Place, atNs: bigint) =>
      send(
        fabric.controlEndpoint,
        encodeAnnounce({ vmId, endpoint: places[place].endpoint, atNs: `${atNs}` }),
      );
    return {
      fabric,
      async announce(vmId, place) {
        await announce(vmId, place, monoNs());
        return places[place].endpoint;
      },
      announceStale: (vmId, place) => announce(vmId, place, 1n),
      dataPath: { send, received: (place) => places[place].got },
      async close() {
        await fabric.shutdown();
        for (const s of [sender, ...places]) s.socket.close();
      },
    };
  },
});
