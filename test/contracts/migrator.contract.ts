/**
 * The Migrator contract: one conformance suite every Migrator runs (hono's
 * `common.case.test.ts` pattern, see STYLE.md). An implementation's test is
 * a few lines:
 *
 *   runMigratorContract({ name: 'nova on the lab', setup: async () => ({ migrator, ... }) });
 *
 * What it checks is what TC_VNF_MIGRATE_002 relies on: step 5 (migration
 * type, with the deciding rule), step 8 (trigger), step 9 (polling to
 * COMPLETED, the new vResources in use and the old ones released), the
 * report's figures, and the paths a run takes when things go wrong (abort
 * on timeout / Ctrl-C, a failed migration surfaced as FAILED with a reason).
 * This module imports vitest: load it from test files only.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sleep } from '../../src/util/clock.js';
import type {
  MigrationHandle,
  MigrationStatus,
  MigrationSubject,
  Migrator,
  VimEvents,
} from '../../src/ports/migrator.js';

/** The system under test, built once per suite. */
export interface MigratorContractFixture {
  readonly migrator: Migrator;
  /** A running VNF whose compute resources may be live-migrated. */
  createLiveSubject(): Promise<MigrationSubject>;
  /** A running VNF that may not be live-migrated (the VNFD forbids it, or specialized NICs). */
  createNonLiveSubject(): Promise<MigrationSubject>;
  /** Ids of the vResources the subject holds now, as the VIM's inventory reports them. */
  allocationIds(subject: MigrationSubject): Promise<string[]>;
  /** Make the next migration last at least this long (abort tests are skipped without it). */
  slowNextMigration?(minDurationMs: number): Promise<void> | void;
  /** Make the next migration fail with this reason (the failure test is skipped without it). */
  failNextMigration?(reason: string): Promise<void> | void;
  /** Release everything the fixture started. */
  close(): Promise<void>;
}

export interface MigratorContractOptions {
  readonly name: string;
  setup(): Promise<MigratorContractFixture>;
  /** Deadline for one migration to finish, ms (default 20 s). */
  readonly migrationTimeoutMs?: number;
  /** Between two ValidateMigrationSuccess polls, ms (default 20). */
  readonly pollIntervalMs?: number;
  /**
   * The Migrator moves a VNF that may not be live-migrated offline (TC_VNF_MIGRATE_003/004);
   * without an offline path its trigger must be refused.
   */
  readonly offline: boolean;
  /**
   * Report figures this Migrator measures: after a COMPLETED live migration
   * each must be non-null. Default none - a figure the VIM does not report
   * may be null (KubeVirt reports no downtime, bytes or rounds; Nova none of
   * them outside the lab) - so a driver that loses one it has is caught.
   */
  readonly reportedFigures?: readonly ReportFigure[];
  /**
   * The Migrator reports the VIM's own timestamps (report.vimEvents): after a
   * COMPLETED live migration there is at least one event the move began at or
   * after and one it was over by. Whether or not, events reported must be
   * consistent (see checkVimEvents).
   */
  readonly vimEvents?: boolean;
}

/** The MigrationReport fields a driver may or may not measure. */
export type ReportFigure =
  'downtimeMs' | 'totalTimeMs' | 'setupTimeMs' | 'bytesTransferred' | 'rounds' | 'memoryVerified';

