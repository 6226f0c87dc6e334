/**
 * Remove what QEMU labs left behind (`vnflab lab cleanup qemu`): QEMU and
 * helper processes inside `vnflab-*` namespaces, the namespaces (with their
 * bridges, taps and nftables tables), the root namespace's `vq<id>r` veths
 * (with their routes) and the run directories. Also what a running lab's
 * stop() uses, restricted to its own id.
 */
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { NETNS_PREFIX, ROOT_VETH_PREFIX } from './address-plan.js';
import { exec, tryExec } from './exec.js';
import { isAlive } from '../../../util/pid.js';

/** Where labs keep QMP sockets and console logs: one directory per lab id. */
export const QEMU_RUN_ROOT = '/run/vnflab-qemu';

export interface QemuCleanupReport {
  readonly namespaces: readonly string[];
  readonly killedPids: readonly number[];
  readonly rootLinks: readonly string[];
}

const labNs = (labId: string | undefined): RegExp =>
  new RegExp(`^${NETNS_PREFIX}${labId ?? '[0-9a-f]{4}'}-(fab|h[0-9]+)$`);
const labVeth = (labId: string | undefined): RegExp =>
  new RegExp(`^${ROOT_VETH_PREFIX}${labId ?? '[0-9a-f]{4}'}r$`);

async function listNamespaces(): Promise<string[]> {
  const out = await exec('ip', ['netns', 'list']).catch(() => '');
  return out
    .split('\n')
    .map((l) => l.trim().split(/\s+/)[0] ?? '')
    .filter((n) => n.length > 0);
}

async function pidsIn(ns: string): Promise<number[]> {
  const out = await exec('ip', ['netns', 'pids', ns]).catch(() => '');
  return out
    .split('\n')
    .map((l) => Number(l.trim()))
    .filter((p) => Number.isInteger(p) && p > 0);
}

/** Remove the leftovers of one lab (`labId`) or of every QEMU lab. */
export async function cleanupQemuLabs(opts: { labId?: string } = {}): Promise<QemuCleanupReport> {
  const nsPattern = labNs(opts.labId);
  const namespaces = (await listNamespaces()).filter((n) => nsPattern.test(n));
  const killedPids: number[] = [];
  for (const ns of namespaces) {
    for (const pid of await pidsIn(ns)) {
      try {
        process.kill(pid, 'SIGKILL');
        killedPids.push(pid);
      } catch {
        // already gone
      }
    }
  }
  for (let i = 0; i < 100 && killedPids.some(isAlive); i++) await new Promise((r) => setTimeout(r, 20));
  for (const ns of namespaces) await tryExec('ip', ['netns', 'del', ns]);
  const links = await exec('ip', ['-o', 'link', 'show']).catch(() => '');
  const vethPattern = labVeth(opts.labId);
  const rootLinks = links
    .split('\n')
    .map((l) => /^\d+:\s+([^:@\s]+)/.exec(l)?.[1] ?? '')
    .filter((n) => vethPattern.test(n));
  for (const link of rootLinks) await tryExec('ip', ['link', 'del', link]);
  rmSync(opts.labId === undefined ? QEMU_RUN_ROOT : join(QEMU_RUN_ROOT, opts.labId), {
    recursive: true,
    force: true,
  });
  return { namespaces, killedPids, rootLinks };
}

/**
 * Last resort when the Node process exits without stop() (an uncaught
 * error, process.exit): synchronous, best effort.
 */
export function cleanupQemuLabSync(labId: string, qemuPids: readonly number[]): void {
  for (const pid of qemuPids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
  const run = (args: string[]): void => {
    try {
      execFileSync('ip', args, { stdio: 'ignore', timeout: 5000 });
    } catch {
      // best effort
    }
  };
  let names = '';
  try {
    names = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8', timeout: 5000 });
  } catch {
    // none
  }
  const pattern = labNs(labId);
  for (const line of names.split('\n')) {
    const ns = line.trim().split(/\s+/)[0] ?? '';
    if (pattern.test(ns)) run(['netns', 'del', ns]);
  }
  run(['link', 'del', `${ROOT_VETH_PREFIX}${labId}r`]);
  rmSync(join(QEMU_RUN_ROOT, labId), { recursive: true, force: true });
}
