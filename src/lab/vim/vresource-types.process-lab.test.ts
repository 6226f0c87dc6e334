// Every vResource type on the real process lab under UDP traffic at 10k
// packets/s: LabVim over two host processes and the process fabric. Each case
// checks what changed (host, ids of which kinds, pinning, pool, port), what
// did not, that the released ids are gone from the inventory and the data
// verified, and measures the disruption (lost datagrams at the offered rate)
// next to the lab's own downtime figure.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MEASURES_REAL_TIME } from '../../../test/measures-real-time.js';
import type { VResourceType } from '../../ports/vnfm.js';
import { sleep } from '../../util/clock.js';
import { startFabric, type ProcessFabric } from '../fabric/fabric-client.js';
import { startProcessHost, type ProcessComputeHost } from '../hypervisor/process/host-client.js';
import { isAlive, UdpSender, UdpSink, until } from '../../../test/fakes/process-lab/test-kit.js';
import { LabVim } from './lab-vim.js';
import { VimError, type Server, type ServerCreateRequest, type VimMigration } from './vim.js';

const RATE_HZ = 10_000;
const capacity = { vCpu: 8, memoryMiB: 512, storageGiB: 100, nics: 8 };

describe('vResource types on process hosts under 10k packets/s', () => {
  let fabric: ProcessFabric;
  let hosts: ProcessComputeHost[];
  let vim: LabVim;
  let vnfm: http.Server;
  let vnfmUrl: string;
  const vnfmRequests: unknown[] = [];
  const pids: number[] = [];

  beforeAll(async () => {
    fabric = await startFabric();
    hosts = await Promise.all(
      ['compute-1', 'compute-2'].map((name) =>
        startProcessHost({ name, capacity, fabricControl: fabric.controlEndpoint }),
      ),
    );
    pids.push(fabric.pid, ...hosts.map((h) => h.pid));
    vim = new LabVim({
      hosts,
      fabric,
      migrationDefaults: { bandwidthBytesPerSec: 256 * 1024 * 1024, downtimeLimitMs: 30, maxRounds: 30 },
    });
    // A stand-in for the VNFM's migrate endpoint (the VNF's management interface calls it).
    vnfm = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        vnfmRequests.push({ method: req.method, url: req.url, body: JSON.parse(body) as unknown });
        res.writeHead(202, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ accepted: true }));
      });
    });
    await new Promise<void>((resolve) => vnfm.listen(0, '127.0.0.1', resolve));
    vnfmUrl = `http://127.0.0.1:${(vnfm.address() as AddressInfo).port}/vnflab/v1/vnf_instances/x/migrate`;
  });

  afterAll(async () => {
    await vim.close();
    await new Promise((resolve) => vnfm.close(resolve));
    for (const pid of pids) expect(isAlive(pid)).toBe(false);
  });

  function request(sinkPort: number, over: Partial<ServerCreateRequest> = {}): ServerCreateRequest {
    return {
      name: 'vnfc',
      imageId: 'img-vnf',
      flavor: { vCpu: 2, memoryMiB: 32, storageGiB: 1, nics: 2 },
      vnf: {
        egress: { host: '127.0.0.1', port: sinkPort },
        dirtyPagesPerSec: 2000,
        vnfmMigrateUrl: vnfmUrl,
        storage: { journalEveryPackets: 8, blockWritesPerSec: 200 },
      },
      liveMigratable: true,
      ...over,
    };
  }

  /** Create and start a server; resolves once the fabric delivers to it. */
  async function boot(sink: UdpSink, over: Partial<ServerCreateRequest> = {}): Promise<Server> {
    const created = await vim.createServer(request(sink.endpoint.port, over));
    expect(created.status).toBe('SHUTOFF');
    const server = await vim.startServer(created.id);
    const host = hosts.find((h) => h.name === server.host);
    const vm = await host?.getVm(server.id);
    await until(async () => (await fabric.location(server.id))?.endpoint.port === vm?.dataEndpoint?.port);
    return server;
  }

  async function finished(serverId: string, migrationId: number): Promise<VimMigration> {
    let m: VimMigration | null = null;
    await until(
      async () => {
        m = await vim.getMigration(serverId, migrationId);
        return m !== null && !['queued', 'preparing', 'running'].includes(m.status);
      },
      20_000,
      'migration finished',
    );
    if (m === null) throw new Error('no migration record');
    return m;
  }

  interface Moved {
    before: Server;
    after: Server;
    migration: VimMigration;
    lost: number;
    sent: number;
    lossMs: number;
  }

  /** Boot, run traffic, move `type`, stop traffic; what changed and what was lost. */
  async function moveUnderTraffic(type: VResourceType, opts: { sameHost?: boolean } = {}): Promise<Moved> {
    const sink = await UdpSink.open();
    try {
      const before = await boot(sink);
      const ingress = before.dataPlane?.ingress;
      if (ingress == null) throw new Error('no ingress');
      const sender = await UdpSender.open(ingress, RATE_HZ);
      try {
        await sleep(400);
        const accepted = await vim.liveMigrate(before.id, {
          vResourceType: type,
          ...(opts.sameHost === true ? { host: before.host } : {}),
        });
        const migration = await finished(before.id, accepted.id);
        await sleep(300);
        const sent = await sender.stop();
        const offeredHz = sender.offeredRateHz;
        await until(() => sink.received >= sent, 1500, 'traffic drained').catch(() => undefined);
        const after = (await vim.getServer(before.id)) ?? before;
        const lost = sent - sink.received;
        const lossMs = (lost / offeredHz) * 1000;
        console.log(
          `${type}${opts.sameHost === true ? ' (same host)' : ''}: ${before.host} -> ${after.host}, ` +
            `lost ${lost} of ${sent} at ${offeredHz.toFixed(0)}/s = ${lossMs.toFixed(2)} ms, ` +
            `lab downtime ${migration.downtimeMs?.toFixed(2) ?? 'null'} ms, total ${migration.totalTimeMs?.toFixed(0) ?? '?'} ms, ` +
            `rounds ${migration.rounds ?? '?'}, ${((migration.bytesTransferred ?? 0) / 1e6).toFixed(1)} MB`,
        );
        await vim.deleteServer(before.id);
        return { before, after, migration, lost, sent, lossMs };
      } finally {
        await sender.close();
      }
    } finally {
      await sink.close();
    }
  }

  const idsOf = (s: Server, kind?: string): string[] =>
    s.allocations.filter((a) => kind === undefined || a.kind === kind).map((a) => a.id);

  /** Only allocations of `kind` changed ids (one of them for vNIC), the rest are the same. */
  function onlyKindChanged(m: Moved, kind: string): void {
    for (const k of ['vCPU', 'vMemory', 'vStorage', 'vNIC'].filter((k) => k !== kind))
      expect(idsOf(m.after, k), `${k} ids`).toEqual(idsOf(m.before, k));
    const released = m.migration.releasedAllocationIds;
    expect(released.length).toBeGreaterThan(0);
    expect(released.every((id) => idsOf(m.before, kind).includes(id))).toBe(true);
    expect(m.migration.newAllocationIds.every((id) => idsOf(m.after, kind).includes(id))).toBe(true);
    expect(idsOf(m.after).filter((id) => released.includes(id))).toEqual([]);
  }

  it(
    'vMemory: the whole VNF moves to the other host (pre-copy with its volume); every id changes [measures real time]',
    MEASURES_REAL_TIME,
    async () => {
      const m = await moveUnderTraffic('vMemory');
      expect(m.migration).toMatchObject({
        status: 'completed',
        vResourceType: 'vMemory',
        memoryVerified: true,
      });
      expect(m.migration.storageVerified).toBe(true);
      expect(m.after.host).not.toBe(m.before.host);
      expect(m.migration.vResourceChanges).toMatchObject({
        moved: 'server',
        before: { host: m.before.host },
        after: { host: m.after.host },
      });
      expect(idsOf(m.after).filter((id) => idsOf(m.before).includes(id))).toEqual([]);
      expect(await vim.findAllocated(idsOf(m.before))).toEqual([]);
      expect(m.lost).toBeGreaterThan(0); // the VNF was paused for the stop-and-copy
    },
  );

  it('vCPU: the compute moves to another host, pinned to its cores; pinning recorded before and after', async () => {
    const m = await moveUnderTraffic('vCPU');
    expect(m.migration).toMatchObject({ status: 'completed', vResourceType: 'vCPU' });
    expect(m.after.host).not.toBe(m.before.host);
    const cpu = (s: Server) => s.allocations.find((a) => a.kind === 'vCPU');
    expect(cpu(m.before)?.pinnedCores).toHaveLength(2);
    expect(cpu(m.after)?.pinnedCores).toHaveLength(2);
    expect(cpu(m.after)?.id).not.toBe(cpu(m.before)?.id);
    expect(m.migration.vResourceChanges).toMatchObject({
      vResourceType: 'vCPU',
      moved: 'server',
      before: { host: m.before.host, pinnedCores: cpu(m.before)?.pinnedCores },
      after: { host: m.after.host, pinnedCores: cpu(m.after)?.pinnedCores },
    });
  });

  it('vCPU to the current host: re-pinned to other cores of the host, the VNF never stops', async () => {
    const m = await moveUnderTraffic('vCPU', { sameHost: true });
    expect(m.migration).toMatchObject({ status: 'completed', vResourceType: 'vCPU', downtimeMs: 0 });
    expect(m.migration.sourceHost).toBe(m.migration.destHost);
    expect(m.after.host).toBe(m.before.host);
    onlyKindChanged(m, 'vCPU');
    const changes = m.migration.vResourceChanges;
    const before = (changes?.before.pinnedCores ?? []) as number[];
    const after = (changes?.after.pinnedCores ?? []) as number[];
    expect(before).toHaveLength(2);
    expect(after).toHaveLength(2);
    expect(after.filter((c) => before.includes(c))).toEqual([]);
    expect(await vim.findAllocated(m.migration.releasedAllocationIds)).toEqual([]);
    expect(m.lost).toBe(0);
  });

  it('vStorage: the volume moves to the other pool of the host while the VNF writes; data verified', async () => {
    const m = await moveUnderTraffic('vStorage');
    expect(m.migration).toMatchObject({
      status: 'completed',
      vResourceType: 'vStorage',
      storageVerified: true,
    });
    expect(m.after.host).toBe(m.before.host);
    onlyKindChanged(m, 'vStorage');
    const pool = (s: Server) => s.allocations.find((a) => a.kind === 'vStorage')?.pool;
    expect(pool(m.after)).toBeDefined();
    expect(pool(m.after)).not.toBe(pool(m.before));
    expect(m.migration.vResourceChanges).toMatchObject({
      moved: 'vStorage',
      before: { pool: pool(m.before) },
      after: { pool: pool(m.after) },
    });
    expect(m.migration.rounds).toBeGreaterThanOrEqual(1);
    expect(m.migration.bytesTransferred).toBeGreaterThan(0);
    expect(await vim.findAllocated(m.migration.releasedAllocationIds)).toEqual([]);
    // The VNF kept forwarding: the switch-over is a copy of a few blocks in one turn of its loop.
    expect(m.migration.downtimeMs).not.toBeNull();
    expect(m.lost).toBeLessThan(m.sent / 100);
  });

  it(
    'vNIC: the port moves (new vNIC id, new data endpoint the fabric re-learns); a brief disruption [measures real time]',
    MEASURES_REAL_TIME,
    async () => {
      const m = await moveUnderTraffic('vNIC');
      expect(m.migration).toMatchObject({ status: 'completed', vResourceType: 'vNIC' });
      expect(m.after.host).toBe(m.before.host);
      onlyKindChanged(m, 'vNIC');
      expect(m.migration.releasedAllocationIds).toHaveLength(1);
      const changes = m.migration.vResourceChanges;
      expect(changes?.moved).toBe('vNIC');
      expect(changes?.after.dataEndpoint).not.toEqual(changes?.before.dataEndpoint);
      // The port's downtime: unplugged until the fabric delivers to the new port (not the
      // first forward through it, which can wait behind the old port's drain, losing nothing).
      const t = m.migration.timeline!;
      expect(t.switchedAtNs).not.toBeNull();
      expect(BigInt(t.switchedAtNs!)).toBeGreaterThan(BigInt(t.pausedAtNs!));
      expect(BigInt(t.firstForwardAtNs!)).toBeGreaterThanOrEqual(BigInt(t.switchedAtNs!));
      expect(m.migration.downtimeMs).toBeCloseTo(
        Number(BigInt(t.switchedAtNs!) - BigInt(t.pausedAtNs!)) / 1e6,
        6,
      );
      expect(await vim.findAllocated(m.migration.releasedAllocationIds)).toEqual([]);
    },
  );

  it('a specialized (SR-IOV) NIC is not live-migratable: the vNIC move is refused, nothing changes', async () => {
    const sink = await UdpSink.open();
    try {
      const server = await boot(sink, {
        flavor: { vCpu: 1, memoryMiB: 16, storageGiB: 1, nics: 1, specializedNics: 1 },
        liveMigratable: false,
      });
      const err = await vim.liveMigrate(server.id, { vResourceType: 'vNIC' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(VimError);
      expect((err as VimError).code).toBe('VIM_NOT_LIVE_MIGRATABLE');
      const sriovOnly = await vim.createServer(
        request(sink.endpoint.port, {
          flavor: { vCpu: 1, memoryMiB: 16, storageGiB: 1, nics: 1, specializedNics: 1 },
        }),
      );
      await vim.startServer(sriovOnly.id);
      const err2 = await vim.liveMigrate(sriovOnly.id, { vResourceType: 'vNIC' }).catch((e: unknown) => e);
      expect((err2 as VimError).code).toBe('VIM_SPECIALIZED_NIC');
      expect((await vim.getServer(sriovOnly.id))?.allocations.map((a) => a.id)).toEqual(
        sriovOnly.allocations.map((a) => a.id),
      );
      await vim.deleteServer(server.id);
      await vim.deleteServer(sriovOnly.id);
    } finally {
      await sink.close();
    }
  });

  it('management interface: the VNF asks its VNFM to migrate, at a URL that survives the move; load stats', async () => {
    const sink = await UdpSink.open();
    try {
      const server = await boot(sink);
      const url = server.management?.url;
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const ask = async (vResourceType: string): Promise<Response> =>
        fetch(`${url ?? ''}/migrate-request`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ vResourceType }),
        });
      const first = await ask('vStorage');
      expect(first.status).toBe(202);
      expect(vnfmRequests.at(-1)).toEqual({
        method: 'POST',
        url: '/vnflab/v1/vnf_instances/x/migrate',
        body: { initiator: 'VNF', vResourceType: 'vStorage' },
      });
      expect((await ask('vRAM')).status).toBe(400);

      const ingress = server.dataPlane?.ingress;
      if (ingress == null) throw new Error('no ingress');
      const sender = await UdpSender.open(ingress, RATE_HZ);
      try {
        await sleep(1200);
        const stats = await vim.serverStats(server.id);
        const offered = sender.offeredRateHz;
        expect(stats.forwarded).toBeGreaterThan(0);
        expect(stats.packetRateHz).toBeGreaterThan(offered * 0.7);
        expect(stats.packetRateHz).toBeLessThan(offered * 1.3);
        const moved = await vim.liveMigrate(server.id, { vResourceType: 'any' });
        expect((await finished(server.id, moved.id)).status).toBe('completed');
        const after = await vim.getServer(server.id);
        expect(after?.host).not.toBe(server.host);
        expect(after?.management?.url).toBe(url);
        // Counters live in guest memory: they moved with the VNF and keep counting.
        expect((await vim.serverStats(server.id)).forwarded).toBeGreaterThanOrEqual(stats.forwarded);
      } finally {
        await sender.close();
      }
      const again = await ask('vCPU');
      expect(again.status).toBe(202);
      expect(vnfmRequests.at(-1)).toMatchObject({ body: { initiator: 'VNF', vResourceType: 'vCPU' } });
      await vim.deleteServer(server.id);
    } finally {
      await sink.close();
    }
  });

  it('an aborted volume mirror leaves the volume where it was, with its id; the claimed room is freed', async () => {
    const sink = await UdpSink.open();
    try {
      const server = await boot(sink);
      // The VNF's background writes (200/s over 32 blocks) allocate ~2 MiB within 0.5 s:
      // seconds to copy at 512 KiB/s.
      await sleep(500);
      vim.overrideNextMigration({ bandwidthBytesPerSec: 512 * 1024 });
      const accepted = await vim.liveMigrate(server.id, { vResourceType: 'vStorage' });
      await until(async () => (await vim.getMigration(server.id, accepted.id))?.status === 'running');
      await sleep(100);
      await vim.abortMigration(server.id, accepted.id);
      const m = await finished(server.id, accepted.id);
      expect(m.status).toBe('cancelled');
      expect(m.error).toMatch(/cancel/);
      const after = await vim.getServer(server.id);
      expect(after?.status).toBe('ACTIVE');
      expect(after?.allocations.map((a) => a.id)).toEqual(server.allocations.map((a) => a.id));
      expect(after?.allocations.find((a) => a.kind === 'vStorage')?.pool).toBe(
        server.allocations.find((a) => a.kind === 'vStorage')?.pool,
      );
      const host = (await vim.listHosts()).find((h) => h.name === server.host);
      expect(host?.allocations.filter((a) => a.serverId === server.id)).toHaveLength(
        server.allocations.length,
      );
      await vim.deleteServer(server.id);
    } finally {
      await sink.close();
    }
  });

  it('a re-pin without enough free cores fails with the reason; the server keeps running as it was', async () => {
    const sink = await UdpSink.open();
    try {
      // 8 cores: one 6-vCPU server leaves 2 free, too few to re-pin its 6.
      const server = await boot(sink, { flavor: { vCpu: 6, memoryMiB: 16, storageGiB: 1, nics: 1 } });
      const accepted = await vim.liveMigrate(server.id, { vResourceType: 'vCPU', host: server.host });
      const m = await finished(server.id, accepted.id);
      expect(m.status).toBe('failed');
      expect(m.error).toMatch(/free core/);
      const after = await vim.getServer(server.id);
      expect(after?.status).toBe('ACTIVE');
      expect(after?.allocations.map((a) => a.id)).toEqual(server.allocations.map((a) => a.id));
      await vim.deleteServer(server.id);
    } finally {
      await sink.close();
    }
  });

  it('a cold migration carries the volume too, verified', async () => {
    const sink = await UdpSink.open();
    try {
      const server = await boot(sink);
      const accepted = await vim.coldMigrate(server.id);
      const m = await finished(server.id, accepted.id);
      expect(m).toMatchObject({ status: 'completed', storageVerified: true, memoryVerified: true });
      expect(m.vResourceChanges).toMatchObject({ vResourceType: 'any', moved: 'server' });
      await vim.deleteServer(server.id);
    } finally {
      await sink.close();
    }
  });
});
