/**
 * Migrator over OpenStack Nova (and the lab's Nova-compatible compute API):
 * the spec's VNFM.Migration made as the VIM-level call a VNFM makes on its
 * behalf (DESIGN.md "Who moves the VNF").
 *
 * - trigger: `POST /servers/{id}/action {"os-migrateLive": ...}` per VNFC
 *   server (body per microversion), then the migration record Nova created
 *   is found in `GET /servers/{id}/migrations` (2.23+) or
 *   `GET /os-migrations?instance_uuid=`;
 * - validate: the record's status, and for a finished one the server's
 *   status, task_state and host (it must be ACTIVE on the destination);
 *   a failure's reason comes from the record (`vnflab:error`, lab only) or
 *   the failed events of the request's instance action;
 * - abort: `DELETE /servers/{id}/migrations/{mid}` (2.24+).
 * Figures Nova does not measure (downtime, rounds, memory verification)
 * are read from `vnflab:` fields when present, else null.
 *
 * vResourceType: a real Nova moves the whole server whatever the type. The
 * embedded lab (its servers carry `vnflab:` fields) gets the type in the
 * vendor key `vnflab:vresource_type` and moves just that vResource where it
 * can (live-migrate-body.ts); its migration record says what moved
 * (`vnflab:vresource_changes`), reported in MigrationReport.details.
 */
import { vnflabMigrationFields } from '../../protocols/nova/vnflab-extensions.js';
import { z } from 'zod';
import type { VResourceType } from '../../ports/vnfm.js';
import type {
  MigrationHandle,
  MigrationProgress,
  MigrationReport,
  MigrationStatus,
  MigrationSubject,
  MigrationType,
  Migrator,
  VimEvents,
} from '../../ports/migrator.js';
import { sleep } from '../../util/clock.js';
import { NovaError } from './errors.js';
import { decodeHandleId, DONE, encodeHandleId, FAILED, type Leg } from './migration-handle.js';
import { legStartedAfter } from './foreign-migration.js';
import { liveMigrateBody, migrateBody } from './live-migrate-body.js';
import { atLeast, formatMicroversion } from '../../protocols/nova/microversion.js';
import { combineDecisions, isLabServer, migrationTypeOf } from './migration-type.js';
import { NovaClient, type NovaClientConfig } from './nova-client.js';
import { progressOf, type NovaServerMigration } from './migration-progress.js';
import {
  instanceActionSchema,
  instanceActionsSchema,
  osMigrationsSchema,
  serverMigrationResponseSchema,
  serverMigrationsSchema,
  serverResponseSchema,
  serversDetailSchema,
  type NovaInstanceAction,
  type NovaMigration,
  type NovaServer,
} from './schemas.js';
import { DEFAULT_CLOCK_OFFSET_ALLOWANCE_MS, parseUtc, toVimEvents, type RawVimEvent } from '../vim-events.js';
import { actionNameOf, novaVimEvents } from './nova-events.js';
import { MultipleErrors } from '../../util/errors.js';

export interface NovaMigratorConfig extends NovaClientConfig {
  /** How long to look for the migration record after Nova accepted the request, ms (default 10 s). */
  readonly migrationLookupTimeoutMs?: number;
  /** Offset allowed between Nova's hosts' clocks and the harness's, ms (default 1 s): part of every event's precision. */
  readonly clockOffsetAllowanceMs?: number;
}

/** How far from the migration record's creation its instance action may have started, ms. */
const ACTION_MATCH_WINDOW_MS = 60_000;

const enc = encodeURIComponent;

export class NovaMigrator implements Migrator {
  readonly name = 'nova';
  private readonly client: NovaClient;
  private readonly lookupTimeoutMs: number;
  private readonly clockOffsetAllowanceMs: number;
  /** x-openstack-request-id of each leg's os-migrateLive: its instance action. */
  private readonly requestIds = new Map<string, string>();

  constructor(config: NovaMigratorConfig) {
    this.client = new NovaClient(config);
    this.lookupTimeoutMs = config.migrationLookupTimeoutMs ?? 10_000;
    this.clockOffsetAllowanceMs = config.clockOffsetAllowanceMs ?? DEFAULT_CLOCK_OFFSET_ALLOWANCE_MS;
  }

  async getMigrationType(subject: MigrationSubject): Promise<{ type: MigrationType; reason: string }> {
    return (await this.decide(subject)).decision;
  }

