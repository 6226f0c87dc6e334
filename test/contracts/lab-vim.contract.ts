/**
 * The lab's Vim contract (src/lab/vim/vim.ts): one suite every Vim runs
 * (hono's `common.case.test.ts` pattern, see STYLE.md). What it checks is
 * what the lab's VNFM (lcm-engine.ts, lab-migration.ts) and its Nova API
 * (vim/nova/) rely on: host views, placement with capacity refusals,
 * the SHUTOFF / ACTIVE lifecycle with Nova's state conflicts, idempotent
 * delete, errors with stable codes (VimError.code) for unknown ids and for
 * every live migration Nova refuses, a live migration to completion with
 * new vResources and the old ones released, its abort, and close.
 * This module imports vitest: load it from test files only.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sleep } from '../../src/util/clock.js';
import type { VnfBootConfig } from '../../src/lab/hypervisor/hypervisor.js';
import type {
  Flavor,
  HostView,
  Server,
  ServerCreateRequest,
  Vim,
  VimErrorCode,
  VimMigration,
} from '../../src/lab/vim/vim.js';

/** The Vim under test, built once per suite. */
export interface VimContractFixture {
  readonly vim: Vim;
  /** What the servers' VNFs boot with. */
  readonly vnf: VnfBootConfig;
  /** A flavor each host has room for several times over (storage and at least one NIC included). */
  readonly flavor: Flavor;
  /** Make the next migration last seconds; the tests of a running migration are skipped without it. */
  slowNextMigration?(): Promise<void> | void;
  /** Make the next migration fail with this reason; the failure test is skipped without it. */
  failNextMigration?(reason: string): Promise<void> | void;
  /** Release everything the fixture started (the Vim may already be closed). */
  close(): Promise<void>;
}

export interface VimContractOptions {
  readonly name: string;
  /** Two or more compute hosts of the same capacity, empty. */
  create(): Promise<VimContractFixture>;
  /**
   * The lab's single-vResource moves within a host (`vResourceType` vCPU,
   * vStorage, vNIC); default false: that test is left out.
   */
  readonly vResourceMoves?: boolean;
  /** Longest a migration may take, ms (default 20 000). */
  readonly migrationTimeoutMs?: number;
  /** Skip the whole suite, saying why. */
  readonly skip?: string | false;
}

const FINAL = new Set<VimMigration['status']>(['completed', 'failed', 'cancelled', 'error']);

const allocationIds = (s: Server | null): string[] => (s?.allocations ?? []).map((a) => a.id).sort();

const amountOf = (s: Server, kind: Server['allocations'][number]['kind']): number =>
  s.allocations.filter((a) => a.kind === kind).reduce((n, a) => n + a.amount, 0);

