/**
 * The QEMU lab, assembled: a fabric namespace (router + bridge), N compute
 * host namespaces (bridge + taps + QEMUs), and the root namespace's link to
 * the fabric, over which the harness's built-in traffic reaches the guests
 * (docs/qemu-lab.md). LabVim and the SOL003 VNFM run on `hosts` and
 * `fabric` unchanged.
 *
 * Everything is removed by stop(), also after a failed start; a Node
 * process that exits without stop() removes it synchronously on 'exit'; a
 * killed one leaves names that cleanupQemuLabs() finds.
 */
import { randomBytes } from 'node:crypto';
import { accessSync, constants, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { HostCapacity } from '../hypervisor.js';
import { exec } from './exec.js';
import { isLabId, plan, type LabNames } from './address-plan.js';
import { cleanupQemuLabs, cleanupQemuLabSync, QEMU_RUN_ROOT } from './cleanup.js';
import { QemuLabError } from './errors.js';
import { findGuestAssets, defaultQemuCacheDir, type QemuGuestAssets } from './guest-assets.js';
import { SlotTable, type QemuLabContext, type QemuMigrationRecord } from './lab-context.js';
import { createFabricNetwork, createHostNetwork } from './lab-network.js';
import { QemuFabric } from './qemu-fabric.js';
import { QemuHost } from './qemu-host.js';
import type { Outcome } from '../../../util/outcome.js';

export interface QemuLabOptions {
  /** Compute hosts; default 2. */
  readonly hosts?: number;
  /** Default 2 vCPU, 1024 MiB, 20 GiB, 8 NICs per host. */
  readonly hostCapacity?: HostCapacity;
  /** Where `vnflab lab setup qemu` put the guest; default ~/.cache/vnflab/qemu. */
  readonly cacheDir?: string;
  /** First two octets of the lab's addresses; default 10.213. */
  readonly addressPrefix?: string;
  /** 4 hex chars; default random. */
  readonly labId?: string;
  /** Default tcg: KVM is present but unusable on the machines this was built on (DESIGN.md). */
  readonly accel?: 'tcg' | 'kvm';
  /** Guest boot (to its ready marker); default 120 s (TCG on a loaded 2-core machine). */
  readonly bootTimeoutMs?: number;
  /** A migration not completed after this is cancelled (migrate_cancel); default 120 s. */
  readonly migrationTimeoutMs?: number;
  /** Offer QEMU's auto-converge (throttle a guest that dirties memory faster than it is sent). */
  readonly autoConverge?: boolean;
  /**
   * Check each migration's RAM: the destination waits paused after the
   * migration until the guest's RAM on both sides is dumped (QMP pmemsave)
   * and digested; the VIM then records memoryVerified, and the dumps stay in
   * the lab's run directory until it stops (scripts/qemu/memory-diff.ts
   * counts the differing pages). Adds the dumps' time to every switch-over:
   * for experiments, not for measuring disruption.
   */
  readonly verifyMemory?: boolean;
}

/** Where the built-in traffic must bind and send so that it flows through the guests. */
export interface QemuTrafficEndpoints {
  /** BuiltinTraffic `sourceHost`. */
  readonly sourceHost: string;
  /** BuiltinTraffic `sinkHost`: the VNF's egress must be this address. */
  readonly sinkHost: string;
}

export interface QemuLab {
  readonly labId: string;
  readonly hosts: QemuHost[];
  readonly fabric: QemuFabric;
  readonly trafficEndpoints: QemuTrafficEndpoints;
  readonly names: LabNames;
  /** QEMU's own figures of the VM's last migration (downtime, total-time, setup-time, ram). */
  migrationRecord(vmId: string): QemuMigrationRecord | null;
  /** Tear everything down. Idempotent. */
  stop(): Promise<void>;
}

/** Why the QEMU lab cannot run here, or the guest files it will use. */
export function qemuLabAvailability(cacheDir: string = defaultQemuCacheDir()): Outcome<QemuGuestAssets> {
  if (process.platform !== 'linux') return { ok: false, reason: 'the QEMU lab needs Linux' };
  if (process.getuid?.() !== 0)
    return { ok: false, reason: 'the QEMU lab needs root (network namespaces, taps)' };
  try {
    accessSync('/dev/net/tun', constants.R_OK | constants.W_OK);
  } catch {
    return { ok: false, reason: '/dev/net/tun is missing or not accessible' };
  }
  for (const bin of ['/usr/bin/qemu-system-x86_64', '/usr/sbin/nft', '/usr/sbin/bridge', '/bin/ip'])
    if (!existsSync(bin)) return { ok: false, reason: `${bin} is missing: run \`vnflab lab setup qemu\`` };
  const assets = findGuestAssets(cacheDir);
  if (assets === null)
    return { ok: false, reason: `no guest kernel/initramfs in ${cacheDir}: run \`vnflab lab setup qemu\`` };
  return { ok: true, value: assets };
}

const DEFAULT_CAPACITY: HostCapacity = { vCpu: 2, memoryMiB: 1024, storageGiB: 20, nics: 8 };

/** Start the lab; on failure everything created so far is removed before the error propagates. */
export async function startQemuLab(opts: QemuLabOptions = {}): Promise<QemuLab> {
  const available = qemuLabAvailability(opts.cacheDir);
  if (!available.ok) throw new QemuLabError('QEMU_LAB_UNAVAILABLE', available.reason);
  const labId = opts.labId ?? randomBytes(2).toString('hex');
  if (!isLabId(labId)) throw new QemuLabError('INVALID_SPEC', `labId must be 4 hex chars, got ${labId}`);
  const prefix = opts.addressPrefix ?? '10.213';
  if (!/^\d{1,3}\.\d{1,3}$/.test(prefix))
    throw new QemuLabError('INVALID_SPEC', `addressPrefix must look like 10.213, got ${prefix}`);
  const names = plan({ labId, prefix });
  const inUse = await exec('ip', ['-o', '-4', 'addr', 'show']);
  if (inUse.includes(` ${prefix}.`))
    throw new QemuLabError(
      'QEMU_LAB_UNAVAILABLE',
      `addresses ${prefix}.0.0/16 are in use in the root namespace (another QEMU lab, or leftovers: cleanupQemuLabs())`,
    );
  const runDir = join(QEMU_RUN_ROOT, labId);
  mkdirSync(runDir, { recursive: true });
  const lab: QemuLabContext = {
    names,
    assets: available.value,
    runDir,
    accel: opts.accel ?? 'tcg',
    bootTimeoutMs: opts.bootTimeoutMs ?? 120_000,
    migrationTimeoutMs: opts.migrationTimeoutMs ?? 120_000,
    autoConverge: opts.autoConverge ?? false,
    slots: new SlotTable(),
    migrations: new Map(),
    resumeAfterIncoming: new Set(),
    verifyMemory: opts.verifyMemory ?? false,
  };
  const hosts: QemuHost[] = [];
  let fabric: QemuFabric | null = null;
  const qemuPids = (): number[] => hosts.flatMap((h) => h.qemuPids());
  const onExit = (): void => cleanupQemuLabSync(labId, qemuPids());
  process.once('exit', onExit);
  let stopped: Promise<void> | null = null;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      for (const h of [...hosts].reverse()) await h.shutdown().catch(() => undefined);
      await fabric?.shutdown().catch(() => undefined);
      await cleanupQemuLabs({ labId });
      process.removeListener('exit', onExit);
    })();
    return stopped;
  };
  try {
    await createFabricNetwork(names);
    const count = opts.hosts ?? 2;
    for (let i = 1; i <= count; i++) {
      await createHostNetwork(names, i);
      hosts.push(new QemuHost(`compute-${i}`, i, opts.hostCapacity ?? DEFAULT_CAPACITY, lab));
    }
    const byPort = new Map(hosts.map((h) => [names.fabricHostPort(h.index), h.address]));
    fabric = new QemuFabric(lab, (dev) => byPort.get(dev) ?? null);
    return {
      labId,
      hosts: [...hosts],
      fabric,
      trafficEndpoints: { sourceHost: names.rootAddress, sinkHost: names.rootAddress },
      names,
      migrationRecord: (vmId) => lab.migrations.get(vmId) ?? null,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