  /** The migration type, and whether every server is the embedded lab's. */
  private async decide(
    subject: MigrationSubject,
  ): Promise<{ decision: { type: MigrationType; reason: string }; lab: boolean }> {
    const servers = await Promise.all(subject.computeResourceIds.map((id) => this.server(id)));
    const decision = combineDecisions(
      servers.map((server, i) => migrationTypeOf(subject.computeResourceIds[i] ?? '', server)),
    );
    return { decision, lab: servers.length > 0 && servers.every(isLabServer) };
  }

  /**
   * Moves every server of the subject the way getMigrationType decides:
   * LIVE_MIGRATION with os-migrateLive, OFFLINE_MIGRATION with `migrate`
   * (Nova's cold migration); NONE is refused (NOVA_NOT_MIGRATABLE).
   */
  async triggerMigration(
    subject: MigrationSubject,
    vResourceType: VResourceType,
    opts: { targetHost?: string } = {},
  ): Promise<MigrationHandle> {
    // A real Nova moves a whole server: every vResource type of it moves together.
    // The lab is told the type (vendor key) and moves just that vResource.
    const { decision, lab } = await this.decide(subject);
    if (decision.type === 'NONE') throw new NovaError('NOVA_NOT_MIGRATABLE', decision.reason);
    const live = decision.type === 'LIVE_MIGRATION';
    const version = await this.client.microversion();
    const host = opts.targetHost ?? null;
    if (!live && host !== null && !atLeast(version, '2.56'))
      throw new NovaError(
        'NOVA_MICROVERSION_UNSUPPORTED',
        `a cold migration to a chosen host needs compute microversion 2.56; negotiated ${formatMicroversion(version)}`,
      );
    const legs: Leg[] = [];
    try {
      for (const serverId of subject.computeResourceIds) {
        const before = await this.newestMigrationId(serverId);
        const res = await this.client.request('POST', `/servers/${enc(serverId)}/action`, {
          body: live
            ? liveMigrateBody(version, host, lab ? { vResourceType } : null)
            : migrateBody(version, host),
          expect: [202],
        });
        const type = live ? 'live-migration' : 'migration';
        const leg = { serverId, migrationId: await this.findNewMigration(serverId, before, type) };
        if (res.requestId !== null) this.requestIds.set(encodeHandleId([leg]), res.requestId);
        legs.push(leg);
      }
    } catch (e) {
      await Promise.allSettled(legs.map((leg) => this.abortLeg(leg)));
      throw e;
    }
    return { id: encodeHandleId(legs), subject, vResourceType, type: decision.type };
  }

  async validateMigrationSuccess(handle: MigrationHandle): Promise<MigrationStatus> {
    const states = await Promise.all(decodeHandleId(handle.id).map((leg) => this.legStatus(leg)));
    const failed = states.flatMap((s) => (s.state === 'FAILED' ? [s.reason] : []));
    if (failed.length > 0) return { state: 'FAILED', reason: failed.join('; ') };
    if (states.every((s) => s.state === 'COMPLETED')) return { state: 'COMPLETED' };
    let remaining: number | undefined;
    const percents: number[] = [];
    for (const s of states) {
      if (s.state !== 'IN_PROGRESS') continue;
      if (s.memoryRemainingBytes !== undefined) remaining = (remaining ?? 0) + s.memoryRemainingBytes;
      if (s.progressPercent !== undefined) percents.push(s.progressPercent);
    }
    return {
      state: 'IN_PROGRESS',
      ...(percents.length === 0
        ? {}
        : { progressPercent: percents.reduce((a, b) => a + b, 0) / percents.length }),
      ...(remaining === undefined ? {} : { memoryRemainingBytes: remaining }),
    };
  }

  /**
   * One GET of each leg's server migration record (2.23+; Nova lists only
   * running live migrations there): null before 2.23, once a leg's record is
   * gone (finished), or while Nova has no figures yet.
   */
  async readMigrationProgress(handle: MigrationHandle): Promise<MigrationProgress | null> {
    if (!(await this.client.supports('2.23'))) return null;
    const records: NovaServerMigration[] = [];
    for (const leg of decodeHandleId(handle.id)) {
      const record = await this.serverMigration(leg);
      if (record === null) return null;
      records.push(record);
    }
    return progressOf(records);
  }

