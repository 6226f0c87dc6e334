import { afterEach, describe, expect, it } from 'vitest';
import { FakeQmpServer } from '../../../test/fakes/qmp/fake-qmp.js';
import type { QemuMigrationInfo, QemuRamStats } from './migration-info.js';
import { QmpClient } from './qmp-client.js';
import { runQmpMigration } from './qmp-migration.js';

const ram = (transferred: number, remaining: number, syncs: number): QemuRamStats => ({
  transferred,
  remaining,
  total: 134_217_728,
  duplicate: 100,
  normal: 200,
  'normal-bytes': 819_200,
  'dirty-pages-rate': 50,
  mbps: 900,
  'dirty-sync-count': syncs,
  'page-size': 4096,
});

/** A source QEMU whose migration goes through `statuses`, one per query-migrate, STOP before the last. */
function scriptedSource(server: () => FakeQmpServer, statuses: QemuMigrationInfo[]) {
  let i = -1;
  let cancelled = false;
  return (command: string) => {
    if (command === 'migrate') {
      i = 0;
      return { return: {} };
    }
    if (command === 'migrate_cancel') {
      cancelled = true;
      return { return: {} };
    }
    if (command === 'query-migrate') {
      if (cancelled) return { return: { status: 'cancelled' } };
      const info = statuses[Math.min(i, statuses.length - 1)] ?? {};
      if (i === statuses.length - 2) server().emit('STOP');
      i++;
      return { return: info };
    }
    return { return: {} };
  };
}

describe('runQmpMigration', () => {
  let server: FakeQmpServer | null = null;
  let client: QmpClient | null = null;
  afterEach(async () => {
    await client?.close();
    await server?.close();
  });
  const connect = async (handler: ConstructorParameters<typeof FakeQmpServer>[0]): Promise<QmpClient> => {
    server = new FakeQmpServer(handler);
    await server.listen();
    client = await QmpClient.connect(server.path);
    return client;
  };

  it("sets the parameters, migrates, polls to completed and reports QEMU's figures and the pause", async () => {
    const qmp = await connect(
      scriptedSource(
        () => server!,
        [
          { status: 'setup' },
          { status: 'active', ram: ram(1000, 5000, 1) },
          { status: 'active', ram: ram(4000, 100, 2) },
          { status: 'completed', downtime: 12, 'total-time': 480, 'setup-time': 3, ram: ram(5100, 0, 3) },
        ],
      ),
    );
    const progress: QemuMigrationInfo[] = [];
    const r = await runQmpMigration(qmp, {
      uri: 'tcp:10.0.0.2:4401',
      downtimeLimitMs: 300,
      maxBandwidthBytesPerSec: 134_217_728,
      pollMs: 1,
      onProgress: (p) => progress.push(p),
    });
    const sent = server!.commands.map((c) => c.command);
    expect(sent.slice(1, 4)).toEqual(['migrate-set-capabilities', 'migrate-set-parameters', 'migrate']);
    expect(server!.commands[2]?.args).toEqual({ 'downtime-limit': 300, 'max-bandwidth': 134_217_728 });
    expect(server!.commands[3]?.args).toEqual({ uri: 'tcp:10.0.0.2:4401' });
    expect(r.ok).toBe(true);
    expect(r.reason).toBeNull();
    expect(r.stats).toMatchObject({
      status: 'completed',
      downtimeMs: 12,
      totalTimeMs: 480,
      setupTimeMs: 3,
      ramTransferredBytes: 5100,
      dirtySyncCount: 3,
    });
    expect(progress.map((p) => p.status)).toEqual(['setup', 'active', 'active']);
    expect(r.pausedAtNs).not.toBeNull();
    expect(r.pausedAtNs!).toBeGreaterThanOrEqual(r.startedAtNs);
    expect(r.finishedAtNs).toBeGreaterThanOrEqual(r.pausedAtNs!);
  });

  it('asks again when QEMU reports completed before it stored total-time and downtime', async () => {
    let completedQueries = 0;
    const qmp = await connect((command) => {
      if (command !== 'query-migrate') return { return: {} };
      completedQueries++;
      return completedQueries < 3
        ? { return: { status: 'completed', 'total-time': 0, ram: ram(5100, 0, 3) } }
        : { return: { status: 'completed', downtime: 9, 'total-time': 510, ram: ram(5100, 0, 3) } };
    });
    const r = await runQmpMigration(qmp, {
      uri: 'tcp:x:1',
      downtimeLimitMs: 300,
      maxBandwidthBytesPerSec: 1,
      pollMs: 1,
    });
    expect(r.ok).toBe(true);
    expect(r.stats).toMatchObject({ downtimeMs: 9, totalTimeMs: 510 });
    expect(completedQueries).toBe(3);
  });

  it("reports a failed migration with QEMU's error-desc", async () => {
    const qmp = await connect(
      scriptedSource(
        () => server!,
        [{ status: 'active' }, { status: 'failed', 'error-desc': 'Connection refused' }],
      ),
    );
    const r = await runQmpMigration(qmp, {
      uri: 'tcp:x:1',
      downtimeLimitMs: 300,
      maxBandwidthBytesPerSec: 1,
      pollMs: 1,
    });
    expect(r).toMatchObject({ ok: false, reason: 'Connection refused' });
  });

  it('a refused migrate (a migration blocker) is a failed outcome, not an exception', async () => {
    const qmp = await connect((command) =>
      command === 'migrate'
        ? {
            error: {
              class: 'GenericError',
              desc: "Migration is disabled when using feature 'peer mode' in device 'ivshmem'",
            },
          }
        : { return: {} },
    );
    const r = await runQmpMigration(qmp, {
      uri: 'tcp:x:1',
      downtimeLimitMs: 300,
      maxBandwidthBytesPerSec: 1,
    });
    expect(r.ok).toBe(false);
    expect(r.reason).toMatch(/Migration is disabled/);
    expect(r.stats.status).toBe('failed');
  });

  it('cancels with migrate_cancel on timeout and on abort, and waits for the cancelled status', async () => {
    const never = [{ status: 'active' as const, ram: ram(1, 1, 1) }];
    let qmp = await connect(scriptedSource(() => server!, never));
    const timedOut = await runQmpMigration(qmp, {
      uri: 'tcp:x:1',
      downtimeLimitMs: 1,
      maxBandwidthBytesPerSec: 1,
      pollMs: 1,
      timeoutMs: 30,
    });
    expect(server!.commands.map((c) => c.command)).toContain('migrate_cancel');
    expect(timedOut.ok).toBe(false);
    expect(timedOut.reason).toMatch(/did not complete within 30 ms/);
    expect(timedOut.stats.status).toBe('cancelled');
    await client?.close();
    await server?.close();

    qmp = await connect(scriptedSource(() => server!, never));
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 20);
    const aborted = await runQmpMigration(qmp, {
      uri: 'tcp:x:1',
      downtimeLimitMs: 1,
      maxBandwidthBytesPerSec: 1,
      pollMs: 1,
      signal: abort.signal,
    });
    expect(aborted).toMatchObject({ ok: false, reason: 'migration cancelled' });
    expect(server!.commands.map((c) => c.command)).toContain('migrate_cancel');
  });
});
