/**
 * The kernel's own drop counter of a UDP socket: the `drops` column of
 * /proc/net/udp and /proc/net/udp6 (Linux, per socket: datagrams discarded
 * because the socket's receive queue was full). It is the receiver's
 * self-check: a datagram dropped there was delivered by the path and lost
 * by the tester.
 */
import { parseProcNetUdp, readProcNetUdp } from '../util/proc-net-udp.js';

/**
 * Sum the drop counters of the UDP sockets bound to `port`. `text`: the files' contents.
 */
export function parseUdpDrops(text: string, port: number): number | null {
  const rows = parseProcNetUdp(text).filter((r) => r.localPort === port);
  return rows.length > 0 ? rows.reduce((n, r) => n + r.drops, 0) : null;
}

/** Drops of the sockets bound to `port`; null where /proc/net/udp is unreadable or has no such socket. */
export async function readUdpSocketDrops(port: number): Promise<number | null> {
  return parseUdpDrops(await readProcNetUdp(), port);
}