export function runMigratorContract(opts: MigratorContractOptions): void {
  const timeoutMs = opts.migrationTimeoutMs ?? 20_000;
  const pollMs = opts.pollIntervalMs ?? 20;

  describe(`Migrator contract: ${opts.name}`, () => {
    let fx: MigratorContractFixture;
    beforeAll(async () => {
      fx = await opts.setup();
    });
    afterAll(async () => {
      await fx?.close();
    });

    /** Poll ValidateMigrationSuccess until it is no longer IN_PROGRESS; every status seen. */
    async function settle(
      handle: MigrationHandle,
    ): Promise<{ final: MigrationStatus; seen: MigrationStatus[] }> {
      const seen: MigrationStatus[] = [];
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const status = await fx.migrator.validateMigrationSuccess(handle);
        seen.push(status);
        if (status.state !== 'IN_PROGRESS') return { final: status, seen };
        if (Date.now() > deadline)
          throw new Error(`migration ${handle.id} still IN_PROGRESS after ${timeoutMs} ms`);
        await sleep(pollMs);
      }
    }

    async function waitInProgress(handle: MigrationHandle): Promise<void> {
      const status = await fx.migrator.validateMigrationSuccess(handle);
      expect(status.state, 'a slowed migration should still be running').toBe('IN_PROGRESS');
    }

    it('GetMigrationType: LIVE_MIGRATION for a live-migratable VNF, with the deciding rule', async () => {
      const subject = await fx.createLiveSubject();
      const decision = await fx.migrator.getMigrationType(subject);
      expect(decision.type).toBe('LIVE_MIGRATION');
      expect(decision.reason.length).toBeGreaterThan(0);
    });

    it('GetMigrationType: not LIVE_MIGRATION for a VNF that may not be live-migrated', async () => {
      const subject = await fx.createNonLiveSubject();
      const decision = await fx.migrator.getMigrationType(subject);
      expect(decision.type).not.toBe('LIVE_MIGRATION');
      expect(decision.reason.length).toBeGreaterThan(0);
    });

    it('GetMigrationType: NONE for a VNF whose compute resources the VIM does not know', async () => {
      const subject = { vnfInstanceId: randomUUID(), computeResourceIds: [randomUUID()] };
      expect((await fx.migrator.getMigrationType(subject)).type).toBe('NONE');
    });

    it('migrates to COMPLETED: new vResources in use, old ones released, sane report', async () => {
      const subject = await fx.createLiveSubject();
      const oldIds = await fx.allocationIds(subject);
      expect(oldIds.length).toBeGreaterThan(0);
      expect(await fx.migrator.findAllocatedVResources(oldIds)).toEqual(oldIds);

      const handle = await fx.migrator.triggerMigration(subject, 'vMemory');
      expect(handle.type).toBe('LIVE_MIGRATION');
      expect(handle.subject).toEqual(subject);
      expect(handle.vResourceType).toBe('vMemory');
      const { final } = await settle(handle);
      expect(final).toEqual({ state: 'COMPLETED' });

      const report = await fx.migrator.getMigrationReport(handle);
      expect(report.type).toBe('LIVE');
      expect(report.fromHost).not.toBe('');
      expect(report.toHost).not.toBe('');
      expect(report.toHost).not.toBe(report.fromHost);
      if (report.downtimeMs !== null) expect(report.downtimeMs).toBeGreaterThanOrEqual(0);
      if (report.totalTimeMs !== null)
        expect(report.totalTimeMs).toBeGreaterThanOrEqual(report.downtimeMs ?? 0);
      if (report.bytesTransferred !== null) expect(report.bytesTransferred).toBeGreaterThan(0);
      if (report.rounds !== null) expect(report.rounds).toBeGreaterThanOrEqual(1);
      if (report.memoryVerified != null) expect(report.memoryVerified).toBe(true);
      for (const figure of opts.reportedFigures ?? [])
        expect(report[figure] ?? null, `${figure} is one the driver reports`).not.toBeNull();
      if (report.setupTimeMs != null) expect(report.setupTimeMs).toBeGreaterThanOrEqual(0);
      if (report.vimEvents != null) checkVimEvents(report.vimEvents);
      if (opts.vimEvents === true) {
        const marks = (report.vimEvents?.events ?? []).map((e) => e.marks);
        expect(marks, 'VIM events of the move').toContain('moveStart');
        expect(marks, 'VIM events of the move').toContain('moveEnd');
      }

      expect(await fx.migrator.findAllocatedVResources(oldIds)).toEqual([]);
      const newIds = await fx.allocationIds(subject);
      expect(newIds.length).toBe(oldIds.length);
      expect(newIds.filter((id) => oldIds.includes(id))).toEqual([]);
      expect(await fx.migrator.findAllocatedVResources(newIds)).toEqual(newIds);
    });

    it('aborting a finished migration is harmless and keeps it COMPLETED', async () => {
      const subject = await fx.createLiveSubject();
      const handle = await fx.migrator.triggerMigration(subject, 'any');
      expect((await settle(handle)).final.state).toBe('COMPLETED');
      await fx.migrator.abortMigration(handle);
      expect((await fx.migrator.validateMigrationSuccess(handle)).state).toBe('COMPLETED');
    });

    it.runIf(!opts.offline)(
      'refuses to migrate a VNF that may not be live-migrated (no offline path)',
      async () => {
        const subject = await fx.createNonLiveSubject();
        await expect(fx.migrator.triggerMigration(subject, 'vMemory')).rejects.toThrow();
      },
    );

    it.runIf(opts.offline)(
      'moves a VNF that may not be live-migrated OFFLINE: new vResources, old released',
      async () => {
        const subject = await fx.createNonLiveSubject();
        const oldIds = await fx.allocationIds(subject);
        const handle = await fx.migrator.triggerMigration(subject, 'vNIC');
        expect(handle.type).toBe('OFFLINE_MIGRATION');
        expect((await settle(handle)).final).toEqual({ state: 'COMPLETED' });
        const report = await fx.migrator.getMigrationReport(handle);
        expect(report.type).toBe('OFFLINE');
        expect(report.toHost).not.toBe(report.fromHost);
        if (report.downtimeMs !== null) expect(report.downtimeMs).toBeGreaterThan(0);
        expect(await fx.migrator.findAllocatedVResources(oldIds)).toEqual([]);
        const newIds = await fx.allocationIds(subject);
        expect(newIds.length).toBe(oldIds.length);
        expect(await fx.migrator.findAllocatedVResources(newIds)).toEqual(newIds);
      },
    );

    it('refuses a second migration while one is in progress', async (ctx) => {
      if (fx.slowNextMigration === undefined) return ctx.skip();
      const subject = await fx.createLiveSubject();
      await fx.slowNextMigration(10_000);
      const handle = await fx.migrator.triggerMigration(subject, 'vMemory');
      try {
        await expect(fx.migrator.triggerMigration(subject, 'vMemory')).rejects.toThrow();
      } finally {
        await fx.migrator.abortMigration(handle);
        await settle(handle);
      }
    });

    it("reads a running migration's progress without disturbing it (readMigrationProgress, where implemented)", async (ctx) => {
      const read = fx.migrator.readMigrationProgress?.bind(fx.migrator);
      if (read === undefined || fx.slowNextMigration === undefined) return ctx.skip();
      const subject = await fx.createLiveSubject();
      await fx.slowNextMigration(10_000);
      const handle = await fx.migrator.triggerMigration(subject, 'vMemory');
      try {
        await waitInProgress(handle);
        const deadline = Date.now() + 5_000;
        let progress = await read(handle);
        while (progress === null && Date.now() < deadline) {
          await sleep(pollMs);
          progress = await read(handle);
        }
        expect(progress, 'no progress while the migration runs').not.toBeNull();
        expect(progress?.phase ?? progress?.percent).toBeDefined();
        if (progress?.percent !== undefined) {
          expect(progress.percent).toBeGreaterThanOrEqual(0);
          expect(progress.percent).toBeLessThanOrEqual(100);
        }
        expect((await fx.migrator.validateMigrationSuccess(handle)).state).toBe('IN_PROGRESS');
      } finally {
        await fx.migrator.abortMigration(handle);
        await settle(handle);
      }
    });

    it('aborts a running migration: FAILED with a reason, the VNF keeps its vResources and can move later', async (ctx) => {
      if (fx.slowNextMigration === undefined) return ctx.skip();
      const subject = await fx.createLiveSubject();
      const oldIds = await fx.allocationIds(subject);
      await fx.slowNextMigration(10_000);
      const handle = await fx.migrator.triggerMigration(subject, 'vCPU');
      await waitInProgress(handle);
      await fx.migrator.abortMigration(handle);
      const { final } = await settle(handle);
      expect(final.state).toBe('FAILED');
      expect(final.state === 'FAILED' && final.reason).toMatch(/cancel|abort/i);
      expect(await fx.migrator.findAllocatedVResources(oldIds)).toEqual(oldIds);
      expect(await fx.allocationIds(subject)).toEqual(oldIds);

      const again = await fx.migrator.triggerMigration(subject, 'vCPU');
      expect((await settle(again)).final.state).toBe('COMPLETED');
    });

    it('surfaces a failed migration as FAILED with the VIM reason; the old vResources stay', async (ctx) => {
      if (fx.failNextMigration === undefined) return ctx.skip();
      const subject = await fx.createLiveSubject();
      const oldIds = await fx.allocationIds(subject);
      const reason = `injected failure ${randomUUID().slice(0, 8)}`;
      await fx.failNextMigration(reason);
      const handle = await fx.migrator.triggerMigration(subject, 'vStorage');
      const { final } = await settle(handle);
      expect(final.state).toBe('FAILED');
      expect(final.state === 'FAILED' && final.reason).toContain(reason);
      expect(await fx.migrator.findAllocatedVResources(oldIds)).toEqual(oldIds);
      const report = await fx.migrator.getMigrationReport(handle);
      expect(report.fromHost).not.toBe('');
    });
  });
}

/**
 * VIM events are in time order, on the harness's clock no later than the
 * pair read after the move (beyond their precision), their precision at
 * least their resolution plus the clock offset allowed, and no start of the
 * move after its end (beyond both precisions).
 */
function checkVimEvents(vim: VimEvents): void {
  const atMs = vim.events.map((e) => e.atMs);
  expect(atMs).toEqual([...atMs].sort((a, b) => a - b));
  for (const e of vim.events) {
    expect(e.precisionMs, e.name).toBeGreaterThanOrEqual(e.resolutionMs + vim.clockOffsetAllowanceMs);
    expect(e.atMs - e.precisionMs, e.name).toBeLessThanOrEqual(vim.clock.monoMs);
    expect(e.at, e.name).not.toBe('');
  }
  const starts = vim.events.filter((e) => e.marks === 'moveStart');
  const ends = vim.events.filter((e) => e.marks === 'moveEnd');
  for (const s of starts)
    for (const e of ends)
      expect(s.atMs - s.precisionMs, `${s.name} before ${e.name}`).toBeLessThanOrEqual(
        e.atMs + e.precisionMs,
      );
}
