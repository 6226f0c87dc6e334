/**
 * The kernel's own drop counter of a UDP socket: the `drops` column of
 * /proc/net/udp and /proc/net/udp6 (Linux, per socket: datagrams discarded
 * because the socket's receive queue was full). It is the receiver's
 * self-check: a datagram dropped there was delivered by the path and lost
 * by the tester.
 */
import { readFile } from 'node:fs/promises';

/**
 * Sum the drop counters of the UDP sockets bound to `port` (local address
 * column `ADDR:PORT` in hex). `text`: the files' contents.
 */
export function parseUdpDrops(text: string, port: number): number | null {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  let found = false;
  let drops = 0;
  for (const line of text.split('\n')) {
    const cols = line.trim().split(/\s+/);
    // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode ref pointer drops
    if (cols.length < 13 || !/^\d+:$/.test(cols[0] ?? '')) continue;
    const local = cols[1] ?? '';
    if (local.slice(local.lastIndexOf(':') + 1).toUpperCase() !== hexPort) continue;
    const d = Number(cols[12]);
    if (!Number.isFinite(d)) continue;
    found = true;
    drops += d;
  }
  return found ? drops : null;
}

/** Drops of the sockets bound to `port`; null where /proc/net/udp is unreadable or has no such socket. */
export async function readUdpSocketDrops(port: number): Promise<number | null> {
  const texts = await Promise.all(
    ['/proc/net/udp', '/proc/net/udp6'].map((f) => readFile(f, 'utf8').catch(() => '')),
  );
  return parseUdpDrops(texts.join('\n'), port);
}
