/**
 * A VM's stable management address on the fabric: a TCP listener on
 * 127.0.0.1 that relays each connection to wherever the VM's management
 * interface is now, learnt from the VM's announcements (as its data ingress
 * follows its data endpoint). A VNF that moves host keeps one management URL
 * - the lab's equivalent of a floating IP on the management network.
 * A connection made while the VM's location is unknown is closed at once.
 */
import net from 'node:net';
import type { Endpoint } from '../../util/outcome.js';
import { LOOPBACK } from './udp.js';

export class ManagementProxy {
  private target: Endpoint | null = null;
  private readonly sockets = new Set<net.Socket>();

  private constructor(
    private readonly server: net.Server,
    readonly endpoint: Endpoint,
  ) {
    server.on('connection', (client) => this.relay(client));
  }

  static async listen(): Promise<ManagementProxy> {
    const server = net.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, LOOPBACK, () => resolve());
    });
    const a = server.address() as net.AddressInfo;
    return new ManagementProxy(server, { host: a.address, port: a.port });
  }

  /** Relay new connections to `target` from now on. */
  moveTo(target: Endpoint): void {
    this.target = target;
  }

  get location(): Endpoint | null {
    return this.target;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private relay(client: net.Socket): void {
    const target = this.target;
    if (target === null) {
      client.destroy();
      return;
    }
    const upstream = net.connect(target.port, target.host);
    for (const s of [client, upstream]) {
      this.sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => {
        this.sockets.delete(s);
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream);
    upstream.pipe(client);
  }
}