  async getMigrationReport(handle: MigrationHandle): Promise<MigrationReport> {
    const records = await Promise.all(decodeHandleId(handle.id).map((leg) => this.record(leg)));
    const running = records.find((m) => !DONE.includes(m.status) && !FAILED.includes(m.status));
    if (running !== undefined)
      throw new NovaError('NOVA_MIGRATION_IN_PROGRESS', `migration ${running.id} is still ${running.status}`);
    const [first] = records;
    if (first === undefined) throw new NovaError('NOVA_BAD_HANDLE', `handle ${handle.id} has no migrations`);
    return {
      type: handle.type === 'OFFLINE_MIGRATION' ? 'OFFLINE' : 'LIVE',
      fromHost: first.source_compute ?? '',
      toHost: first.dest_compute ?? '',
      downtimeMs: first['vnflab:downtime_ms'] ?? null,
      totalTimeMs: first['vnflab:total_time_ms'] ?? null,
      setupTimeMs: first['vnflab:setup_time_ms'] ?? null,
      bytesTransferred: first['vnflab:bytes_transferred'] ?? null,
      rounds: first['vnflab:rounds'] ?? null,
      memoryVerified: first['vnflab:memory_verified'] ?? null,
      timeline: labTimeline(first['vnflab:timeline']),
      hypervisor: first['vnflab:hypervisor'] ?? null,
      vimEvents: await this.vimEvents(
        decodeHandleId(handle.id),
        records,
        handle.type === 'OFFLINE_MIGRATION',
      ),
      details: {
        novaMigrations: records,
        vResourceType: handle.vResourceType,
        ...(await this.labMoves(decodeHandleId(handle.id))),
      },
    };
  }

  /**
   * Each leg's migration record and instance action as VIM events; a Nova
   * that does not offer instance actions (or not to this user: policy) is
   * named in `notOffered`, the record's times are used alone then.
   */
  private async vimEvents(
    legs: readonly Leg[],
    records: readonly NovaMigration[],
    offline: boolean,
  ): Promise<VimEvents> {
    const raw: RawVimEvent[] = [];
    const notOffered: string[] = [];
    for (const [i, leg] of legs.entries()) {
      const m = records[i];
      if (m === undefined) continue;
      let action: NovaInstanceAction | null = null;
      try {
        action = await this.instanceActionOf(leg, m, actionNameOf(m.migration_type, offline));
        if (action === null)
          notOffered.push(`os-instance-actions (server ${leg.serverId}): no action of the migration listed`);
      } catch (e) {
        notOffered.push(
          `os-instance-actions (server ${leg.serverId}): ${e instanceof Error ? e.message : String(e)}`,
        );
      }
      raw.push(...novaVimEvents(leg.serverId, m, action));
    }
    return toVimEvents(raw, { clockOffsetAllowanceMs: this.clockOffsetAllowanceMs, notOffered });
  }

  /**
   * The instance action of a leg: the one our request recorded (its
   * x-openstack-request-id), else the action of that name that started
   * nearest the migration record's creation (a migration someone else began).
   */
  private async instanceActionOf(
    leg: Leg,
    m: NovaMigration,
    name: string,
  ): Promise<NovaInstanceAction | null> {
    let requestId = this.requestIds.get(encodeHandleId([leg]));
    if (requestId === undefined) {
      const list = await this.client.request('GET', `/servers/${enc(leg.serverId)}/os-instance-actions`, {
        schema: instanceActionsSchema,
      });
      const created = parseUtc(m.created_at);
      const near = list.body.instanceActions
        .filter((a) => a.action === name)
        .map((a) => ({ a, off: Math.abs((parseUtc(a.start_time) ?? Infinity) - (created ?? -Infinity)) }))
        .filter((x) => x.off <= ACTION_MATCH_WINDOW_MS)
        .sort((x, y) => x.off - y.off)[0];
      requestId = near?.a.request_id;
    }
    if (requestId === undefined) return null;
    const res = await this.client.request(
      'GET',
      `/servers/${enc(leg.serverId)}/os-instance-actions/${enc(requestId)}`,
      { schema: instanceActionSchema },
    );
    return res.body.instanceAction;
  }

