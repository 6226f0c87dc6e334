/**
 * End to end on the QEMU lab (docs/qemu-lab.md): a real Linux guest routes
 * the built-in traffic (10k packets/s) and is live-migrated by the lab's VIM
 * between two host namespaces over QMP; QEMU's downtime and the measured
 * disruption are checked side by side. Also: a guest QEMU reports as not
 * migratable is not LIVE for the VIM, and a crashed run's leftovers are found
 * and removed.
 *
 * Runs in its own stage (vitest.qemu.config.ts sets VNFLAB_QEMU_E2E=1);
 * skips with the reason where root, /dev/net/tun or the guest are missing.
 */
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupQemuLabs } from '../../src/lab/hypervisor/qemu/cleanup.js';
import { startQemuLab, type QemuLab } from '../../src/lab/hypervisor/qemu/qemu-lab.js';
import { LabVim } from '../../src/lab/vim/lab-vim.js';
import { VimError, type ServerCreateRequest, type VimMigration } from '../../src/lab/vim/vim.js';
import { BuiltinTraffic } from '../../src/traffic/builtin-traffic.js';
import { sleep } from '../../src/util/clock.js';
import type { Endpoint } from '../../src/util/outcome.js';
import type { Disruption, WindowStats } from '../../src/ports/traffic.js';
import type { QemuMigrationRecord } from '../../src/lab/hypervisor/qemu/lab-context.js';
import { qemuSkipReason } from './skip-reason.js';
import { isAlive as alive } from '../../src/util/pid.js';

const RATE_HZ = 10_000;

const skip = qemuSkipReason();
if (skip !== null) console.warn(`[qemu e2e] skipped: ${skip}`);

const namespacesOf = (labId: string): string[] =>
  execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })
    .split('\n')
    .map((l) => l.split(/\s+/)[0] ?? '')
    .filter((n) => n.startsWith(`vnflab-${labId}-`));

function request(egress: Endpoint, over: Partial<ServerCreateRequest['flavor']> = {}): ServerCreateRequest {
  return {
    name: 'vnf-qemu',
    imageId: 'vnflab-busybox-router',
    flavor: { vCpu: 1, memoryMiB: 128, storageGiB: 1, nics: 2, ...over },
    vnf: { egress, dirtyPagesPerSec: 0 },
    liveMigratable: true,
  };
}

async function finished(vim: LabVim, serverId: string, id: number, timeoutMs: number): Promise<VimMigration> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const m = await vim.getMigration(serverId, id);
    if (m !== null && !['queued', 'preparing', 'running'].includes(m.status)) return m;
    if (Date.now() > until)
      throw new Error(`migration ${id} not finished within ${timeoutMs} ms: ${JSON.stringify(m)}`);
    await sleep(50);
  }
}

const MAX_ATTEMPTS = 3;

interface Attempt {
  readonly migration: VimMigration;
  readonly disruption: Disruption | null;
  readonly qemu: QemuMigrationRecord;
  readonly sourceHost: string;
  readonly before: WindowStats;
  readonly after: WindowStats;
  readonly report: Record<string, unknown>;
}

/** Traffic windows before-n / during-n / after-n around one live migration. */
async function attempt(
  lab: QemuLab,
  vim: LabVim,
  traffic: BuiltinTraffic,
  serverId: string,
  n: number,
): Promise<Attempt> {
  const sourceHost = (await vim.getServer(serverId))!.host;
  await traffic.clearCounters(`before-${n}`);
  await sleep(1500);
  const before = closed(await traffic.clearCounters(`during-${n}`));
  const started = await vim.liveMigrate(serverId);
  const migration = await finished(vim, serverId, started.id, 120_000);
  await sleep(300);
  await traffic.clearCounters(`after-${n}`);
  await sleep(1500);
  const after = closed(await traffic.clearCounters(`between-${n}`));
  const disruption = await traffic.calculateServiceDisruptionLength(`during-${n}`);
  const qemu = lab.migrationRecord(serverId);
  if (qemu === null) throw new Error(`no QEMU migration record for ${serverId}`);
  return {
    migration,
    disruption,
    qemu,
    sourceHost,
    before,
    after,
    report: {
      qemuDowntimeMs: qemu.stats.downtimeMs,
      qemuTotalTimeMs: qemu.stats.totalTimeMs,
      qemuSetupTimeMs: qemu.stats.setupTimeMs,
      ramTransferredBytes: qemu.stats.ramTransferredBytes,
      labPauseToFirstForwardMs: migration.downtimeMs,
      measuredDisruptionMs: disruption?.lossDerivedMs,
      gapDerivedMs: disruption?.gapDerivedMs,
      lost: disruption?.lost,
      offeredRateHz: disruption?.offeredRateHz,
      before: { sent: before.sent, lost: before.lost },
      after: { sent: after.sent, lost: after.lost },
    },
  };
}

