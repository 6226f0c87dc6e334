/**
 * Where the embedded process lab dropped packets: the kernel's per-socket
 * drop counter (`drops` column of /proc/net/udp: datagrams discarded because
 * the socket's receive queue was full) of every UDP socket each lab process
 * holds (fabric, compute hosts and their VNFs), sampled on the monotonic
 * clock of the packets' send times. A drop between two samples is charged to
 * that interval, so the verdict can tell a queue that overflowed beside the
 * switch-over (the lab overloaded: not the migration's doing) from one at
 * the paused VM's socket during it.
 *
 * Read from outside the lab's processes (Linux /proc), so it costs the data
 * plane nothing; it sees the sockets of `rootPid` and every descendant.
 */
import { readdir, readFile, readlink } from 'node:fs/promises';
import type { HopDropInterval, LabDropWatch, LabHopDrops } from '../ports/lab-drops.js';
import { monoMs } from '../util/clock.js';
import { parseProcNetUdp, readProcNetUdp } from '../util/proc-net-udp.js';

/** `inode -> drops` of every UDP socket in /proc/net/udp{,6} text. */
export function parseUdpInodeDrops(text: string): Map<number, number> {
  return new Map(
    parseProcNetUdp(text)
      .filter((r) => Number.isInteger(r.inode) && r.inode > 0)
      .map((r) => [r.inode, r.drops]),
  );
}

/** The hop a lab process stands for, from its command line. */
export function hopName(pid: number, cmdline: string): string {
  const args = cmdline.split('\0');
  const script = args.find((a) => a.endsWith('.js') || a.endsWith('.ts')) ?? '';
  if (script.includes('fabric-main')) return 'fabric';
  if (script.includes('host-main')) {
    const name = /"name":"([^"]+)"/.exec(cmdline)?.[1];
    return name !== undefined ? `host ${name}` : `host pid ${pid}`;
  }
  if (script.includes('lab/main') || script.includes('lab-main')) return 'lab';
  return `pid ${pid}`;
}

/** `pid -> parent pid` of every process (Linux /proc/<pid>/stat). */
async function parents(): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  const entries = await readdir('/proc').catch(() => [] as string[]);
  await Promise.all(
    entries
      .filter((e) => /^\d+$/.test(e))
      .map(async (e) => {
        const stat = await readFile(`/proc/${e}/stat`, 'utf8').catch(() => null);
        if (stat === null) return;
        // The comm field (2) may hold spaces and parentheses: the ppid is the 2nd field after the last ')'.
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        if (Number.isInteger(ppid)) out.set(Number(e), ppid);
      }),
  );
  return out;
}

/** `rootPid` and its descendants. */
export async function processTree(rootPid: number): Promise<number[]> {
  const ppids = await parents();
  const tree = [rootPid];
  for (let i = 0; i < tree.length; i++)
    for (const [pid, ppid] of ppids) if (ppid === tree[i] && !tree.includes(pid)) tree.push(pid);
  return tree;
}

/** Socket inodes a process holds (its fds that link to socket:[N]). */
async function socketInodes(pid: number): Promise<number[]> {
  const fds = await readdir(`/proc/${pid}/fd`).catch(() => [] as string[]);
  const links = await Promise.all(fds.map((fd) => readlink(`/proc/${pid}/fd/${fd}`).catch(() => '')));
  return links.flatMap((l) => {
    const m = /^socket:\[(\d+)\]$/.exec(l);
    return m ? [Number(m[1])] : [];
  });
}

/**
 * Default sampling period. Reading /proc/net/udp walks the kernel's whole UDP
 * hash table (~3 ms of CPU here, softirqs held off bucket by bucket): every
 * 20 ms that cost the 2-core machine enough to make a quiet run's host
 * overflow at step 7 in 2 of 2 runs (0 of 2 without the watch, 0 of 2 at
 * this period). The drop counters are totals, so nothing is missed between
 * samples: only the placement in time is coarser. Steps 7 and 10 and the
 * verdict also take a sample when they judge.
 */
export const DEFAULT_SAMPLE_EVERY_MS = 250;

