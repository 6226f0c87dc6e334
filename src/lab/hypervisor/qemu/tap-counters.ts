/**
 * Interface counters of a namespace, read from /proc/<pid>/net/dev of a
 * process inside it (QEMU): no helper process in the namespace is needed.
 * For a tap, "rx" is what the guest sent (QEMU wrote into the tap) and "tx"
 * what the host delivered to the guest.
 */
import { readFile } from 'node:fs/promises';

export interface IfaceCounters {
  readonly rxBytes: number;
  readonly rxPackets: number;
  readonly rxDropped: number;
  readonly txBytes: number;
  readonly txPackets: number;
  readonly txDropped: number;
}

/** Parse /proc/net/dev (linux net/core/net-procfs.c dev_seq_printf_stats). */
export function parseNetDev(text: string): Map<string, IfaceCounters> {
  const out = new Map<string, IfaceCounters>();
  for (const line of text.split('\n').slice(2)) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const name = line.slice(0, colon).trim();
    const f = line
      .slice(colon + 1)
      .trim()
      .split(/\s+/)
      .map(Number);
    if (f.length < 16) continue;
    out.set(name, {
      rxBytes: f[0] ?? 0,
      rxPackets: f[1] ?? 0,
      rxDropped: f[3] ?? 0,
      txBytes: f[8] ?? 0,
      txPackets: f[9] ?? 0,
      txDropped: f[11] ?? 0,
    });
  }
  return out;
}

/** Counters of the namespace `pid` lives in; null when the process is gone. */
export async function readNetDev(pid: number): Promise<Map<string, IfaceCounters> | null> {
  try {
    return parseNetDev(await readFile(`/proc/${pid}/net/dev`, 'utf8'));
  } catch {
    return null;
  }
}

/**
 * Largest frame QEMU's self-announce writes (a 60-byte RARP, net/announce.c)
 * and the size of ARP frames; anything longer that a guest sends through its
 * egress NIC is a forwarded datagram (the harness's are >= 14 + 20 + 8 + 32 bytes).
 */
export const ANNOUNCE_FRAME_BYTES = 60;

/** True when the counter step from `a` to `b` (egress tap rx) holds at least one frame longer than an announce. */
export function carriedDataFrame(a: IfaceCounters, b: IfaceCounters): boolean {
  const packets = b.rxPackets - a.rxPackets;
  return packets > 0 && b.rxBytes - a.rxBytes > ANNOUNCE_FRAME_BYTES * packets;
}
