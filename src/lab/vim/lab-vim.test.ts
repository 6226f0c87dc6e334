import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sleep } from '../../util/clock.js';
import { createFakeLab, type FakeLab } from '../../../test/fakes/lab/fake-host.js';
import { LabVim } from './lab-vim.js';
import { VimError, type Server, type ServerCreateRequest, type VimMigration } from './vim.js';

const capacity = { vCpu: 8, memoryMiB: 4096, storageGiB: 100, nics: 8 };

function request(over: Partial<ServerCreateRequest> = {}): ServerCreateRequest {
  return {
    name: 'vnf-1',
    imageId: 'img-1',
    flavor: { vCpu: 2, memoryMiB: 512, storageGiB: 2, nics: 2 },
    vnf: { egress: { host: '127.0.0.1', port: 9 }, dirtyPagesPerSec: 0 },
    liveMigratable: true,
    ...over,
  };
}

async function waitFor<T>(probe: () => Promise<T>, done: (v: T) => boolean, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`condition not met within ${timeoutMs} ms: ${JSON.stringify(value)}`);
    await sleep(2);
  }
}

async function rejection(p: Promise<unknown>): Promise<VimError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  if (!(e instanceof VimError)) throw new Error(`expected a VimError, got ${String(e)}`);
  return e;
}

