/** Machine notes recorded beside every benchmark figure: cores, Node, load. */
import os from 'node:os';
import { readFileSync, readdirSync } from 'node:fs';

/** What the machine was and how busy it was. */
export interface MachineNotes {
  readonly cpus: number;
  readonly cpuModel: string;
  readonly node: string;
  readonly kernel: string;
  readonly iperf3: string | null;
  /** 1, 5, 15 minute load averages when read. */
  readonly loadAvg: readonly [number, number, number];
}

/** Read the machine notes now. */
export function machineNotes(iperf3Version: string | null): MachineNotes {
  const [l1 = 0, l5 = 0, l15 = 0] = os.loadavg();
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    node: process.version,
    kernel: os.release(),
    iperf3: iperf3Version,
    loadAvg: [round(l1), round(l5), round(l15)],
  };
}

/** 1-minute load average now. */
export const load1 = (): number => round(os.loadavg()[0] ?? 0);

const round = (n: number): number => Math.round(n * 100) / 100;

/**
 * CPU seconds (user + system) used so far by this process (all its threads)
 * and by its child processes that are still running (iperf3), from /proc.
 */
export function cpuSeconds(): { self: number; children: number } {
  const u = process.cpuUsage();
  const self = (u.user + u.system) / 1e6;
  let children = 0;
  const tick = 100; // USER_HZ on Linux
  try {
    for (const task of readdirSafe(`/proc/${process.pid}/task`)) {
      const kids = readFileSync(`/proc/${process.pid}/task/${task}/children`, 'utf8').trim();
      for (const pid of kids ? kids.split(/\s+/) : []) {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        children += (Number(fields[11]) + Number(fields[12])) / tick;
      }
    }
  } catch {
    // A child exited while being read: its CPU is lost to this sample.
  }
  return { self, children };
}

function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
