import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFakeLab } from '../../../test/fakes/lab/fake-host.js';
import { LabVim } from '../../lab/vim/lab-vim.js';
import { startNovaApi } from '../../lab/vim/nova/nova-api.js';
import type { ServerCreateRequest } from '../../lab/vim/vim.js';
import { runMigratorContract } from '../../../test/contracts/migrator.contract.js';
import type { MigrationHandle, MigrationStatus, MigrationSubject } from '../../ports/migrator.js';
import { sleep } from '../../util/clock.js';
import { NovaError } from './errors.js';
import { hostAllocationId, NovaMigrator, type NovaMigratorConfig } from './nova-migrator.js';

const credentials = { username: 'vnflab', password: 'secret', projectName: 'vnflab' };
const capacity = { vCpu: 64, memoryMiB: 65_536, storageGiB: 1_000, nics: 64 };

function request(over: Partial<ServerCreateRequest> = {}): ServerCreateRequest {
  return {
    name: 'vnfc',
    imageId: 'img-vnf',
    flavor: { vCpu: 1, memoryMiB: 256, storageGiB: 1, nics: 2 },
    vnf: { egress: { host: '127.0.0.1', port: 9 }, dirtyPagesPerSec: 0 },
    liveMigratable: true,
    ...over,
  };
}

/** A fake lab behind the lab's Nova API, and a NovaMigrator speaking to it. */
async function startLab(config: Partial<NovaMigratorConfig> = {}, tokenTtlMs?: number) {
  const lab = createFakeLab(['compute-1', 'compute-2', 'compute-3'].map((name) => ({ name, capacity })));
  const vim = new LabVim({ hosts: lab.hosts, fabric: lab.fabric });
  const api = await startNovaApi({ vim, credentials, ...(tokenTtlMs === undefined ? {} : { tokenTtlMs }) });
  const migrator = new NovaMigrator({ authUrl: api.authUrl, ...credentials, ...config });
  const subject = async (...reqs: ServerCreateRequest[]): Promise<MigrationSubject> => {
    const ids: string[] = [];
    for (const req of reqs) {
      const server = await vim.createServer(req);
      await vim.startServer(server.id);
      ids.push(server.id);
    }
    return { vnfInstanceId: randomUUID(), computeResourceIds: ids };
  };
  const close = async (): Promise<void> => {
    await migrator.close();
    await api.close();
    await vim.close();
  };
  return { lab, vim, api, migrator, subject, close };
}

async function settle(migrator: NovaMigrator, handle: MigrationHandle): Promise<MigrationStatus> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const status = await migrator.validateMigrationSuccess(handle);
    if (status.state !== 'IN_PROGRESS' || Date.now() > deadline) return status;
    await sleep(10);
  }
}

runMigratorContract({
  name: 'NovaMigrator -> lab Nova API -> LabVim (in-memory hosts)',
  offline: true,
  // The migration record's and instance action's / the VMIM's and migration state's timestamps.
  vimEvents: true,
  async setup() {
    const l = await startLab();
    return {
      migrator: l.migrator,
      createLiveSubject: () => l.subject(request()),
      createNonLiveSubject: () => l.subject(request({ liveMigratable: false })),
      allocationIds: async (s) =>
        (await Promise.all(s.computeResourceIds.map((id) => l.vim.getServer(id)))).flatMap(
          (server) => server?.allocations.map((a) => a.id) ?? [],
        ),
      slowNextMigration: (ms) => {
        l.lab.next = { behaviour: { rounds: Math.ceil(ms / 5), roundDelayMs: 5 } };
      },
      failNextMigration: (reason) => {
        l.lab.next = { fault: { at: 'transfer', reason } };
      },
      close: l.close,
    };
  },
});