export interface LabDropMonitorOptions {
  /** Sampling period, ms; default {@link DEFAULT_SAMPLE_EVERY_MS}. */
  readonly sampleEveryMs?: number;
  /** How often the process tree and its sockets are listed again, ms; default 1000. */
  readonly rescanEveryMs?: number;
}

/**
 * Watches the queue-overflow drops of a lab's processes from `start()` to
 * `stop()`. Sockets that exist at start count from their value then; sockets
 * opened later (a migration's new VNF socket) count from zero.
 */
export class LabDropMonitor implements LabDropWatch {
  private readonly sampleEveryMs: number;
  private readonly rescanEveryMs: number;
  /** inode -> [hop, drops counted from]. */
  private readonly sockets = new Map<number, { hop: string; base: number; last: number }>();
  private readonly hops = new Set<string>();
  private readonly intervals: HopDropInterval[] = [];
  private timer: NodeJS.Timeout | null = null;
  private lastSampleMs = 0;
  private lastScanMs = -Infinity;
  private sampling: Promise<void> = Promise.resolve();
  private observed = false;
  private first = true;

  constructor(
    private readonly rootPid: number,
    opts: LabDropMonitorOptions = {},
  ) {
    this.sampleEveryMs = opts.sampleEveryMs ?? DEFAULT_SAMPLE_EVERY_MS;
    this.rescanEveryMs = opts.rescanEveryMs ?? 1000;
  }

  /** Take the baseline and sample from now on. */
  async start(): Promise<void> {
    if (this.timer !== null) return;
    await this.sample();
    this.timer = setInterval(() => {
      // One sample at a time: a slow /proc read delays the next, never overlaps it.
      this.sampling = this.sampling.then(() => this.sample());
    }, this.sampleEveryMs);
    this.timer.unref();
  }

  async snapshot(): Promise<LabHopDrops> {
    if (this.timer !== null) {
      this.sampling = this.sampling.then(() => this.sample());
      await this.sampling;
    }
    return this.seen();
  }

  /** A last sample, then what was seen. Idempotent. */
  async stop(): Promise<LabHopDrops> {
    if (this.timer !== null) {
      clearInterval(this.timer);
      this.timer = null;
      await this.sampling;
      await this.sample();
    }
    return this.seen();
  }

  private seen(): LabHopDrops {
    const totals: Record<string, number> = {};
    for (const h of this.hops) totals[h] = 0;
    for (const i of this.intervals) totals[i.hop] = (totals[i.hop] ?? 0) + i.drops;
    return {
      hops: [...this.hops],
      totals,
      intervals: [...this.intervals],
      sampleEveryMs: this.sampleEveryMs,
      observed: this.observed,
    };
  }

  private async rescan(): Promise<Map<number, string>> {
    const owners = new Map<number, string>();
    for (const pid of await processTree(this.rootPid)) {
      const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => null);
      if (cmdline === null) continue;
      const hop = hopName(pid, cmdline);
      for (const inode of await socketInodes(pid)) owners.set(inode, hop);
    }
    return owners;
  }

  private async sample(): Promise<void> {
    const now = monoMs();
    const drops = parseUdpInodeDrops(await readProcNetUdp());
    if (drops.size === 0) return;
    if (now - this.lastScanMs >= this.rescanEveryMs) {
      this.lastScanMs = now;
      const owners = await this.rescan();
      for (const [inode, hop] of owners) {
        this.hops.add(hop);
        if (this.sockets.has(inode)) continue;
        const current = drops.get(inode);
        if (current === undefined) continue; // not a UDP socket
        // At start: count from now. Later: a new socket counts from zero.
        const base = this.first ? current : 0;
        this.sockets.set(inode, { hop, base, last: base });
      }
      this.observed = this.observed || owners.size > 0;
    }
    const byHop = new Map<string, number>();
    for (const [inode, s] of this.sockets) {
      const d = drops.get(inode);
      if (d === undefined) continue; // closed since
      if (d > s.last) byHop.set(s.hop, (byHop.get(s.hop) ?? 0) + d - s.last);
      s.last = d;
    }
    if (!this.first)
      for (const [hop, n] of byHop)
        this.intervals.push({ hop, fromMs: this.lastSampleMs, toMs: now, drops: n, cause: 'queue-overflow' });
    this.first = false;
    this.lastSampleMs = now;
  }
}