  /**
   * What the lab says each leg moved (`vnflab:vresource_type`,
   * `vnflab:vresource_changes`, `vnflab:storage_verified`), read from the
   * raw records; {} for a real Nova (no such fields).
   */
  private async labMoves(legs: readonly Leg[]): Promise<Record<string, unknown>> {
    const moves: z.infer<typeof labMoveSchema>[] = [];
    for (const leg of legs) {
      const res = await this.client.request('GET', `/os-migrations?instance_uuid=${enc(leg.serverId)}`);
      const list = (res.body as { migrations?: unknown } | null)?.migrations;
      const raw = Array.isArray(list)
        ? (list as unknown[]).find((m) => (m as { id?: unknown } | null)?.id === leg.migrationId)
        : undefined;
      const parsed = labMoveSchema.safeParse(raw);
      if (parsed.success && parsed.data['vnflab:vresource_changes'] !== undefined) moves.push(parsed.data);
    }
    if (moves.length === 0) return {};
    return {
      vResourceMoves: moves.map((m) => ({
        migrationId: m.id,
        vResourceType: m['vnflab:vresource_type'] ?? null,
        changes: m['vnflab:vresource_changes'] ?? null,
        storageVerified: m['vnflab:storage_verified'] ?? null,
        releasedAllocationIds: m['vnflab:released_allocation_ids'] ?? [],
        newAllocationIds: m['vnflab:new_allocation_ids'] ?? [],
      })),
    };
  }

  /**
   * The migration the EM, the VNF or the VNFM's policy started: one leg per
   * server of the subject, each its first migration created at or after
   * `startedAfter`; null until every server has one.
   */
  async findMigration(
    subject: MigrationSubject,
    opts: { startedAfter: string; vResourceType: VResourceType },
  ): Promise<MigrationHandle | null> {
    const afterMs = Date.parse(opts.startedAfter);
    const legs = [];
    for (const serverId of subject.computeResourceIds) {
      const leg = legStartedAfter(serverId, await this.migrationsOf(serverId), afterMs, opts.vResourceType);
      if (leg === null) return null;
      legs.push(leg);
    }
    const [first] = legs;
    if (first === undefined) return null;
    return {
      id: encodeHandleId(legs.map(({ serverId, migrationId }) => ({ serverId, migrationId }))),
      subject,
      vResourceType: opts.vResourceType,
      type: legs.some((l) => l.type === 'OFFLINE_MIGRATION') ? 'OFFLINE_MIGRATION' : first.type,
    };
  }