describe('NovaMigrator on the lab Nova API', () => {
  let l: Awaited<ReturnType<typeof startLab>>;
  beforeAll(async () => {
    l = await startLab();
  });
  afterAll(async () => {
    await l.close();
  });

  it('reads the lab figures from the vnflab: fields of the migration record', async () => {
    l.lab.behaviour = { ...l.lab.behaviour, pauseMs: 3, forwardDelayMs: 20 };
    try {
      const subject = await l.subject(request());
      const handle = await l.migrator.triggerMigration(subject, 'vMemory');
      expect(await settle(l.migrator, handle)).toEqual({ state: 'COMPLETED' });
      const report = await l.migrator.getMigrationReport(handle);
      const [vimMigration] = await l.vim.listMigrations({ serverId: subject.computeResourceIds[0]! });
      expect(report.downtimeMs).toBe(vimMigration?.downtimeMs);
      expect(report.downtimeMs).toBeGreaterThanOrEqual(21);
      expect([report.rounds, report.memoryVerified]).toEqual([3, true]);
      expect(report.bytesTransferred).toBe(vimMigration?.bytesTransferred);
      expect(report.fromHost).toBe(vimMigration?.sourceHost);
      expect(report.toHost).toBe(vimMigration?.destHost);
    } finally {
      l.lab.behaviour = { ...l.lab.behaviour, forwardDelayMs: null };
    }
  });

  it("reads the move's progress from the server migration record (memory_*_bytes), null once it ended", async () => {
    const subject = await l.subject(request());
    l.lab.next = { behaviour: { rounds: 40, roundDelayMs: 10 } };
    const handle = await l.migrator.triggerMigration(subject, 'vMemory');
    const seen = [];
    for (;;) {
      const p = await l.migrator.readMigrationProgress(handle);
      if (p?.memoryTotalBytes !== undefined) seen.push(p);
      if ((await l.migrator.validateMigrationSuccess(handle)).state !== 'IN_PROGRESS') break;
      await sleep(15);
    }
    expect(seen.length).toBeGreaterThan(1);
    expect(seen.every((p) => p.memoryTotalBytes === 256 * 1024 * 1024 && p.phase === 'running')).toBe(true);
    const percents = seen.map((p) => p.percent ?? -1);
    expect(percents.every((x) => x >= 0 && x <= 100)).toBe(true);
    expect(percents.at(-1)).toBeGreaterThan(percents[0]!);
    expect(await l.migrator.readMigrationProgress(handle)).toBeNull();
  });

  it('moves every server of a multi-VNFC subject and follows them in one handle', async () => {
    const subject = await l.subject(request({ name: 'a' }), request({ name: 'b' }));
    const handle = await l.migrator.triggerMigration(subject, 'any');
    expect(handle.id.split(',')).toHaveLength(2);
    expect(await settle(l.migrator, handle)).toEqual({ state: 'COMPLETED' });
    for (const id of subject.computeResourceIds) {
      const [m] = await l.vim.listMigrations({ serverId: id });
      expect(m?.status).toBe('completed');
      expect((await l.vim.getServer(id))?.host).toBe(m?.destHost);
    }
  });

  it('migrates to the requested target host', async () => {
    const subject = await l.subject(request({ host: 'compute-1' }));
    const handle = await l.migrator.triggerMigration(subject, 'vCPU', { targetHost: 'compute-3' });
    expect(await settle(l.migrator, handle)).toEqual({ state: 'COMPLETED' });
    expect((await l.migrator.getMigrationReport(handle)).toHost).toBe('compute-3');
  });

  it('says OFFLINE_MIGRATION for specialized NICs, naming the PCI alias rule', async () => {
    const subject = await l.subject(
      request({ flavor: { vCpu: 1, memoryMiB: 64, storageGiB: 1, nics: 2, specializedNics: 1 } }),
    );
    const decision = await l.migrator.getMigrationType(subject);
    expect(decision.type).toBe('OFFLINE_MIGRATION');
    expect(decision.reason).toContain('pci_passthrough:alias');
  });

  it('moves only the vResource asked for in the lab: vStorage and vNIC stay on the host, vMemory moves it', async () => {
    for (const [type, moved] of [
      ['vStorage', 'vStorage'],
      ['vNIC', 'vNIC'],
      ['vMemory', 'server'],
    ] as const) {
      const subject = await l.subject(request());
      const [id] = subject.computeResourceIds;
      const before = await l.vim.getServer(id ?? '');
      const handle = await l.migrator.triggerMigration(subject, type);
      expect(await settle(l.migrator, handle)).toEqual({ state: 'COMPLETED' });
      const report = await l.migrator.getMigrationReport(handle);
      const [m] = await l.vim.listMigrations({ serverId: id ?? '' });
      expect(m?.vResourceType).toBe(type);
      expect(report.details).toMatchObject({
        vResourceType: type,
        vResourceMoves: [{ vResourceType: type, changes: { moved } }],
      });
      const after = await l.vim.getServer(id ?? '');
      if (moved === 'server') {
        expect(report.toHost).not.toBe(report.fromHost);
      } else {
        expect(report.toHost).toBe(report.fromHost);
        expect(after?.host).toBe(before?.host);
        const changed = after?.allocations.filter((a) => !before?.allocations.some((b) => b.id === a.id));
        expect(changed?.map((a) => a.kind)).toEqual([moved]);
        expect(await l.migrator.findAllocatedVResources(m?.releasedAllocationIds ?? [])).toEqual([]);
      }
    }
  });

  it('says OFFLINE_MIGRATION for the SR-IOV VNFD (vnfd-vnflab-udp-fwd-sriov: 1 specialized NIC, no live migration)', async () => {
    const subject = await l.subject(
      request({
        flavor: { vCpu: 1, memoryMiB: 64, storageGiB: 1, nics: 1, specializedNics: 1 },
        liveMigratable: false,
      }),
    );
    const decision = await l.migrator.getMigrationType(subject);
    expect(decision.type).toBe('OFFLINE_MIGRATION');
    expect(decision.reason).toMatch(/live_migratable|pci_passthrough/);
  });

  it('says OFFLINE_MIGRATION for a VNF whose VNFD forbids live migration, naming that rule', async () => {
    const decision = await l.migrator.getMigrationType(await l.subject(request({ liveMigratable: false })));
    expect(decision).toMatchObject({ type: 'OFFLINE_MIGRATION' });
    expect(decision.reason).toContain('vnflab:live_migratable');
  });

  it("carries Nova's refusal (409 conflictingRequest) in the error", async () => {
    const server = await l.vim.createServer(request());
    const subject = { vnfInstanceId: randomUUID(), computeResourceIds: [server.id] };
    const e = await l.migrator.triggerMigration(subject, 'vMemory').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(NovaError);
    expect((e as NovaError).status).toBe(409);
    expect((e as NovaError).message).toContain('while it is in vm_state stopped');
  });

  it('refuses to migrate what the VIM does not know (NOVA_NOT_MIGRATABLE)', async () => {
    const subject = { vnfInstanceId: randomUUID(), computeResourceIds: [randomUUID()] };
    await expect(l.migrator.triggerMigration(subject, 'any')).rejects.toMatchObject({
      code: 'NOVA_NOT_MIGRATABLE',
    });
  });

  it('moves an SR-IOV VNF offline with Nova migrate; its VNF runs again on the destination', async () => {
    const flavor = { vCpu: 1, memoryMiB: 64, storageGiB: 1, nics: 2, specializedNics: 1 };
    const subject = await l.subject(request({ flavor, host: 'compute-1' }));
    const handle = await l.migrator.triggerMigration(subject, 'vNIC', { targetHost: 'compute-2' });
    expect(handle.type).toBe('OFFLINE_MIGRATION');
    expect(await settle(l.migrator, handle)).toEqual({ state: 'COMPLETED' });
    const server = await l.vim.getServer(subject.computeResourceIds[0]!);
    expect([server?.host, server?.status]).toEqual(['compute-2', 'ACTIVE']);
    const [m] = await l.vim.listMigrations({ serverId: server!.id });
    expect(m?.migrationType).toBe('migration');
    await expect(l.migrator.abortMigration(handle)).resolves.toBeUndefined();
  });

  it('says a cold migration cannot be aborted while it runs', async () => {
    l.lab.next = { behaviour: { roundDelayMs: 300 } };
    const subject = await l.subject(request({ liveMigratable: false }));
    const handle = await l.migrator.triggerMigration(subject, 'vMemory');
    await expect(l.migrator.abortMigration(handle)).rejects.toMatchObject({ code: 'NOVA_ABORT_UNSUPPORTED' });
    expect(await settle(l.migrator, handle)).toEqual({ state: 'COMPLETED' });
  });

  it('answers findAllocatedVResources for server ids too (what a real Nova can tell)', async () => {
    const subject = await l.subject(request());
    const [id] = subject.computeResourceIds;
    expect(await l.migrator.findAllocatedVResources([id!, 'no-such-id'])).toEqual([id]);
  });

  it('answers findAllocatedVResources for <server id>@<host>: held on the current host only, released by a move', async () => {
    const subject = await l.subject(request());
    const [id] = subject.computeResourceIds;
    const from = (await l.vim.getServer(id!))!.host;
    const other = ['compute-1', 'compute-2', 'compute-3'].find((h) => h !== from)!;
    const onSource = hostAllocationId(id!, from);
    expect(await l.migrator.findAllocatedVResources([onSource, hostAllocationId(id!, other)])).toEqual([
      onSource,
    ]);
    const handle = await l.migrator.triggerMigration(subject, 'any');
    expect(await settle(l.migrator, handle)).toEqual({ state: 'COMPLETED' });
    const to = (await l.vim.getServer(id!))!.host;
    expect(await l.migrator.findAllocatedVResources([onSource, hostAllocationId(id!, to)])).toEqual([
      hostAllocationId(id!, to),
    ]);
  });
});

