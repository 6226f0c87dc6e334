/**
 * Where the fabric bridge forwards each MAC, and since when: `bridge monitor
 * fdb` in the fabric namespace, stamped with the monotonic clock as each
 * line arrives. After a migration the destination QEMU's self-announce
 * (RARP from every NIC, net/announce.c) makes the bridge move the guest's
 * MAC to the destination host's port; that line is the switch-over instant.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { monoNs } from '../../../util/clock.js';

/** One FDB entry as `bridge monitor fdb` prints it. */
export interface FdbEvent {
  readonly mac: string;
  readonly dev: string;
  readonly deleted: boolean;
}

/** Parse a `bridge monitor fdb` line; null for lines that are not a learnt MAC on a port. */
export function parseFdbLine(line: string): FdbEvent | null {
  const m = /^(Deleted\s+)?([0-9a-f]{2}(?::[0-9a-f]{2}){5})\s+dev\s+(\S+)/.exec(line.trim());
  if (m === null || m[2] === undefined || m[3] === undefined) return null;
  // Entries the bridge holds for its own ports (`permanent`) are not locations.
  if (/\bpermanent\b/.test(line)) return null;
  return { mac: m[2], dev: m[3], deleted: m[1] !== undefined };
}

export class FdbMonitor {
  private readonly child: ChildProcess;
  private readonly where = new Map<string, { dev: string; learntAtNs: bigint }>();

  constructor(netns: string) {
    this.child = spawn('ip', ['netns', 'exec', netns, 'bridge', 'monitor', 'fdb'], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    this.child.on('error', () => undefined);
    if (this.child.stdout !== null)
      createInterface({ input: this.child.stdout }).on('line', (line) => this.onLine(line, monoNs()));
  }

  private onLine(line: string, at: bigint): void {
    const e = parseFdbLine(line);
    if (e === null) return;
    const have = this.where.get(e.mac);
    if (e.deleted) {
      if (have?.dev === e.dev) this.where.delete(e.mac);
    } else if (have?.dev !== e.dev) this.where.set(e.mac, { dev: e.dev, learntAtNs: at });
  }

  /** Forget where `mac` was (its VM was detached): a VM that reuses the MAC starts unknown. */
  forget(mac: string): void {
    this.where.delete(mac);
  }

  /** Port the bridge forwards `mac` to, and when it learnt it; null if unknown. */
  location(mac: string): { dev: string; learntAtNs: bigint } | null {
    return this.where.get(mac) ?? null;
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGTERM');
    await exited;
  }
}
