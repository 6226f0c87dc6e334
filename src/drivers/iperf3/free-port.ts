/**
 * A port number free for both TCP and UDP on `host`. iperf3 cannot bind
 * port 0 and report the port it got, so the driver binds port 0 itself,
 * reads the number, releases it and lets iperf3 bind it; another process may
 * take it in between, so the caller retries when iperf3 cannot bind.
 */
import dgram from 'node:dgram';
import net from 'node:net';

/** Pick a port number that was free for TCP and UDP a moment ago. */
export async function pickFreePort(host: string): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    const server = net.createServer();
    const port = await new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, host, () => resolve((server.address() as net.AddressInfo).port));
    });
    const udp = dgram.createSocket(host.includes(':') ? 'udp6' : 'udp4');
    const udpFree = await new Promise<boolean>((resolve) => {
      udp.once('error', () => resolve(false));
      udp.bind(port, host, () => resolve(true));
    });
    await new Promise<void>((resolve) => udp.close(() => resolve()));
    await new Promise<void>((resolve) => server.close(() => resolve()));
    if (udpFree || attempt >= 20) return port;
  }
}