/**
 * A compute endpoint that looks like a real Nova: it forwards to the lab's
 * API and drops every `vnflab:` key from the answers.
 */
async function startPlainNovaProxy(
  target: string,
  /** Paths answered 404 itemNotFound, as by a Nova that does not offer them. */
  refuse: RegExp | null = null,
): Promise<{
  computeUrl: string;
  posted: { url: string; body: unknown }[];
  /** Answer this many next DELETEs of a migration 400, as Nova does while the migration is still `accepted`. */
  refuseDeletes: number;
  deletes: number;
  close(): Promise<void>;
}> {
  const posted: { url: string; body: unknown }[] = [];
  const counters = { refuseDeletes: 0, deletes: 0 };
  const strip = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(strip);
    if (typeof v !== 'object' || v === null) return v;
    return Object.fromEntries(
      Object.entries(v)
        .filter(([k]) => !k.startsWith('vnflab:'))
        .map(([k, x]) => [k, strip(x)]),
    );
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const headers = Object.fromEntries(
        Object.entries(req.headers).filter(
          ([k, v]) => k !== 'host' && k !== 'content-length' && typeof v === 'string',
        ),
      ) as Record<string, string>;
      const body = chunks.length > 0 ? Buffer.concat(chunks) : null;
      if (req.method === 'POST' && body !== null)
        posted.push({ url: req.url ?? '', body: JSON.parse(body.toString()) as unknown });
      if (req.method === 'DELETE' && /\/migrations\//.test(req.url ?? '')) {
        counters.deletes += 1;
        if (counters.refuseDeletes > 0) {
          counters.refuseDeletes -= 1;
          // Nova 26's answer (recorded: test/fixtures/nova-real/nova-*.json, DELETE ... 400).
          res.writeHead(400, { 'content-type': 'application/json' });
          res.end(
            JSON.stringify({
              badRequest: {
                code: 400,
                message: `Migration ${req.url?.split('/').at(-1)} state of instance ${req.url?.split('/')[3]} is accepted. Cannot abort live migration while the migration is in this state.`,
              },
            }),
          );
          return;
        }
      }
      if (refuse?.test(req.url ?? '')) {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ itemNotFound: { code: 404, message: 'The resource could not be found.' } }));
        return;
      }
      void fetch(`${target}${req.url}`, { method: req.method ?? 'GET', headers, ...(body ? { body } : {}) })
        .then(async (r) => {
          const text = await r.text();
          const out = text === '' ? '' : JSON.stringify(strip(JSON.parse(text)));
          const pass = ['x-openstack-request-id', 'openstack-api-version', 'content-type'];
          res.writeHead(
            r.status,
            Object.fromEntries(pass.flatMap((h) => (r.headers.get(h) ? [[h, r.headers.get(h)!]] : []))),
          );
          res.end(out);
        })
        .catch(() => res.destroy());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    computeUrl: `http://127.0.0.1:${port}/v2.1`,
    posted,
    get refuseDeletes() {
      return counters.refuseDeletes;
    },
    set refuseDeletes(n: number) {
      counters.refuseDeletes = n;
    },
    get deletes() {
      return counters.deletes;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

describe('NovaMigrator against a plain Nova (no vnflab: fields)', () => {
  let l: Awaited<ReturnType<typeof startLab>>;
  let proxy: Awaited<ReturnType<typeof startPlainNovaProxy>>;
  let migrator: NovaMigrator;
  beforeAll(async () => {
    l = await startLab();
    proxy = await startPlainNovaProxy(l.api.baseUrl.replace(/\/v2\.1$/, ''));
    migrator = new NovaMigrator({ authUrl: l.api.authUrl, ...credentials, computeUrl: proxy.computeUrl });
  });
  afterAll(async () => {
    await migrator.close();
    await proxy.close();
    await l.close();
  });

  it('asks again when Nova cannot abort yet (400 while the migration is `accepted`, seen on Nova 26)', async () => {
    const subject = await l.subject(request());
    l.lab.next = { behaviour: { rounds: 400, roundDelayMs: 5 } };
    const handle = await migrator.triggerMigration(subject, 'vCPU');
    proxy.refuseDeletes = 2;
    const before = proxy.deletes;
    await migrator.abortMigration(handle);
    expect(proxy.deletes - before).toBe(3);
    const final = await settle(migrator, handle);
    expect(final.state === 'FAILED' && final.reason).toMatch(/cancel/i);
  });

  it('sends no vendor key to a real Nova: a vStorage request moves the whole server', async () => {
    const subject = await l.subject(request());
    const handle = await migrator.triggerMigration(subject, 'vStorage');
    expect(await settle(migrator, handle)).toEqual({ state: 'COMPLETED' });
    const action = proxy.posted.filter((p) => p.url.endsWith('/action')).at(-1);
    expect(action?.body).toHaveProperty('os-migrateLive');
    expect(JSON.stringify(action?.body)).not.toContain('vnflab:');
    const report = await migrator.getMigrationReport(handle);
    expect(report.toHost).not.toBe(report.fromHost);
    expect(report.details).not.toHaveProperty('vResourceMoves');
    expect(report.details).toMatchObject({ vResourceType: 'vStorage' });
  });

  it('completes a migration and reports null for what Nova does not measure', async () => {
    const subject = await l.subject(request());
    expect((await migrator.getMigrationType(subject)).type).toBe('LIVE_MIGRATION');
    const handle = await migrator.triggerMigration(subject, 'vMemory');
    expect(await settle(migrator, handle)).toEqual({ state: 'COMPLETED' });
    const report = await migrator.getMigrationReport(handle);
    expect(report.toHost).not.toBe(report.fromHost);
    expect([report.downtimeMs, report.rounds, report.bytesTransferred, report.memoryVerified]).toEqual([
      null,
      null,
      null,
      null,
    ]);
  });

  it("reports the migration record's and the instance action's times as VIM events on the harness clock", async () => {
    const before = Date.now();
    const subject = await l.subject(request());
    const handle = await migrator.triggerMigration(subject, 'vMemory');
    expect(await settle(migrator, handle)).toEqual({ state: 'COMPLETED' });
    const report = await migrator.getMigrationReport(handle);
    const vim = report.vimEvents!;
    expect(vim.notOffered).toEqual([]);
    expect(vim.clockOffsetAllowanceMs).toBe(1_000);
    const byName = new Map(vim.events.map((e) => [e.name, e]));
    for (const name of [
      'live-migration action start_time',
      'compute_live_migration start_time',
      'compute_post_live_migration_at_destination start_time',
      'compute_post_live_migration_at_destination finish_time (Success)',
    ])
      expect(byName.has(name), name).toBe(true);
    expect(byName.get('compute_post_live_migration_at_destination start_time')?.marks).toBe(
      'switchOverEnded',
    );
    expect([...byName.keys()].some((n) => /^migration \d+ updated_at \(completed\)$/.test(n))).toBe(true);
    // Same host, one clock: each event's wall time put on the monotonic clock lands where it happened.
    const nowMono = vim.clock.monoMs;
    const nowWall = Date.parse(vim.clock.at);
    for (const e of vim.events) {
      expect(e.precisionMs).toBe(1_000 + 1_000 + 1);
      const wall = nowWall - (nowMono - e.atMs);
      expect(wall).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 - 2);
      expect(wall).toBeLessThanOrEqual(nowWall + 2);
    }
  });

  it('says so when the VIM does not offer instance actions, and uses the migration record alone', async () => {
    const refusing = await startPlainNovaProxy(l.api.baseUrl.replace(/\/v2\.1$/, ''), /os-instance-actions/);
    const m = new NovaMigrator({
      authUrl: l.api.authUrl,
      ...credentials,
      computeUrl: refusing.computeUrl,
      clockOffsetAllowanceMs: 10,
    });
    try {
      const subject = await l.subject(request());
      const handle = await m.triggerMigration(subject, 'vMemory');
      expect(await settle(m, handle)).toEqual({ state: 'COMPLETED' });
      const vim = (await m.getMigrationReport(handle)).vimEvents!;
      expect(vim.notOffered).toHaveLength(1);
      expect(vim.notOffered[0]).toMatch(/os-instance-actions \(server .*\): .*HTTP 404/);
      expect(vim.events.map((e) => e.marks).sort()).toEqual(['moveEnd', 'moveStart']);
      expect(
        vim.events.every((e) => e.source.startsWith('nova os-migrations') && e.precisionMs === 1_011),
      ).toBe(true);
    } finally {
      await m.close();
      await refusing.close();
    }
  });

  it('takes the failure reason from the failed instance action events', async () => {
    l.lab.next = { fault: { at: 'transfer', reason: 'injected: link down' } };
    const subject = await l.subject(request());
    const status = await settle(migrator, await migrator.triggerMigration(subject, 'vMemory'));
    expect(status.state).toBe('FAILED');
    expect(status.state === 'FAILED' && status.reason).toContain(
      'compute_live_migration: injected: link down',
    );
  });

  it('still sees the PCI alias rule in the flavor', async () => {
    const flavor = { vCpu: 1, memoryMiB: 64, storageGiB: 1, nics: 1, specializedNics: 1 };
    const decision = await migrator.getMigrationType(await l.subject(request({ flavor })));
    expect(decision.type).toBe('OFFLINE_MIGRATION');
  });

  it('can only tell which ids are servers Nova still lists', async () => {
    const subject = await l.subject(request());
    const [id] = subject.computeResourceIds;
    const allocationId = (await l.vim.getServer(id!))?.allocations[0]?.id ?? '';
    expect(await migrator.findAllocatedVResources([id!, allocationId])).toEqual([id]);
  });
});