function closed(w: WindowStats | null): WindowStats {
  if (w === null) throw new Error('traffic window missing');
  return w;
}

describe.skipIf(skip !== null)(`QEMU lab${skip === null ? '' : ` (skipped: ${skip})`}`, () => {
  let lab: QemuLab;
  let vim: LabVim;

  beforeAll(async () => {
    // Leftovers of a crashed earlier run would hold the address range.
    await cleanupQemuLabs();
    // A migration stuck longer than this is cancelled and fails the test (bounded stage time).
    lab = await startQemuLab({ hosts: 2, migrationTimeoutMs: 60_000 });
    vim = new LabVim({
      hosts: lab.hosts,
      fabric: lab.fabric,
      // QEMU's defaults (128 MiB/s, 300 ms) and room for TCG's slow resume.
      migrationDefaults: { bandwidthBytesPerSec: 128 * 1024 * 1024, downtimeLimitMs: 300 },
      incomingTimeoutMs: 30_000,
      firstForwardTimeoutMs: 5_000,
    });
  });

  afterAll(async () => {
    await vim?.close().catch(() => undefined);
    const labId = lab?.labId;
    const pids = lab?.hosts.flatMap((h) => h.qemuPids()) ?? [];
    await lab?.stop();
    if (labId !== undefined) {
      expect(namespacesOf(labId)).toEqual([]);
      expect(pids.filter(alive)).toEqual([]);
    }
  });

  it('live-migrates a routing guest under 10k packets/s; QEMU downtime beside the measured disruption', async () => {
    const traffic = new BuiltinTraffic({
      sinkHost: lab.trafficEndpoints.sinkHost,
      sourceHost: lab.trafficEndpoints.sourceHost,
    });
    let serverId: string | null = null;
    try {
      const { sink } = await traffic.prepare();
      const created = await vim.createServer(request(sink));
      serverId = created.id;
      expect(created.status).toBe('SHUTOFF');
      const server = await vim.startServer(created.id);
      const ingress = server.dataPlane?.ingress;
      expect(ingress).toBeDefined();
      await traffic.configTrafficLoad('NORMAL', {
        loadLevels: { LOW: 1000, NORMAL: RATE_HZ, MAX: 20_000 },
        packetSizeBytes: 64,
        flows: 1,
        target: ingress!,
      });
      await traffic.startTraffic('warmup');
      await sleep(1000);

      // One attempt = 1.5 s of traffic, the migration, 1.5 s after. A TCG guest
      // starved of CPU by other load drops packets outside the migration too; such
      // an attempt says nothing about the migration's disruption, so it is measured
      // again (the VM moves once more). Every migration must complete: a failed
      // one is never retried.
      let accepted: Attempt | null = null;
      for (let n = 1; n <= MAX_ATTEMPTS && accepted === null; n++) {
        const a = await attempt(lab, vim, traffic, server.id, n);
        console.log(`[qemu e2e] attempt ${n}: ${JSON.stringify(a.report)}`);
        expect(a.migration.status, a.migration.error ?? '').toBe('completed');
        if (a.before.lost === 0 && a.after.lost === 0) accepted = a;
        else
          console.warn(
            `[qemu e2e] attempt ${n}: loss outside the migration (load irregular), measuring again`,
          );
      }
      if (accepted === null)
        throw new Error(
          `the guest lost packets outside the migration in all ${MAX_ATTEMPTS} attempts: machine overloaded`,
        );
      const { migration, disruption, qemu, sourceHost } = accepted;

      const moved = await vim.getServer(server.id);
      expect(moved?.host).not.toBe(sourceHost);
      // The source QEMU is gone and its vResources released.
      const source = lab.hosts.find((h) => h.name === sourceHost)!;
      expect((await source.inventory())[server.id]).toBeUndefined();
      expect(source.qemuPid(server.id)).toBeNull();
      // The fabric learnt the destination from QEMU's self-announce.
      const dest = lab.hosts.find((h) => h.name === moved?.host)!;
      expect((await lab.fabric.location(server.id))?.endpoint.host).toBe(dest.address);

      expect(qemu.ok).toBe(true);
      expect(qemu.stats.status).toBe('completed');
      expect(qemu.stats.downtimeMs).toBeGreaterThan(0);
      expect(qemu.stats.totalTimeMs).toBeGreaterThanOrEqual(qemu.stats.downtimeMs ?? 0);
      expect(qemu.stats.ramTotalBytes).toBeGreaterThanOrEqual(128 * 1024 * 1024);
      expect(disruption).not.toBeNull();
      expect(disruption!.lost).toBeGreaterThan(0);
      // QEMU's downtime is inside the measured disruption: packets are lost at least
      // from the source's pause until the destination runs (less one pacing tick).
      expect(disruption!.lossDerivedMs).toBeGreaterThanOrEqual(
        qemu.stats.downtimeMs! - 1 - disruption!.resolutionMs,
      );
      // And the loss is the switch-over's: an episode overlaps pause .. first forward as the lab timed it.
      const t = migration.timeline!;
      expect(t.pausedAtNs).not.toBeNull();
      expect(t.firstForwardAtNs, 'the destination forwarded after the pause').not.toBeNull();
      const pausedMs = Number(BigInt(t.pausedAtNs!)) / 1e6;
      const forwardMs = Number(BigInt(t.firstForwardAtNs!)) / 1e6;
      expect(
        disruption!.episodes.some((e) => e.firstLostSentAtMs <= forwardMs && e.lastLostSentAtMs >= pausedMs),
        JSON.stringify({
          pausedMs,
          forwardMs,
          episodes: disruption!.episodes.map((e) => [e.firstLostSentAtMs, e.lastLostSentAtMs]),
        }),
      ).toBe(true);
      // And back: bridges and ARP stay consistent across moves (bridge MACs are fixed).
      const back = await vim.liveMigrate(server.id, { host: sourceHost });
      const returned = await finished(vim, server.id, back.id, 90_000);
      expect(returned.status, returned.error ?? '').toBe('completed');
      expect((await vim.getServer(server.id))?.host).toBe(sourceHost);
      await traffic.stopTraffic();
    } finally {
      await traffic.close();
      // A failed attempt must not leave its guest holding the hosts' vCPUs for the next test.
      if (serverId !== null) await vim.deleteServer(serverId).catch(() => undefined);
    }
  });

  it('a guest QEMU cannot migrate (ivshmem migration blocker) is not offered for live migration', async () => {
    const created = await vim.createServer(
      request({ host: lab.trafficEndpoints.sinkHost, port: 9 }, { nics: 3, specializedNics: 1 }),
    );
    expect(created.status).toBe('SHUTOFF');
    const host = lab.hosts.find((h) => h.name === created.host)!;
    // QEMU itself reports the blocker; the vNIC standing for the device is flagged from it.
    expect(host.migrationBlockers(created.id)?.join(' ')).toMatch(/Migration is disabled.*ivshmem/);
    expect(created.allocations.filter((a) => a.specialized === true)).toHaveLength(1);
    const server = await vim.startServer(created.id);
    const refused = await vim.liveMigrate(server.id).then(
      () => null,
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(VimError);
    expect((refused as VimError).message).toMatch(/specialized/);
    // And QEMU really refuses: a migration forced past the VIM fails, the guest keeps running.
    const other = lab.hosts.find((h) => h !== host)!;
    const spec = {
      vmId: server.id,
      vCpu: 1,
      memoryMiB: 128,
      storageGiB: 1,
      nics: 3,
      specializedNics: 1,
      vnf: request({ host: lab.trafficEndpoints.sinkHost, port: 9 }).vnf,
    };
    const prepared = await other.prepareIncoming(spec);
    const forced = await host.migrateOut(server.id, {
      dest: prepared.migrationEndpoint,
      mode: 'live',
      bandwidthBytesPerSec: 128 * 1024 * 1024,
      downtimeLimitMs: 300,
      maxRounds: 30,
    });
    await other.destroyVm(server.id);
    expect(forced.ok).toBe(false);
    expect(forced.reason).toMatch(/disabled/i);
    expect((await host.getVm(server.id))?.state).toBe('RUNNING');
    await vim.deleteServer(server.id);
    expect(host.qemuPid(server.id)).toBeNull();
  });

  it('finds and removes the namespaces and QEMUs of a lab that was not stopped', async () => {
    const crashed = await startQemuLab({ hosts: 1, addressPrefix: '10.214' });
    const pid = await (async () => {
      await crashed.hosts[0]!.createVm({
        vmId: 'vm-orphan',
        vCpu: 1,
        memoryMiB: 128,
        storageGiB: 1,
        nics: 2,
        vnf: { egress: { host: crashed.trafficEndpoints.sinkHost, port: 9 }, dirtyPagesPerSec: 0 },
      });
      return crashed.hosts[0]!.qemuPid('vm-orphan')!;
    })();
    expect(alive(pid)).toBe(true);
    expect(namespacesOf(crashed.labId)).toHaveLength(2);
    const report = await cleanupQemuLabs({ labId: crashed.labId });
    expect(report.namespaces).toHaveLength(2);
    expect(report.killedPids).toContain(pid);
    expect(report.rootLinks).toEqual([`vq${crashed.labId}r`]);
    expect(namespacesOf(crashed.labId)).toEqual([]);
    expect(alive(pid)).toBe(false);
    await crashed.stop(); // idempotent on an already cleaned lab
  });
});
