// The nova driver against a real Nova 26 (Zed) with two fake-driver computes
// (test/openstack/setup.sh): the Migrator contract, then what only a real
// Nova can show - the migration lists it answers while a move runs and after,
// abort and force-complete, a stopped server, an unknown target host,
// microversion negotiation, the Keystone catalog and both kinds of
// credentials. Gate: vitest.openstack.config.ts (see local-cloud.ts).
import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { randomUUID } from 'node:crypto';
import { NovaError } from '../../src/drivers/nova/errors.js';
import { decodeHandleId } from '../../src/drivers/nova/migration-handle.js';
import { hostAllocationId, NovaMigrator } from '../../src/drivers/nova/nova-migrator.js';
import type { MigrationHandle, MigrationStatus, MigrationSubject } from '../../src/ports/migrator.js';
import { sleep } from '../../src/util/clock.js';
import { runMigratorContract } from '../contracts/migrator.contract.js';
import { CloudAdmin, localCloud, openstackSkipReason } from './local-cloud.js';
import { startRecordingProxy } from './recording-proxy.js';

const skip = openstackSkipReason();

function subjectOf(...ids: string[]): MigrationSubject {
  return { vnfInstanceId: randomUUID(), computeResourceIds: ids };
}

async function settle(
  migrator: NovaMigrator,
  handle: MigrationHandle,
  timeoutMs = 60_000,
): Promise<MigrationStatus> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await migrator.validateMigrationSuccess(handle);
    if (status.state !== 'IN_PROGRESS') return status;
    if (Date.now() > deadline)
      throw new Error(`migration ${handle.id} still IN_PROGRESS after ${timeoutMs} ms`);
    await sleep(200);
  }
}

/** Polls GET /servers/{id}/migrations (2.23+: in-progress ones only) until the migration shows one of `statuses`. */
async function waitForStatus(
  admin: CloudAdmin,
  serverId: string,
  migrationId: number,
  statuses: readonly string[],
): Promise<string> {
  const deadline = Date.now() + 15_000;
  const history: string[] = [];
  for (;;) {
    const res = await admin.nova.request('GET', `/servers/${serverId}/migrations`);
    const listed = (res.body as { migrations: { id: number; status: string }[] }).migrations;
    const status = listed.find((m) => m.id === migrationId)?.status ?? '(not listed)';
    if (history.at(-1) !== status) history.push(status);
    if (statuses.includes(status)) return status;
    if (Date.now() > deadline)
      throw new Error(`migration ${migrationId} never ${statuses.join('/')}: ${history.join(' -> ')}`);
    await sleep(50);
  }
}

/** With VNFLAB_OS_RECORD_DIR set: what Keystone and Nova answered, for test/fixtures/nova-real/. */
function saveRecordings(
  prefix: string,
  keystone: { save(dir: string, prefix: string): number },
  nova: { save(dir: string, prefix: string): number },
): void {
  const dir = process.env['VNFLAB_OS_RECORD_DIR'];
  if (dir === undefined || dir === '') return;
  keystone.save(dir, `${prefix}-keystone`);
  nova.save(dir, `${prefix}-nova`);
}