describe('NovaMigrator sessions and microversions', () => {
  it('authenticates again after a 401 (tokens revoked) and carries on', async () => {
    const l = await startLab();
    try {
      const subject = await l.subject(request());
      expect((await l.migrator.getMigrationType(subject)).type).toBe('LIVE_MIGRATION');
      l.api.revokeTokens();
      expect((await l.migrator.getMigrationType(subject)).type).toBe('LIVE_MIGRATION');
    } finally {
      await l.close();
    }
  });

  it('renews a token that is about to expire', async () => {
    const l = await startLab({}, 150);
    try {
      const subject = await l.subject(request());
      expect((await l.migrator.getMigrationType(subject)).type).toBe('LIVE_MIGRATION');
      await sleep(200);
      expect((await l.migrator.getMigrationType(subject)).type).toBe('LIVE_MIGRATION');
    } finally {
      await l.close();
    }
  });

  it('fails with NOVA_AUTH_FAILED on wrong credentials', async () => {
    const l = await startLab({ password: 'wrong' });
    try {
      await expect(l.migrator.findAllocatedVResources(['x'])).rejects.toMatchObject({
        code: 'NOVA_AUTH_FAILED',
      });
    } finally {
      await l.close();
    }
  });

  it('speaks min(ours, server max): 2.99 asked -> 2.80 used', async () => {
    const l = await startLab({ microversion: '2.99' });
    try {
      const subject = await l.subject(request());
      const handle = await l.migrator.triggerMigration(subject, 'vMemory');
      expect(await settle(l.migrator, handle)).toEqual({ state: 'COMPLETED' });
    } finally {
      await l.close();
    }
  });

  it('works at 2.1 through os-migrations, and says abort needs 2.24', async () => {
    const l = await startLab({ microversion: '2.1' });
    try {
      const subject = await l.subject(request());
      l.lab.next = { behaviour: { rounds: 100, roundDelayMs: 5 } };
      const handle = await l.migrator.triggerMigration(subject, 'vMemory');
      await expect(l.migrator.abortMigration(handle)).rejects.toMatchObject({
        code: 'NOVA_ABORT_UNSUPPORTED',
      });
      expect(await settle(l.migrator, handle)).toEqual({ state: 'COMPLETED' });
      expect((await l.migrator.getMigrationReport(handle)).fromHost).not.toBe('');
    } finally {
      await l.close();
    }
  });
});