describe('LabVim', () => {
  let lab: FakeLab;
  let vim: LabVim;

  beforeEach(() => {
    lab = createFakeLab([
      { name: 'compute-1', capacity },
      { name: 'compute-2', capacity },
    ]);
    vim = new LabVim({ hosts: lab.hosts, fabric: lab.fabric });
  });
  afterEach(async () => {
    await vim.close();
  });

  const running = async (over: Partial<ServerCreateRequest> = {}): Promise<Server> => {
    const created = await vim.createServer(request(over));
    return vim.startServer(created.id);
  };
  const finished = (serverId: string, id: number): Promise<VimMigration | null> =>
    waitFor(
      () => vim.getMigration(serverId, id),
      (m) => m !== null && !['queued', 'preparing', 'running'].includes(m.status),
    );

  describe('server lifecycle', () => {
    it('creates a server SHUTOFF, with the host allocations and a fabric ingress', async () => {
      const server = await vim.createServer(request());
      expect(server.status).toBe('SHUTOFF');
      expect(server.taskState).toBeNull();
      expect(server.allocations.map((a) => a.kind).sort()).toEqual([
        'vCPU',
        'vMemory',
        'vNIC',
        'vNIC',
        'vStorage',
      ]);
      const onHost = (await lab.hosts.find((h) => h.name === server.host)!.inventory())[server.id];
      expect(onHost?.map((a) => a.id).sort()).toEqual(server.allocations.map((a) => a.id).sort());
      expect(server.dataPlane?.ingress).toEqual(await lab.fabric.attach(server.id));
      const [create] = await vim.instanceActions(server.id);
      expect(create?.action).toBe('create');
      expect(create?.events.map((e) => [e.event, e.result])).toEqual([
        ['compute_build_and_run_instance', 'Success'],
      ]);
    });

    it('spreads servers over the least used hosts and honours a requested host', async () => {
      const a = await vim.createServer(request());
      const b = await vim.createServer(request({ name: 'vnf-2' }));
      expect(new Set([a.host, b.host]).size).toBe(2);
      const c = await vim.createServer(request({ name: 'vnf-3', host: a.host }));
      expect(c.host).toBe(a.host);
      const hosts = await vim.listHosts();
      expect(hosts.find((h) => h.name === a.host)?.used.memoryMiB).toBe(1024);
    });

    it('claims capacity for placements in flight, so concurrent creates do not overbook a host', async () => {
      const big = { vCpu: 1, memoryMiB: 3000, storageGiB: 1, nics: 1 };
      const servers = await Promise.all(
        [1, 2, 3].map((i) => vim.createServer(request({ name: `v${i}`, flavor: big }))),
      );
      expect(servers.filter((s) => s.status === 'SHUTOFF')).toHaveLength(2);
      const refused = servers.find((s) => s.status === 'ERROR');
      expect(refused?.fault?.message).toContain('No valid host was found');
    });

    it('refuses an unknown requested host and an invalid flavor', async () => {
      expect((await rejection(vim.createServer(request({ host: 'nowhere' })))).code).toBe(
        'VIM_HOST_NOT_FOUND',
      );
      const bad = request({ flavor: { vCpu: 0, memoryMiB: 1, storageGiB: 0, nics: 1 } });
      expect((await rejection(vim.createServer(bad))).status).toBe(400);
    });

    it('starts and stops with Nova state checks', async () => {
      const server = await vim.createServer(request());
      expect((await rejection(vim.stopServer(server.id))).status).toBe(409);
      expect((await vim.startServer(server.id, { requestId: 'req-start-1' })).status).toBe('ACTIVE');
      const again = await rejection(vim.startServer(server.id));
      expect([again.status, again.code, again.message]).toEqual([
        409,
        'VIM_INVALID_STATE',
        `Cannot 'start' instance ${server.id} while it is in vm_state active`,
      ]);
      expect((await vim.stopServer(server.id)).status).toBe('SHUTOFF');
      const actions = await vim.instanceActions(server.id);
      expect(actions.map((a) => a.action)).toEqual(['stop', 'start', 'create']);
      expect(actions[1]?.requestId).toBe('req-start-1');
    });

    it('keeps serving when a host stops answering: no placement there, no guess about allocations', async () => {
      const a = await running({ host: 'compute-1' });
      await lab.hosts.find((h) => h.name === 'compute-2')!.shutdown();
      expect((await vim.getServer(a.id))?.allocations.length).toBe(5);
      const b = await vim.createServer(request({ name: 'after' }));
      expect(b.host).toBe('compute-1');
      expect(await rejection(vim.findAllocated(['x']))).toMatchObject({ status: 500 });
      expect(await rejection(vim.liveMigrate(a.id))).toMatchObject({ code: 'VIM_NO_VALID_HOST' });
    });

    it('deletes idempotently: VM destroyed, allocations free, fabric port gone', async () => {
      const server = await running();
      const ids = server.allocations.map((a) => a.id);
      await vim.deleteServer(server.id);
      await vim.deleteServer(server.id);
      expect(await vim.getServer(server.id)).toBeNull();
      expect(await vim.findAllocated(ids)).toEqual([]);
      expect(lab.fabric.attached()).not.toContain(server.id);
      expect((await rejection(vim.startServer(server.id))).status).toBe(404);
    });
  });

  describe('live migration', () => {
    it('moves an ACTIVE server: new host, new allocations, old ones released, figures recorded', async () => {
      lab.behaviour = { ...lab.behaviour, pauseMs: 10 };
      const server = await running();
      const oldIds = server.allocations.map((a) => a.id);
      expect(await vim.findAllocated(oldIds)).toEqual(oldIds);
      const progress: VimMigration[] = [];
      const queued = await vim.liveMigrate(server.id, { requestId: 'req-lm-1' });
      expect(queued).toMatchObject({
        status: 'queued',
        sourceHost: server.host,
        migrationType: 'live-migration',
      });
      expect((await vim.getServer(server.id))?.status).toBe('MIGRATING');
      const done = await waitFor(
        async () => {
          const m = await vim.getMigration(server.id, queued.id);
          if (m?.status === 'running' && m.memoryProcessedBytes !== null) progress.push(m);
          return m;
        },
        (m) => m?.status === 'completed',
      );
      expect(progress.length).toBeGreaterThan(0);
      expect(progress[0]?.memoryTotalBytes).toBe(512 * 1024 * 1024);

      const moved = await vim.getServer(server.id);
      expect(moved?.host).toBe(queued.destHost);
      expect(moved?.host).not.toBe(server.host);
      expect([moved?.status, moved?.taskState]).toEqual(['ACTIVE', null]);
      const newIds = moved?.allocations.map((a) => a.id) ?? [];
      expect(newIds.length).toBe(oldIds.length);
      expect(done?.releasedAllocationIds.slice().sort()).toEqual([...oldIds].sort());
      expect(done?.newAllocationIds.slice().sort()).toEqual([...newIds].sort());
      expect(await vim.findAllocated([...oldIds, ...newIds])).toEqual(newIds);
      expect(done?.memoryVerified).toBe(true);
      expect(done?.rounds).toBe(3);
      expect(done?.bytesTransferred).toBeGreaterThanOrEqual(512 * 1024 * 1024);
      // No traffic in the fake: downtime is pause to resume (pause 10 ms + switch-over; timers may fire ~1 ms early).
      expect(done?.downtimeMs).toBeGreaterThanOrEqual(8.5);
      expect(done?.downtimeMs).toBeLessThan(500);
      expect(done?.setupTimeMs).toBeGreaterThanOrEqual(0);
      expect(done!.totalTimeMs!).toBeGreaterThan(done!.setupTimeMs! + done!.downtimeMs!);

      const [lm] = await vim.instanceActions(server.id);
      expect([lm?.action, lm?.requestId, lm?.message]).toEqual(['live-migration', 'req-lm-1', null]);
      expect(lm?.events.map((e) => e.event)).toEqual([
        'conductor_live_migrate_instance',
        'compute_check_can_live_migrate_destination',
        'compute_pre_live_migration',
        'compute_live_migration',
        'compute_post_live_migration_at_destination',
      ]);
      expect(lm?.events.every((e) => e.result === 'Success' && e.finishTime !== null)).toBe(true);
    });

    it('measures downtime to the first packet forwarded on the destination when there is traffic', async () => {
      lab.behaviour = { ...lab.behaviour, pauseMs: 5, forwardDelayMs: 40 };
      const server = await running();
      const m = await finished(server.id, (await vim.liveMigrate(server.id)).id);
      expect(m?.downtimeMs).toBeGreaterThanOrEqual(43);
      expect(m?.downtimeMs).toBeLessThan(500);
    });

    it('migrates to a requested host', async () => {
      lab.addHost('compute-3', capacity);
      vim = new LabVim({ hosts: lab.hosts, fabric: lab.fabric });
      const server = await running({ host: 'compute-1' });
      const m = await vim.liveMigrate(server.id, { host: 'compute-3' });
      expect(m.destHost).toBe('compute-3');
      expect((await finished(server.id, m.id))?.status).toBe('completed');
    });

    it('refuses what Nova refuses, with the status Nova answers', async () => {
      const stopped = await vim.createServer(request());
      expect((await rejection(vim.liveMigrate(stopped.id))).code).toBe('VIM_INVALID_STATE');
      const pinned = await running({ liveMigratable: false });
      expect(await rejection(vim.liveMigrate(pinned.id))).toMatchObject({
        status: 409,
        code: 'VIM_NOT_LIVE_MIGRATABLE',
      });
      const sriov = await running({
        flavor: { vCpu: 1, memoryMiB: 64, storageGiB: 1, nics: 2, specializedNics: 1 },
      });
      expect(await rejection(vim.liveMigrate(sriov.id))).toMatchObject({
        status: 409,
        code: 'VIM_SPECIALIZED_NIC',
      });
      const ok = await running();
      expect((await rejection(vim.liveMigrate(ok.id, { host: ok.host }))).status).toBe(400);
      expect((await rejection(vim.liveMigrate(ok.id, { host: 'nowhere' }))).code).toBe('VIM_HOST_NOT_FOUND');
      expect((await rejection(vim.liveMigrate('no-such-server'))).status).toBe(404);
      const [refused] = await vim.instanceActions(pinned.id);
      expect([refused?.action, refused?.message, refused?.events[0]?.result]).toEqual([
        'live-migration',
        'Error',
        'Error',
      ]);
    });

    it('answers NoValidHost (400) when no other host has room', async () => {
      const big = { vCpu: 1, memoryMiB: 3000, storageGiB: 1, nics: 1 };
      const a = await running({ flavor: big });
      await running({ flavor: big, name: 'other' });
      const e = await rejection(vim.liveMigrate(a.id));
      expect([e.status, e.code]).toEqual([400, 'VIM_NO_VALID_HOST']);
      expect(e.message).toContain('No valid host was found');
      expect((await vim.getServer(a.id))?.status).toBe('ACTIVE');
    });

    it('refuses a second migration while one is in progress', async () => {
      lab.next = { behaviour: { rounds: 50, roundDelayMs: 5 } };
      const server = await running();
      const first = await vim.liveMigrate(server.id);
      expect(await rejection(vim.liveMigrate(server.id))).toMatchObject({
        status: 409,
        code: 'VIM_MIGRATION_IN_PROGRESS',
      });
      await vim.abortMigration(server.id, first.id);
      await finished(server.id, first.id);
    });

    it('rolls back a failure during the transfer: destination freed, server ACTIVE on the source', async () => {
      lab.next = { fault: { at: 'transfer', reason: 'injected: link down' } };
      const server = await running();
      const m = await finished(server.id, (await vim.liveMigrate(server.id)).id);
      expect([m?.status, m?.error]).toEqual(['failed', 'injected: link down']);
      const after = await vim.getServer(server.id);
      expect([after?.status, after?.host, after?.taskState]).toEqual(['ACTIVE', server.host, null]);
      const dest = lab.hosts.find((h) => h.name === m?.destHost);
      expect((await dest!.inventory())[server.id]).toBeUndefined();
      expect(await vim.findAllocated(server.allocations.map((a) => a.id))).toHaveLength(
        server.allocations.length,
      );
      const [lm] = await vim.instanceActions(server.id);
      expect(lm?.message).toBe('Error');
      const failed = lm?.events.find((e) => e.event === 'compute_live_migration');
      expect([failed?.result, failed?.traceback]).toEqual(['Error', 'injected: link down']);
    });

    it('marks a destination that cannot prepare as error', async () => {
      lab.next = { fault: { at: 'prepare', reason: 'injected: no hugepages' } };
      const server = await running();
      const m = await finished(server.id, (await vim.liveMigrate(server.id)).id);
      expect(m?.status).toBe('error');
      expect(m?.error).toContain('injected: no hugepages');
      expect((await vim.getServer(server.id))?.status).toBe('ACTIVE');
    });

    it('resumes the paused source when the destination fails at the switch-over', async () => {
      lab.next = { fault: { at: 'incoming', reason: 'injected: guest crashed on resume' } };
      const server = await running();
      const m = await finished(server.id, (await vim.liveMigrate(server.id)).id);
      expect(m?.status).toBe('failed');
      expect(m?.error).toContain('injected: guest crashed on resume');
      const source = lab.hosts.find((h) => h.name === server.host);
      expect((await source!.getVm(server.id))?.state).toBe('RUNNING');
      expect((await vim.getServer(server.id))?.status).toBe('ACTIVE');
    });

    it('reports memory that did not arrive intact', async () => {
      lab.next = { fault: { at: 'corrupt-memory', reason: 'bit flip' } };
      const server = await running();
      const m = await finished(server.id, (await vim.liveMigrate(server.id)).id);
      expect([m?.status, m?.memoryVerified]).toEqual(['completed', false]);
    });

    it('aborts a running migration: cancelled, server stays on the source', async () => {
      lab.next = { behaviour: { rounds: 500, roundDelayMs: 5 } };
      const server = await running();
      const m = await vim.liveMigrate(server.id);
      await waitFor(
        () => vim.getMigration(server.id, m.id),
        (x) => x?.status === 'running',
      );
      await vim.abortMigration(server.id, m.id, { requestId: 'req-abort-1' });
      const done = await finished(server.id, m.id);
      expect(done?.status).toBe('cancelled');
      expect(done?.error).toContain('cancelled');
      const after = await vim.getServer(server.id);
      expect([after?.status, after?.host]).toEqual(['ACTIVE', server.host]);
      expect((await rejection(vim.abortMigration(server.id, m.id))).code).toBe('VIM_INVALID_MIGRATION_STATE');
      expect((await rejection(vim.abortMigration(server.id, 999))).status).toBe(404);
      const cancel = (await vim.instanceActions(server.id)).find((a) => a.action === 'live_migration_cancel');
      expect([cancel?.requestId, cancel?.events[0]?.event]).toEqual([
        'req-abort-1',
        'compute_live_migration_abort',
      ]);
    });

    it('lists migrations newest first, per server', async () => {
      const a = await running();
      const b = await running({ name: 'vnf-b' });
      const ma = await vim.liveMigrate(a.id);
      const mb = await vim.liveMigrate(b.id);
      await finished(a.id, ma.id);
      await finished(b.id, mb.id);
      expect((await vim.listMigrations()).map((m) => m.id)).toEqual([mb.id, ma.id]);
      expect((await vim.listMigrations({ serverId: a.id })).map((m) => m.id)).toEqual([ma.id]);
      expect(await vim.getMigration(b.id, ma.id)).toBeNull();
    });

    it('deletes a server in the middle of a migration, on both hosts', async () => {
      lab.next = { behaviour: { rounds: 500, roundDelayMs: 5 } };
      const server = await running();
      const m = await vim.liveMigrate(server.id);
      await waitFor(
        () => vim.getMigration(server.id, m.id),
        (x) => x?.status === 'running',
      );
      await vim.deleteServer(server.id);
      expect((await vim.getMigration(server.id, m.id))?.status).toBe('cancelled');
      for (const h of lab.hosts) expect((await h.inventory())[server.id]).toBeUndefined();
    });
  });

  describe('cold migration (Nova migrate)', () => {
    it('moves an ACTIVE server with its VNF stopped during the copy; it runs again on the destination', async () => {
      lab.behaviour = { ...lab.behaviour, roundDelayMs: 20 };
      const server = await running({ liveMigratable: false });
      const oldIds = server.allocations.map((a) => a.id);
      const queued = await vim.coldMigrate(server.id, { requestId: 'req-cold-1' });
      expect([queued.migrationType, queued.status]).toEqual(['migration', 'queued']);
      expect((await vim.getServer(server.id))?.taskState).toBe('resize_migrating');
      const m = await finished(server.id, queued.id);
      expect(m?.status).toBe('completed');
      const moved = await vim.getServer(server.id);
      expect([moved?.host, moved?.status, moved?.taskState]).toEqual([queued.destHost, 'ACTIVE', null]);
      expect(await vim.findAllocated(oldIds)).toEqual([]);
      // The VNF stopped when the copy began: downtime covers the whole copy (one 20 ms round at least).
      expect(m?.downtimeMs).toBeGreaterThanOrEqual(18);
      expect(m?.rounds).toBe(1);
      const [action] = await vim.instanceActions(server.id);
      expect([action?.action, action?.requestId]).toEqual(['migrate', 'req-cold-1']);
      expect(action?.events.map((e) => e.event)).toEqual([
        'conductor_migrate_server',
        'compute_check_can_migrate_destination',
        'compute_prep_resize',
        'compute_resize_instance',
        'compute_finish_resize',
        'compute_confirm_resize',
      ]);
    });

    it('moves a SHUTOFF server and leaves it SHUTOFF, with no downtime to measure', async () => {
      const server = await vim.createServer(request());
      const m = await finished(server.id, (await vim.coldMigrate(server.id)).id);
      expect([m?.status, m?.downtimeMs]).toEqual(['completed', null]);
      const moved = await vim.getServer(server.id);
      expect([moved?.status, moved?.host]).toEqual(['SHUTOFF', m?.destHost]);
      const dest = lab.hosts.find((h) => h.name === m?.destHost);
      expect((await dest!.getVm(server.id))?.state).toBe('STOPPED');
    });

    it('takes servers with specialized NICs, which live migration refuses', async () => {
      const sriov = await running({
        flavor: { vCpu: 1, memoryMiB: 64, storageGiB: 1, nics: 2, specializedNics: 1 },
      });
      const m = await finished(sriov.id, (await vim.coldMigrate(sriov.id)).id);
      expect(m?.status).toBe('completed');
    });

    it('reverts a failed cold migration to the source, running as before; abort is refused', async () => {
      lab.next = {
        fault: { at: 'transfer', reason: 'injected: disk full' },
        behaviour: { roundDelayMs: 30 },
      };
      const server = await running();
      const m = await vim.coldMigrate(server.id);
      expect((await rejection(vim.abortMigration(server.id, m.id))).code).toBe('VIM_INVALID_MIGRATION_STATE');
      const done = await finished(server.id, m.id);
      expect([done?.status, done?.error]).toEqual(['failed', 'injected: disk full']);
      const after = await vim.getServer(server.id);
      expect([after?.status, after?.host]).toEqual(['ACTIVE', server.host]);
      const source = lab.hosts.find((h) => h.name === server.host);
      expect((await source!.getVm(server.id))?.state).toBe('RUNNING');
      const [action] = await vim.instanceActions(server.id);
      expect(action?.events.find((e) => e.event === 'compute_revert_resize')?.result).toBe('Success');
    });

    it('refuses a server that is building or busy', async () => {
      const server = await running();
      lab.next = { behaviour: { rounds: 200, roundDelayMs: 5 } };
      const live = await vim.liveMigrate(server.id);
      expect(await rejection(vim.coldMigrate(server.id))).toMatchObject({
        status: 409,
        code: 'VIM_MIGRATION_IN_PROGRESS',
      });
      await vim.abortMigration(server.id, live.id);
      await finished(server.id, live.id);
      expect((await rejection(vim.coldMigrate(server.id, { host: server.host }))).status).toBe(400);
    });
  });
});