export function runVimContract(opts: VimContractOptions): void {
  const migrationMs = opts.migrationTimeoutMs ?? 20_000;

  describe.skipIf(Boolean(opts.skip))(
    `Vim contract: ${opts.name}${opts.skip ? ` (skipped: ${opts.skip})` : ''}`,
    () => {
      let fx: VimContractFixture;
      let vim: Vim;
      let hosts: HostView[];
      const servers: string[] = [];
      beforeAll(async () => {
        fx = await opts.create();
        vim = fx.vim;
        hosts = await vim.listHosts();
      });
      afterEach(async () => {
        for (const id of servers.splice(0).reverse()) await vim.deleteServer(id).catch(() => undefined);
      });
      afterAll(async () => {
        await fx?.close();
      });

      const request = (over: Partial<ServerCreateRequest> = {}): ServerCreateRequest => ({
        name: `contract-${randomUUID().slice(0, 8)}`,
        imageId: 'img-contract',
        flavor: fx.flavor,
        vnf: fx.vnf,
        liveMigratable: true,
        metadata: { contract: 'vim' },
        ...over,
      });

      async function create(over: Partial<ServerCreateRequest> = {}): Promise<Server> {
        const server = await vim.createServer(request(over));
        servers.push(server.id);
        return server;
      }

      async function active(over: Partial<ServerCreateRequest> = {}): Promise<Server> {
        const server = await create(over);
        expect(server.status).toBe('SHUTOFF');
        return vim.startServer(server.id);
      }

      async function expectVimError(
        call: Promise<unknown>,
        status: number,
        code: VimErrorCode,
      ): Promise<void> {
        await expect(call).rejects.toMatchObject({ name: 'VimError', status, code });
      }

      async function settle(serverId: string, migrationId: number): Promise<VimMigration> {
        const deadline = Date.now() + migrationMs;
        for (;;) {
          const m = await vim.getMigration(serverId, migrationId);
          if (m === null) throw new Error(`migration ${migrationId} of ${serverId} vanished`);
          if (FINAL.has(m.status)) return m;
          if (Date.now() > deadline)
            throw new Error(`migration ${migrationId} still ${m.status} after ${migrationMs} ms`);
          await sleep(10);
        }
      }

      async function usedOn(host: string): Promise<HostView['used'] | undefined> {
        return (await vim.listHosts()).find((h) => h.name === host)?.used;
      }

      const zero = { vCpu: 0, memoryMiB: 0, storageGiB: 0, nics: 0 };
      const demand = (f: Flavor) => ({
        vCpu: f.vCpu,
        memoryMiB: f.memoryMiB,
        storageGiB: f.storageGiB,
        nics: f.nics,
      });

      it('lists two or more compute hosts of the same capacity, empty to begin with', () => {
        expect(hosts.length).toBeGreaterThanOrEqual(2);
        expect(new Set(hosts.map((h) => h.name)).size).toBe(hosts.length);
        for (const h of hosts) {
          expect(h.capacity).toMatchObject(demand(hosts[0]?.capacity ?? zero));
          expect(h.capacity.memoryMiB).toBeGreaterThan(0);
          expect(h.used).toMatchObject(zero);
          expect(h.allocations).toEqual([]);
        }
      });

      it("creates a server SHUTOFF on a host with room, holding the flavor's vResources, with a data-plane ingress", async () => {
        const req = request();
        const server = await vim.createServer(req);
        servers.push(server.id);
        expect(server).toMatchObject({
          name: req.name,
          imageId: req.imageId,
          flavor: req.flavor,
          liveMigratable: true,
          status: 'SHUTOFF',
          taskState: null,
          metadata: { contract: 'vim' },
        });
        expect(hosts.map((h) => h.name)).toContain(server.host);
        expect(server.dataPlane?.ingress.host).toBeTruthy();
        expect(amountOf(server, 'vCPU')).toBe(req.flavor.vCpu);
        expect(amountOf(server, 'vMemory')).toBe(req.flavor.memoryMiB);
        expect(amountOf(server, 'vStorage')).toBe(req.flavor.storageGiB);
        expect(amountOf(server, 'vNIC')).toBe(req.flavor.nics);
        expect(server.allocations.every((a) => a.host === server.host)).toBe(true);
        const owned = allocationIds(server);
        expect(new Set(owned).size).toBe(owned.length);

        expect(await vim.getServer(server.id)).toMatchObject({ id: server.id, status: 'SHUTOFF' });
        expect(allocationIds(await vim.getServer(server.id))).toEqual(owned);
        expect((await vim.listServers()).map((s) => s.id)).toContain(server.id);
        expect(await vim.findAllocated([...owned, 'no-such-allocation'])).toEqual(owned);
        const view = (await vim.listHosts()).find((h) => h.name === server.host);
        expect(view?.used).toMatchObject(demand(req.flavor));
        expect(view?.allocations.map((a) => a.id).sort()).toEqual(owned);
        expect(view?.allocations.every((a) => a.serverId === server.id)).toBe(true);
        const actions = await vim.instanceActions(server.id);
        expect(actions.map((a) => a.action)).toEqual(['create']);
      });

      it('places on the named host; refuses an unknown host (VIM_HOST_NOT_FOUND) and a bad request (VIM_BAD_REQUEST)', async () => {
        const named = hosts[1]?.name ?? '';
        expect((await create({ host: named })).host).toBe(named);
        const before = (await vim.listServers()).length;
        await expectVimError(vim.createServer(request({ host: 'no-such-host' })), 400, 'VIM_HOST_NOT_FOUND');
        await expectVimError(vim.createServer(request({ name: ' ' })), 400, 'VIM_BAD_REQUEST');
        await expectVimError(
          vim.createServer(request({ flavor: { ...fx.flavor, vCpu: 0 } })),
          400,
          'VIM_BAD_REQUEST',
        );
        expect(await vim.listServers()).toHaveLength(before);
      });

      it('puts a server no host has room for into ERROR with a No Valid Host fault, holding nothing; it can be deleted', async () => {
        const capacity = hosts[0]?.capacity ?? zero;
        const server = await create({ flavor: { ...fx.flavor, memoryMiB: capacity.memoryMiB + 1 } });
        expect(server.status).toBe('ERROR');
        expect(server.fault?.message).toMatch(/No valid host/);
        expect(server.allocations).toEqual([]);
        for (const h of await vim.listHosts()) expect(h.used).toMatchObject(zero);
        await vim.deleteServer(server.id);
        expect(await vim.getServer(server.id)).toBeNull();
      });

      it('hands the last room to one of concurrent creates: one server per host fits, the rest go to ERROR', async () => {
        const capacity = hosts[0]?.capacity ?? zero;
        const flavor = { ...fx.flavor, memoryMiB: Math.floor(capacity.memoryMiB / 2) + 1 };
        const made = await Promise.all(hosts.concat(hosts[0] ?? []).map(() => create({ flavor })));
        const placed = made.filter((s) => s.status === 'SHUTOFF');
        expect(placed).toHaveLength(hosts.length);
        expect(new Set(placed.map((s) => s.host)).size).toBe(hosts.length);
        expect(made.filter((s) => s.status === 'ERROR')).toHaveLength(1);
      });

      it('starts and stops a server, refusing to start a running one or stop a stopped one (VIM_INVALID_STATE)', async () => {
        const server = await create();
        const started = await vim.startServer(server.id, { requestId: 'req-contract-start' });
        expect(started).toMatchObject({
          id: server.id,
          status: 'ACTIVE',
          host: server.host,
          taskState: null,
        });
        expect((await vim.getServer(server.id))?.status).toBe('ACTIVE');
        await expectVimError(vim.startServer(server.id), 409, 'VIM_INVALID_STATE');
        expect((await vim.stopServer(server.id)).status).toBe('SHUTOFF');
        await expectVimError(vim.stopServer(server.id), 409, 'VIM_INVALID_STATE');
        expect((await vim.getServer(server.id))?.status).toBe('SHUTOFF');
        expect((await vim.startServer(server.id)).status).toBe('ACTIVE');
        const actions = await vim.instanceActions(server.id);
        // Newest first, as Nova lists them; refused requests leave no action.
        expect(actions.map((a) => a.action)).toEqual(['start', 'stop', 'start', 'create']);
        expect(actions[2]?.requestId).toBe('req-contract-start');
      });

      it('deletes a server: gone from every view, its vResources released; a second delete is harmless', async () => {
        const server = await active();
        const owned = allocationIds(server);
        await vim.deleteServer(server.id);
        expect(await vim.getServer(server.id)).toBeNull();
        expect((await vim.listServers()).map((s) => s.id)).not.toContain(server.id);
        expect(await vim.findAllocated(owned)).toEqual([]);
        expect(await usedOn(server.host)).toMatchObject(zero);
        await vim.deleteServer(server.id);
        await vim.deleteServer(randomUUID());
      });

      it('answers for an unknown server: null, an empty list, or VIM_NOT_FOUND (404)', async () => {
        const ghost = randomUUID();
        expect(await vim.getServer(ghost)).toBeNull();
        expect(await vim.getMigration(ghost, 1)).toBeNull();
        expect(await vim.listMigrations({ serverId: ghost })).toEqual([]);
        await expectVimError(vim.startServer(ghost), 404, 'VIM_NOT_FOUND');
        await expectVimError(vim.stopServer(ghost), 404, 'VIM_NOT_FOUND');
        await expectVimError(vim.liveMigrate(ghost), 404, 'VIM_NOT_FOUND');
        await expectVimError(vim.abortMigration(ghost, 1), 404, 'VIM_NOT_FOUND');
        await expectVimError(vim.instanceActions(ghost), 404, 'VIM_NOT_FOUND');
        if (vim.coldMigrate) await expectVimError(vim.coldMigrate(ghost), 404, 'VIM_NOT_FOUND');
        if (vim.serverStats) await expectVimError(vim.serverStats(ghost), 404, 'VIM_NOT_FOUND');
      });

      it('live-migrates an ACTIVE server to another host: new vResources there, the old ones released', async () => {
        const before = await active();
        const oldIds = allocationIds(before);
        const accepted = await vim.liveMigrate(before.id);
        expect(accepted).toMatchObject({
          serverId: before.id,
          migrationType: 'live-migration',
          sourceHost: before.host,
        });
        expect(accepted.destHost).not.toBe(before.host);
        expect(hosts.map((h) => h.name)).toContain(accepted.destHost);
        expect(['queued', 'preparing', 'running', 'completed']).toContain(accepted.status);

        const done = await settle(before.id, accepted.id);
        expect(done).toMatchObject({ status: 'completed', error: null, destHost: accepted.destHost });
        const after = await vim.getServer(before.id);
        expect(after).toMatchObject({ status: 'ACTIVE', host: accepted.destHost, taskState: null });
        const newIds = allocationIds(after);
        expect(newIds).toHaveLength(oldIds.length);
        expect(newIds.filter((id) => oldIds.includes(id))).toEqual([]);
        expect([...done.releasedAllocationIds].sort()).toEqual(oldIds);
        expect([...done.newAllocationIds].sort()).toEqual(newIds);
        expect(await vim.findAllocated(oldIds)).toEqual([]);
        expect((await vim.findAllocated(newIds)).sort()).toEqual(newIds);
        expect(await usedOn(before.host)).toMatchObject(zero);
        expect(await usedOn(accepted.destHost)).toMatchObject(demand(fx.flavor));
        if (done.totalTimeMs !== null) expect(done.totalTimeMs).toBeGreaterThanOrEqual(done.downtimeMs ?? 0);
        if (done.downtimeMs !== null) expect(done.downtimeMs).toBeGreaterThanOrEqual(0);

        // Back to the named host; the newest migration is listed first.
        const back = await vim.liveMigrate(before.id, { host: before.host });
        expect(back.destHost).toBe(before.host);
        expect((await settle(before.id, back.id)).status).toBe('completed');
        expect((await vim.getServer(before.id))?.host).toBe(before.host);
        expect((await vim.listMigrations({ serverId: before.id })).map((m) => m.id)).toEqual([
          back.id,
          accepted.id,
        ]);
        expect((await vim.listMigrations()).map((m) => m.id)).toEqual(
          expect.arrayContaining([back.id, accepted.id]),
        );
        expect((await vim.instanceActions(before.id))[0]?.action).toBe('live-migration');
        // Finished: nothing to abort.
        await expectVimError(vim.abortMigration(before.id, back.id), 400, 'VIM_INVALID_MIGRATION_STATE');
        await expectVimError(vim.abortMigration(before.id, back.id + 1000), 404, 'VIM_NOT_FOUND');
      });

      it('refuses the live migrations Nova refuses, with their codes, and the server stays as it was', async () => {
        const [first, second] = hosts;
        const stopped = await create({ host: first?.name ?? '' });
        await expectVimError(vim.liveMigrate(stopped.id), 409, 'VIM_INVALID_STATE');
        const pinned = await active({ liveMigratable: false });
        await expectVimError(vim.liveMigrate(pinned.id), 409, 'VIM_NOT_LIVE_MIGRATABLE');
        const sriov = await active({
          flavor: { ...fx.flavor, nics: fx.flavor.nics + 1, specializedNics: 1 },
        });
        await expectVimError(vim.liveMigrate(sriov.id), 409, 'VIM_SPECIALIZED_NIC');

        const server = await active({ host: first?.name ?? '' });
        await expectVimError(vim.liveMigrate(server.id, { host: 'no-such-host' }), 400, 'VIM_HOST_NOT_FOUND');
        await expectVimError(vim.liveMigrate(server.id, { host: server.host }), 400, 'VIM_BAD_REQUEST');
        // Fill every other host's memory: nowhere to go.
        for (const h of await vim.listHosts()) {
          const freeMiB = h.capacity.memoryMiB - h.used.memoryMiB;
          if (h.name === server.host || freeMiB < fx.flavor.memoryMiB) continue;
          const filler = await create({
            host: h.name,
            flavor: { ...fx.flavor, memoryMiB: freeMiB - fx.flavor.memoryMiB + 1 },
          });
          expect(filler.status).toBe('SHUTOFF');
        }
        await expectVimError(vim.liveMigrate(server.id), 400, 'VIM_NO_VALID_HOST');
        await expectVimError(
          vim.liveMigrate(server.id, { host: second?.name ?? '' }),
          400,
          'VIM_NO_VALID_HOST',
        );

        for (const s of [stopped, pinned, sriov, server]) {
          const now = await vim.getServer(s.id);
          expect(now).toMatchObject({ host: s.host, taskState: null });
          expect(allocationIds(now)).toEqual(allocationIds(s));
          expect(await vim.listMigrations({ serverId: s.id })).toEqual([]);
        }
        expect((await vim.getServer(server.id))?.status).toBe('ACTIVE');
      });

      it('while a migration runs the server is MIGRATING and refuses start, stop and another migration (VIM_MIGRATION_IN_PROGRESS); an abort cancels it', async (ctx) => {
        if (fx.slowNextMigration === undefined) return ctx.skip();
        const server = await active();
        await fx.slowNextMigration();
        const m = await vim.liveMigrate(server.id);
        expect(await vim.getServer(server.id)).toMatchObject({ status: 'MIGRATING', taskState: 'migrating' });
        await expectVimError(vim.startServer(server.id), 409, 'VIM_MIGRATION_IN_PROGRESS');
        await expectVimError(vim.stopServer(server.id), 409, 'VIM_MIGRATION_IN_PROGRESS');
        await expectVimError(vim.liveMigrate(server.id), 409, 'VIM_MIGRATION_IN_PROGRESS');
        await sleep(50);
        await vim.abortMigration(server.id, m.id);
        const done = await settle(server.id, m.id);
        expect(done.status).toBe('cancelled');
        const now = await vim.getServer(server.id);
        expect(now).toMatchObject({ status: 'ACTIVE', host: server.host, taskState: null });
        expect(allocationIds(now)).toEqual(allocationIds(server));
        expect(await vim.findAllocated(allocationIds(server))).toEqual(allocationIds(server));
        expect(await usedOn(m.destHost)).toMatchObject(zero);
        await expectVimError(vim.abortMigration(server.id, m.id), 400, 'VIM_INVALID_MIGRATION_STATE');

        const again = await vim.liveMigrate(server.id);
        expect((await settle(server.id, again.id)).status).toBe('completed');
      });

      it('deleting a server mid-migration stops the migration and frees both hosts', async (ctx) => {
        if (fx.slowNextMigration === undefined) return ctx.skip();
        const server = await active();
        await fx.slowNextMigration();
        const m = await vim.liveMigrate(server.id);
        await sleep(50);
        await vim.deleteServer(server.id);
        expect(await vim.getServer(server.id)).toBeNull();
        expect(await vim.findAllocated(allocationIds(server))).toEqual([]);
        for (const h of await vim.listHosts()) expect(h.used).toMatchObject(zero);
        const record = await vim.getMigration(server.id, m.id);
        if (record !== null) expect(record.status).not.toBe('completed');
      });

      it('a migration that fails is failed with the reason; the server keeps running where it was', async (ctx) => {
        if (fx.failNextMigration === undefined) return ctx.skip();
        const server = await active();
        const reason = `injected failure ${randomUUID().slice(0, 8)}`;
        await fx.failNextMigration(reason);
        const m = await vim.liveMigrate(server.id);
        const done = await settle(server.id, m.id);
        expect(done.status).toBe('failed');
        expect(done.error).toContain(reason);
        expect(done.newAllocationIds).toEqual([]);
        const now = await vim.getServer(server.id);
        expect(now).toMatchObject({ status: 'ACTIVE', host: server.host, taskState: null });
        expect(allocationIds(now)).toEqual(allocationIds(server));
        expect(await usedOn(m.destHost)).toMatchObject(zero);
      });

      it('cold-migrates a server in the power state it had: new host, new vResources, old ones released', async (ctx) => {
        const coldMigrate = vim.coldMigrate?.bind(vim);
        if (coldMigrate === undefined) return ctx.skip();
        const shutoff = await create();
        // Specialized NICs and a VNFD without live migration do not block a cold migration.
        const sriov = await active({
          liveMigratable: false,
          flavor: { ...fx.flavor, nics: fx.flavor.nics + 1, specializedNics: 1 },
        });
        for (const [server, status] of [
          [shutoff, 'SHUTOFF'],
          [sriov, 'ACTIVE'],
        ] as const) {
          const m = await coldMigrate(server.id);
          expect(m).toMatchObject({ migrationType: 'migration', sourceHost: server.host });
          const done = await settle(server.id, m.id);
          expect(done.status).toBe('completed');
          const now = await vim.getServer(server.id);
          expect(now).toMatchObject({ status, host: m.destHost, taskState: null });
          expect(m.destHost).not.toBe(server.host);
          expect(await vim.findAllocated(allocationIds(server))).toEqual([]);
          expect(allocationIds(now).filter((id) => allocationIds(server).includes(id))).toEqual([]);
          // Only a live migration can be aborted.
          await expectVimError(vim.abortMigration(server.id, m.id), 400, 'VIM_INVALID_MIGRATION_STATE');
        }
      });

      it.runIf(opts.vResourceMoves === true)(
        'moves a single vCPU, vStorage or vNIC within the host: only that kind gets new ids',
        async () => {
          const server = await active();
          let current = server;
          for (const kind of ['vCPU', 'vStorage', 'vNIC'] as const) {
            const host = kind === 'vCPU' ? server.host : null;
            const m = await vim.liveMigrate(server.id, { vResourceType: kind, host });
            expect(m).toMatchObject({ sourceHost: server.host, destHost: server.host });
            const done = await settle(server.id, m.id);
            expect(done.status).toBe('completed');
            expect(done.vResourceChanges?.moved).toBe(kind);
            const now = await vim.getServer(server.id);
            expect(now).toMatchObject({ status: 'ACTIVE', host: server.host, taskState: null });
            const idsOf = (s: Server | null, moved: boolean) =>
              (s?.allocations ?? [])
                .filter((a) => (a.kind === kind) === moved)
                .map((a) => a.id)
                .sort();
            expect(idsOf(now, false)).toEqual(idsOf(current, false));
            expect(idsOf(now, true).filter((id) => idsOf(current, true).includes(id))).toHaveLength(
              idsOf(current, true).length - done.releasedAllocationIds.length,
            );
            expect(done.releasedAllocationIds.length).toBeGreaterThan(0);
            expect(await vim.findAllocated(done.releasedAllocationIds)).toEqual([]);
            expect((await vim.findAllocated(done.newAllocationIds)).sort()).toEqual(
              [...done.newAllocationIds].sort(),
            );
            current = now ?? current;
          }
        },
      );

      it("reports a server's VNF counters, none for one nothing was sent to", async (ctx) => {
        const serverStats = vim.serverStats?.bind(vim);
        if (serverStats === undefined) return ctx.skip();
        const server = await active();
        expect(await serverStats(server.id)).toEqual({ received: 0, forwarded: 0, packetRateHz: 0 });
      });

      // Last: the Vim is closed afterwards.
      it('closes, shutting its hosts down; a second close is harmless', async () => {
        await active();
        servers.length = 0;
        await vim.close();
        await vim.close();
      });
    },
  );
}
