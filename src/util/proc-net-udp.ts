/**
 * Linux's table of UDP sockets (/proc/net/udp and /proc/net/udp6), read for
 * each socket's kernel drop counter: datagrams discarded because its receive
 * queue was full. The tester's receiver (traffic/socket-drops.ts) and the
 * lab's per-hop watch (lab/hop-drops.ts) both read it.
 */
import { readFile } from 'node:fs/promises';

export interface UdpSocketRow {
  readonly localPort: number;
  readonly inode: number;
  readonly drops: number;
}

/** The socket lines of the files' text (the header and anything malformed skipped). */
export function parseProcNetUdp(text: string): UdpSocketRow[] {
  const rows: UdpSocketRow[] = [];
  for (const line of text.split('\n')) {
    const cols = line.trim().split(/\s+/);
    // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode ref pointer drops
    if (cols.length < 13 || !/^\d+:$/.test(cols[0] ?? '')) continue;
    const local = cols[1] ?? '';
    const localPort = parseInt(local.slice(local.lastIndexOf(':') + 1), 16);
    const inode = Number(cols[9]);
    const drops = Number(cols[12]);
    if (!Number.isFinite(drops)) continue;
    rows.push({ localPort, inode, drops });
  }
  return rows;
}

/** Both files' text joined; '' for one that cannot be read (not Linux). */
export async function readProcNetUdp(): Promise<string> {
  const texts = await Promise.all(
    ['/proc/net/udp', '/proc/net/udp6'].map((f) => readFile(f, 'utf8').catch(() => '')),
  );
  return texts.join('\n');
}
