/**
 * What a run may leave behind on this machine, read from /proc: processes
 * (the lab's main process, hosts, fabric: the CLI's descendants), listening
 * TCP ports (the lab's VNFM, Nova and Keystone servers, named in the
 * record) and network namespaces.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import type { TcResult } from '../../src/record/result.js';
import { isAlive as alive } from '../../src/util/pid.js';

/** Pids of `pid`'s descendants now. */
export function descendants(pid: number): number[] {
  const parentOf = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // pid (comm) state ppid ...: comm may hold spaces and parentheses, so read after the last ')'.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parentOf.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone meanwhile
    }
  }
  const found: number[] = [];
  const walk = (parent: number): void => {
    for (const [child, ppid] of parentOf)
      if (ppid === parent) {
        found.push(child);
        walk(child);
      }
  };
  walk(pid);
  return found;
}

/** TCP ports in LISTEN state on this machine (IPv4 and IPv6). */
export function listeningPorts(): Set<number> {
  const ports = new Set<number>();
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    if (!existsSync(file)) continue;
    for (const line of readFileSync(file, 'utf8').split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      // local_address is ADDR:PORT in hex; st 0A is LISTEN.
      if (cols[3] === '0A') ports.add(parseInt(cols[1]?.split(':')[1] ?? '0', 16));
    }
  }
  return ports;
}

/** Named network namespaces (`ip netns`). */
export function netnsNames(): string[] {
  return existsSync('/run/netns') ? readdirSync('/run/netns') : [];
}

/** The lab's TCP ports the record names (its VNFM, Keystone and Nova URLs). */
function labPorts(record: TcResult | null): number[] {
  const text = JSON.stringify(record?.environment ?? {});
  return [...text.matchAll(/http:\/\/127\.0\.0\.1:(\d+)/g)].map((m) => Number(m[1]));
}

/**
 * What the run left: processes still alive, the lab's ports still listening,
 * 20 s after the CLI exited at most (the lab's processes follow it).
 */
export async function leftBehind(pids: ReadonlySet<number>, record: TcResult | null): Promise<string[]> {
  const lab = record?.environment.lab as { pid?: number; hostPids?: (number | null)[] } | undefined;
  const all = new Set([
    ...pids,
    ...[lab?.pid, ...(lab?.hostPids ?? [])].filter((p): p is number => typeof p === 'number'),
  ]);
  const ports = labPorts(record);
  const deadline = Date.now() + 20_000;
  for (;;) {
    const procs = [...all].filter(alive).map((p) => `process ${p} alive`);
    const listening = listeningPorts();
    const open = ports.filter((p) => listening.has(p)).map((p) => `port ${p} listening`);
    if ((procs.length === 0 && open.length === 0) || Date.now() > deadline) return [...procs, ...open];
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Alive and not a zombie. */
export { alive };