  async abortMigration(handle: MigrationHandle): Promise<void> {
    const errors: unknown[] = [];
    for (const leg of decodeHandleId(handle.id))
      await this.abortLeg(leg).catch((e: unknown) => errors.push(e));
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) throw new MultipleErrors(errors, 'some migrations could not be aborted');
  }

  /**
   * Lab: ids found in any server's `vnflab:allocations` (read from the
   * hosts' inventories). Real Nova has no allocation ids: an id counts as
   * allocated when it is a server id the API still lists, and
   * `<server id>@<host>` (the server's allocation on that compute host's
   * resource provider) when the server is still there. Nova moves the
   * Placement allocation with the server: after a live migration only the
   * destination's provider holds it (nova/conductor/tasks/live_migrate.py).
   */
  async findAllocatedVResources(ids: readonly string[]): Promise<string[]> {
    const res = await this.client.request('GET', '/servers/detail', { schema: serversDetailSchema });
    const allocated = new Set<string>();
    for (const server of res.body.servers) {
      allocated.add(server.id);
      const host = server['OS-EXT-SRV-ATTR:host'];
      if (typeof host === 'string' && host !== '') allocated.add(hostAllocationId(server.id, host));
      for (const a of server['vnflab:allocations'] ?? []) allocated.add(a.id);
    }
    return ids.filter((id) => allocated.has(id));
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  private async server(id: string): Promise<NovaServer | null> {
    const res = await this.client.request('GET', `/servers/${enc(id)}`, {
      schema: serverResponseSchema,
      expect: [200, 404],
    });
    return res.status === 404 ? null : res.body.server;
  }

  private async migrationsOf(serverId: string): Promise<NovaMigration[]> {
    const res = await this.client.request('GET', `/os-migrations?instance_uuid=${enc(serverId)}`, {
      schema: osMigrationsSchema,
    });
    // Filtered again: an old Nova may ignore an unknown query parameter.
    return res.body.migrations.filter((m) => m.instance_uuid === serverId);
  }

  private async newestMigrationId(serverId: string): Promise<number> {
    return Math.max(0, ...(await this.migrationsOf(serverId)).map((m) => m.id));
  }

  /** The migration Nova created for our request: the first one of that type newer than `before`. */
  private async findNewMigration(
    serverId: string,
    before: number,
    type: 'live-migration' | 'migration',
  ): Promise<number> {
    const deadline = Date.now() + this.lookupTimeoutMs;
    const useServerMigrations = await this.client.supports('2.23');
    for (;;) {
      let ids: number[] = [];
      // GET /servers/{id}/migrations lists in-progress live migrations only.
      if (useServerMigrations && type === 'live-migration') {
        const res = await this.client.request('GET', `/servers/${enc(serverId)}/migrations`, {
          schema: serverMigrationsSchema,
        });
        ids = res.body.migrations.map((m) => m.id);
      }
      if (!ids.some((id) => id > before))
        ids = (await this.migrationsOf(serverId))
          .filter((m) => m.migration_type === undefined || m.migration_type === type)
          .map((m) => m.id);
      const fresh = ids.filter((id) => id > before);
      if (fresh.length > 0) return Math.min(...fresh);
      if (Date.now() > deadline)
        throw new NovaError(
          'NOVA_MIGRATION_NOT_FOUND',
          `Nova accepted the live migration of server ${serverId} but no migration record appeared within ${this.lookupTimeoutMs} ms`,
        );
      await sleep(100);
    }
  }

  private async record(leg: Leg): Promise<NovaMigration> {
    const m = (await this.migrationsOf(leg.serverId)).find((x) => x.id === leg.migrationId);
    if (m === undefined)
      throw new NovaError(
        'NOVA_MIGRATION_NOT_FOUND',
        `migration ${leg.migrationId} of server ${leg.serverId} is not listed by Nova`,
      );
    return m;
  }

  private async legStatus(leg: Leg): Promise<MigrationStatus> {
    const m = await this.record(leg);
    if (FAILED.includes(m.status)) return { state: 'FAILED', reason: await this.failureReason(leg, m) };
    if (DONE.includes(m.status)) return this.checkArrived(leg, m);
    return { state: 'IN_PROGRESS', ...(await this.progress(leg)) };
  }

  /** A finished migration counts once the server runs on the destination with no task left. */
  private async checkArrived(leg: Leg, m: NovaMigration): Promise<MigrationStatus> {
    const server = await this.server(leg.serverId);
    if (server === null)
      return { state: 'FAILED', reason: `server ${leg.serverId} disappeared after its migration` };
    if (server.status === 'ERROR')
      return {
        state: 'FAILED',
        reason: `server ${leg.serverId} is in ERROR: ${server.fault?.message ?? 'no fault'}`,
      };
    // ACTIVE (or SHUTOFF: a stopped server moved offline stays stopped) with no task left.
    // A real Nova shows VERIFY_RESIZE after a cold migration until the resize is
    // confirmed (resize_confirm_window); the driver does not confirm it.
    const settled = server.status === 'ACTIVE' || server.status === 'SHUTOFF';
    if (!settled || server['OS-EXT-STS:task_state'] != null) return { state: 'IN_PROGRESS' };
    const host = server['OS-EXT-SRV-ATTR:host'];
    if (host != null && m.dest_compute !== null && host !== m.dest_compute)
      return {
        state: 'FAILED',
        reason: `migration ${m.id} is ${m.status} but server ${leg.serverId} runs on ${host}, not ${m.dest_compute}`,
      };
    return { state: 'COMPLETED' };
  }

  private async progress(leg: Leg): Promise<{ progressPercent?: number; memoryRemainingBytes?: number }> {
    if (!(await this.client.supports('2.23'))) return {};
    const record = await this.serverMigration(leg);
    const p = record === null ? null : progressOf([record]);
    return {
      ...(p?.percent === undefined ? {} : { progressPercent: p.percent }),
      ...(p?.percent === undefined || p.memoryRemainingBytes === undefined
        ? {}
        : { memoryRemainingBytes: p.memoryRemainingBytes }),
    };
  }

  /** GET /servers/{id}/migrations/{mid} (2.23+); null once Nova no longer lists it (404). */
  private async serverMigration(leg: Leg): Promise<NovaServerMigration | null> {
    const res = await this.client.request(
      'GET',
      `/servers/${enc(leg.serverId)}/migrations/${leg.migrationId}`,
      { schema: serverMigrationResponseSchema, expect: [200, 404] },
    );
    return res.status === 404 ? null : res.body.migration;
  }

  private async failureReason(leg: Leg, m: NovaMigration): Promise<string> {
    const prefix = `migration ${m.id} of server ${leg.serverId} ${m.status}`;
    const recorded = m['vnflab:error'];
    if (recorded != null && recorded !== '') return `${prefix}: ${recorded}`;
    const fromEvents = await this.failedEvents(leg).catch(() => null);
    return fromEvents === null ? prefix : `${prefix}: ${fromEvents}`;
  }

  /** The failed events of the instance action our request recorded (or the newest live-migration one). */
  private async failedEvents(leg: Leg): Promise<string | null> {
    let requestId = this.requestIds.get(encodeHandleId([leg]));
    if (requestId === undefined) {
      const list = await this.client.request('GET', `/servers/${enc(leg.serverId)}/os-instance-actions`, {
        schema: instanceActionsSchema,
      });
      requestId = list.body.instanceActions.find((a) => a.action === 'live-migration')?.request_id;
    }
    if (requestId === undefined) return null;
    const res = await this.client.request(
      'GET',
      `/servers/${enc(leg.serverId)}/os-instance-actions/${enc(requestId)}`,
      { schema: instanceActionSchema },
    );
    const failed = res.body.instanceAction.events.filter((e) => e.result === 'Error');
    if (failed.length === 0) return null;
    return failed.map((e) => `${e.event}: ${e.details ?? e.traceback ?? 'Error'}`).join('; ');
  }

  private async abortLeg(leg: Leg): Promise<void> {
    const m = await this.record(leg);
    if (DONE.includes(m.status) || FAILED.includes(m.status)) return;
    if (m.migration_type === 'migration')
      throw new NovaError('NOVA_ABORT_UNSUPPORTED', `Nova cannot abort a cold migration (migration ${m.id})`);
    if (!(await this.client.supports('2.24')))
      throw new NovaError(
        'NOVA_ABORT_UNSUPPORTED',
        `aborting a live migration needs compute microversion 2.24; negotiated ${formatMicroversion(await this.client.microversion())}`,
      );
    // Nova aborts only a migration that is queued, preparing or running (2.65+; only running before): for a
    // moment after the POST it is `accepted` (the conductor's pre-checks) and a DELETE then gets 400 (seen on
    // Nova 26). 400/404 for one that ended is fine; one not yet abortable is asked again until it is.
    const deadline = Date.now() + this.lookupTimeoutMs;
    for (;;) {
      const res = await this.client.request(
        'DELETE',
        `/servers/${enc(leg.serverId)}/migrations/${leg.migrationId}`,
        { expect: [202, 400, 404] },
      );
      if (res.status === 202) return;
      const after = await this.record(leg);
      if (DONE.includes(after.status) || FAILED.includes(after.status)) return;
      if (Date.now() > deadline)
        throw new NovaError(
          'NOVA_HTTP_ERROR',
          `Nova refused to abort migration ${leg.migrationId} (${after.status}) for ${this.lookupTimeoutMs} ms`,
          { status: res.status, body: res.body },
        );
      await sleep(ABORT_RETRY_MS);
    }
  }
}

/** Between two DELETEs of a migration Nova cannot abort yet (still `accepted`). */
const ABORT_RETRY_MS = 100;

/** The lab's per-vResource figures on a migration record. */
const labMoveSchema = z.object({ id: z.number(), ...vnflabMigrationFields });

const nsToMs = (ns: string | null): number | null => (ns === null ? null : Number(BigInt(ns)) / 1e6);

/** The lab's switch-over instants, ns strings to monotonic ms. */
function labTimeline(
  t:
    | {
        pausedAtNs: string | null;
        resumedAtNs: string | null;
        switchedAtNs: string | null;
        firstForwardAtNs: string | null;
      }
    | null
    | undefined,
): NonNullable<MigrationReport['timeline']> | null {
  if (!t) return null;
  return {
    pausedAtMs: nsToMs(t.pausedAtNs),
    resumedAtMs: nsToMs(t.resumedAtNs),
    switchedAtMs: nsToMs(t.switchedAtNs),
    firstForwardAtMs: nsToMs(t.firstForwardAtNs),
  };
}

/** The id findAllocatedVResources gives a server's allocation on one compute host. */
export function hostAllocationId(serverId: string, host: string): string {
  return `${serverId}@${host}`;
}