if (skip !== null) {
  describe(`nova driver against a real OpenStack (skipped: ${skip})`, () => {
    it.skip('needs the local OpenStack', () => undefined);
  });
} else {
  const cloud = localCloud();

  runMigratorContract({
    name: 'NovaMigrator -> real Nova 26 (fake computes), application credential',
    // Cold migration of a PCI-flavored server cannot run here: with no PCI device on the fake hosts such a server
    // ends in ERROR (No valid host), so only its migration type is checked (the first contract tests).
    offline: false,
    // The fake driver's move: 50 x 0.1 s after the pre-checks, ~6-7 s in all (docs/openstack.md).
    migrationTimeoutMs: 60_000,
    pollIntervalMs: 200,
    vimEvents: true,
    async setup() {
      const admin = new CloudAdmin(cloud);
      const keystone = await startRecordingProxy(new URL(cloud.authUrl).origin);
      const nova = await startRecordingProxy(new URL(cloud.computeUrl).origin);
      const migrator = new NovaMigrator({
        authUrl: `${keystone.url}/v3`,
        computeUrl: `${nova.url}${new URL(cloud.computeUrl).pathname}`,
        ...cloud.applicationCredential,
      });
      return {
        migrator,
        createLiveSubject: async () => subjectOf(await admin.createServer()),
        createNonLiveSubject: async () =>
          subjectOf(await admin.createServer({ flavor: cloud.pciFlavor, settle: 'any' })),
        allocationIds: async (s) =>
          Promise.all(
            s.computeResourceIds.map(async (id) => hostAllocationId(id, (await admin.server(id)).host ?? '')),
          ),
        // No knob makes the fake driver slower: its move already lasts ~5 s after the POST (50 x 0.1 s), long enough
        // for what the suite does inside one (a second trigger, a progress read, an abort a poll after the start).
        slowNextMigration: () => undefined,
        close: async () => {
          await migrator.close();
          await admin.close();
          saveRecordings('contract', keystone, nova);
          await keystone.close();
          await nova.close();
        },
      };
    },
  });

  describe('nova driver against a real Nova 26 (Zed)', () => {
    let admin: CloudAdmin;
    let migrator: NovaMigrator;
    // The driver's every call goes through recording proxies (Keystone, Nova): VNFLAB_OS_RECORD_DIR saves them.
    let keystoneProxy: Awaited<ReturnType<typeof startRecordingProxy>>;
    let novaProxy: Awaited<ReturnType<typeof startRecordingProxy>>;
    beforeAll(async () => {
      admin = new CloudAdmin(cloud);
      keystoneProxy = await startRecordingProxy(new URL(cloud.authUrl).origin);
      novaProxy = await startRecordingProxy(new URL(cloud.computeUrl).origin);
      migrator = new NovaMigrator({
        authUrl: `${keystoneProxy.url}/v3`,
        computeUrl: `${novaProxy.url}${new URL(cloud.computeUrl).pathname}`,
        ...cloud.password,
      });
    });
    afterAll(async () => {
      await migrator.close();
      await admin.close();
      saveRecordings('driver', keystoneProxy, novaProxy);
      await keystoneProxy.close();
      await novaProxy.close();
    });

    it('negotiates the microversion from GET /v2.1/: its own 2.80 below Zed 2.93, or what the config caps it at', async () => {
      expect(await admin.nova.request('GET', '/')).toMatchObject({ status: 200 });
      const version = await migrator.getMigrationType(subjectOf(randomUUID()));
      expect(version.type).toBe('NONE');
      const capped = new NovaMigrator({ authUrl: cloud.authUrl, ...cloud.password, microversion: '2.30' });
      try {
        // 2.30: os-migrateLive without "auto" block migration, pre-checks synchronous (docs/openstack.md).
        const id = await admin.createServer();
        const handle = await capped.triggerMigration(subjectOf(id), 'any');
        expect(await settle(capped, handle)).toEqual({ state: 'COMPLETED' });
      } finally {
        await capped.close();
      }
    });

    it('follows a live migration in GET /servers/{id}/migrations while it runs and in os-migrations after it', async () => {
      const id = await admin.createServer();
      const from = (await admin.server(id)).host;
      const handle = await migrator.triggerMigration(subjectOf(id), 'vMemory');
      const [leg] = decodeHandleId(handle.id);
      // Listed only while queued / preparing / running: not in the `accepted` moment right after the POST.
      const seen = await waitForStatus(admin, id, leg!.migrationId, ['queued', 'preparing', 'running']);
      expect(['queued', 'preparing', 'running']).toContain(seen);
      expect(await settle(migrator, handle)).toEqual({ state: 'COMPLETED' });
      const after = await admin.nova.request(
        'GET',
        `/os-migrations?instance_uuid=${id}&migration_type=live-migration`,
      );
      const history = (after.body as { migrations: Record<string, unknown>[] }).migrations;
      expect(history[0]).toMatchObject({ id: leg!.migrationId, status: 'completed', source_compute: from });
      const report = await migrator.getMigrationReport(handle);
      expect([report.fromHost, report.toHost]).toEqual([from, (await admin.server(id)).host]);
      expect(report.toHost).not.toBe(from);
    });

    it('aborts a running live migration (DELETE, 2.24+): cancelled, the server stays ACTIVE where it was', async () => {
      const id = await admin.createServer();
      const from = (await admin.server(id)).host;
      const handle = await migrator.triggerMigration(subjectOf(id), 'vCPU');
      await migrator.abortMigration(handle);
      const final = await settle(migrator, handle);
      expect(final.state).toBe('FAILED');
      expect(final.state === 'FAILED' && final.reason).toMatch(/cancel/i);
      const server = await admin.waitFor(id, (s) => s.taskState === null);
      expect([server.status, server.host]).toEqual(['ACTIVE', from]);
    });

    it('force-completes a running live migration (2.22+) and the driver sees it COMPLETED', async () => {
      const id = await admin.createServer();
      const handle = await migrator.triggerMigration(subjectOf(id), 'any');
      const [leg] = decodeHandleId(handle.id);
      // Force-complete is accepted only once the migration is `running` (400 before).
      await waitForStatus(admin, id, leg!.migrationId, ['running']);
      const t0 = Date.now();
      await admin.nova.request('POST', `/servers/${id}/migrations/${leg!.migrationId}/action`, {
        body: { force_complete: null },
        expect: [202],
      });
      expect(await settle(migrator, handle)).toEqual({ state: 'COMPLETED' });
      // The fake driver alone would need up to 5 s more.
      expect(Date.now() - t0).toBeLessThan(4_500);
    });

    it('refuses a stopped server: Nova answers 409 (vm_state stopped), nothing moves', async () => {
      const id = await admin.createServer();
      await admin.stop(id);
      const err = await migrator.triggerMigration(subjectOf(id), 'any').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(NovaError);
      expect((err as NovaError).status).toBe(409);
      expect((err as NovaError).message).toMatch(/stopped/);
      expect((await admin.server(id)).status).toBe('SHUTOFF');
    });

    it("refuses an unknown target host with Nova's own error; the server stays where it is", async () => {
      const id = await admin.createServer();
      const from = (await admin.server(id)).host;
      const err = await migrator
        .triggerMigration(subjectOf(id), 'any', { targetHost: 'no-such-host' })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(NovaError);
      expect((err as NovaError).status).toBe(400);
      expect((err as NovaError).message).toMatch(/no-such-host/);
      expect(await admin.server(id)).toMatchObject({ status: 'ACTIVE', host: from });
    });

    it('moves to a named host (the other fake compute)', async () => {
      const id = await admin.createServer();
      const from = (await admin.server(id)).host;
      const to = cloud.hosts.find((h) => h !== from)!;
      const handle = await migrator.triggerMigration(subjectOf(id), 'any', { targetHost: to });
      expect(await settle(migrator, handle)).toEqual({ state: 'COMPLETED' });
      expect((await admin.server(id)).host).toBe(to);
    });

    it('Keystone: takes compute from the catalog by region and names what it offers when none matches', async () => {
      const wrong = new NovaMigrator({ authUrl: cloud.authUrl, ...cloud.password, region: 'NoSuchRegion' });
      try {
        await expect(wrong.getMigrationType(subjectOf(randomUUID()))).rejects.toMatchObject({
          code: 'NOVA_NO_COMPUTE_ENDPOINT',
          message: expect.stringContaining('public@RegionOne') as string,
        });
      } finally {
        await wrong.close();
      }
      const right = new NovaMigrator({
        authUrl: cloud.authUrl,
        ...cloud.password,
        region: 'RegionOne',
        endpointInterface: 'internal',
      });
      try {
        expect((await right.getMigrationType(subjectOf(randomUUID()))).type).toBe('NONE');
      } finally {
        await right.close();
      }
    });

    it('Keystone: a wrong password and a wrong application credential secret are NOVA_AUTH_FAILED', async () => {
      for (const creds of [
        { ...cloud.password, password: 'wrong' },
        { ...cloud.applicationCredential, applicationCredentialSecret: 'wrong' },
      ]) {
        const m = new NovaMigrator({ authUrl: cloud.authUrl, ...creds });
        try {
          await expect(m.getMigrationType(subjectOf(randomUUID()))).rejects.toMatchObject({
            code: 'NOVA_AUTH_FAILED',
          });
        } finally {
          await m.close();
        }
      }
    });
  });
}
