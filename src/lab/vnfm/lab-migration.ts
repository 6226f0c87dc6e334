/**
 * Migrations the lab VNFM makes itself, for the trigger types where the
 * VNFM moves the VNF (DESIGN.md "Who moves the VNF"): the element manager
 * or the VNF asks through `POST {apiRoot}/vnflab/v1/vnf_instances/{id}/migrate`
 * (initiator EM / VNF), or the VNFM's load policy decides (POLICY). SOL003
 * has no migrate task, so this is a lab-only resource; in production it is
 * the VIM call a VNFM makes on its own behalf, which is what the lab does:
 * Nova os-migrateLive through the lab VIM for the VNFC's servers. The last
 * one is recorded on the instance as `metadata["vnflab.lastMigration"]`.
 */
import type { VResourceType } from '../../ports/vnfm.js';
import { isoNow } from '../../util/clock.js';
import type { Vim } from '../vim/vim.js';
import type { LabVnfd } from '../../protocols/sol003/vnflab-vnfd.js';
import type { LcmRecords, VnfInstanceRecord } from './lcm-records.js';
import { OPEN_STATES } from './lcm-records.js';
import { ProblemError } from './problem.js';

/** Metadata key of the instance's most recent lab-made migration. */
export const LAST_MIGRATION_METADATA_KEY = 'vnflab.lastMigration';

/** Who asked for a migration. */
export type MigrationInitiator = 'EM' | 'VNF' | 'POLICY';

/** One server's migration, as started. */
export interface StartedMigration {
  readonly serverId: string;
  readonly vnfcId: string;
  /** Nova migration id (os-migrations), and its uuid. */
  readonly migrationId: number;
  readonly migrationUuid: string;
  readonly sourceHost: string;
  readonly destHost: string;
}

/** The 202 answer of the migrate resource, and `metadata["vnflab.lastMigration"]`. */
export interface LabMigrationRecord {
  readonly vnfInstanceId: string;
  readonly initiator: MigrationInitiator;
  readonly vResourceType: VResourceType;
  readonly targetHost: string | null;
  readonly requestedAt: string;
  readonly migrations: readonly StartedMigration[];
}

/** Migration states after which a server may be moved again. */
const SETTLED = new Set(['completed', 'failed', 'cancelled', 'error']);

export class LabMigrations {
  /** The newest lab-made migration of each server, to refuse a second one while it runs. */
  private readonly latest = new Map<string, number>();

  constructor(
    private readonly vim: Vim,
    private readonly records: LcmRecords,
    private readonly vnfds: ReadonlyMap<string, LabVnfd>,
  ) {}

  /** Drop what is kept for servers no instance has any more (terminated, deleted). */
  private forgetGoneServers(): void {
    const current = new Set<string>();
    for (const inst of this.records.instances.values()) for (const v of inst.vnfcs) current.add(v.serverId);
    for (const serverId of this.latest.keys()) if (!current.has(serverId)) this.latest.delete(serverId);
  }

  /**
   * Migrate the instance's servers that hold the vResourceType (all for
   * 'any', vMemory and vCPU; those with storage for vStorage; those with
   * NICs for vNIC), or only `serverIds` when given: live, or offline for a
   * VDU that supports only that. Refused (409) unless the
   * instance is INSTANTIATED with no open LCM operation, or while a server
   * is still moving from an earlier request; VIM refusals keep their status.
   */
  async migrate(
    inst: VnfInstanceRecord,
    req: {
      initiator: MigrationInitiator;
      vResourceType: VResourceType;
      targetHost?: string;
      serverIds?: readonly string[];
    },
  ): Promise<LabMigrationRecord> {
    if (inst.instantiationState !== 'INSTANTIATED') {
      throw new ProblemError(409, `VNF instance ${inst.id} is NOT_INSTANTIATED: nothing to migrate`);
    }
    const open = inst.openOpId === null ? undefined : this.records.opOccs.get(inst.openOpId);
    if (open && OPEN_STATES.has(open.operationState)) {
      throw new ProblemError(
        409,
        `VNF instance ${inst.id} has LCM operation ${open.id} (${open.operation}) in state ${open.operationState}`,
      );
    }
    const vnfd = this.vnfds.get(inst.vnfdId);
    const holds = (vduId: string): boolean => {
      const vdu = vnfd?.vdus.find((v) => v.vduId === vduId);
      if (req.vResourceType === 'vStorage') return (vdu?.storageGiB ?? 0) > 0;
      if (req.vResourceType === 'vNIC') return (vdu?.nics ?? 0) > 0;
      return true;
    };
    const vnfcs = inst.vnfcs.filter(
      (v) => holds(v.vduId) && (req.serverIds === undefined || req.serverIds.includes(v.serverId)),
    );
    if (vnfcs.length === 0) {
      throw new ProblemError(
        422,
        `VNF instance ${inst.id} has no VNFC server holding ${req.vResourceType}${req.serverIds ? ` among ${req.serverIds.join(', ')}` : ''}`,
      );
    }
    this.forgetGoneServers();
    for (const vnfc of vnfcs) {
      const previous = this.latest.get(vnfc.serverId);
      if (previous === undefined) continue;
      const migration = await this.vim.getMigration(vnfc.serverId, previous);
      if (migration && !SETTLED.has(migration.status)) {
        throw new ProblemError(
          409,
          `server ${vnfc.serverId} is still migrating (migration ${previous}, ${migration.status})`,
        );
      }
    }
    const started: StartedMigration[] = [];
    for (const vnfc of vnfcs) {
      let migration;
      // A VDU the VNFD marks OFFLINE (an SR-IOV NIC cannot move live) is moved
      // the only way it can be: offline, the VNF deactivated for the move
      // (the plan's notes on offline migration; TC_VNF_MIGRATE_003 / 004).
      const live = vnfd?.vdus.find((v) => v.vduId === vnfc.vduId)?.migration !== 'OFFLINE';
      try {
        if (live) {
          // The VIM moves that vResource (vStorage / vNIC alone within the host; see Vim.liveMigrate).
          migration = await this.vim.liveMigrate(vnfc.serverId, {
            host: req.targetHost ?? null,
            vResourceType: req.vResourceType,
          });
        } else {
          if (!this.vim.coldMigrate) throw new ProblemError(409, 'the VIM has no offline migration');
          // Offline, the whole server is rebuilt elsewhere: every vResource type moves.
          migration = await this.vim.coldMigrate(vnfc.serverId, { host: req.targetHost ?? null });
        }
      } catch (err) {
        const status = (err as { status?: unknown }).status;
        throw new ProblemError(
          typeof status === 'number' && status >= 400 && status < 500 ? (status === 404 ? 409 : status) : 500,
          `the VIM refused to ${live ? 'live-' : ''}migrate server ${vnfc.serverId}: ${err instanceof Error ? err.message : String(err)}`,
          {},
          { cause: err },
        );
      }
      this.latest.set(vnfc.serverId, migration.id);
      started.push({
        serverId: vnfc.serverId,
        vnfcId: vnfc.id,
        migrationId: migration.id,
        migrationUuid: migration.uuid,
        sourceHost: migration.sourceHost,
        destHost: migration.destHost,
      });
    }
    const record: LabMigrationRecord = {
      vnfInstanceId: inst.id,
      initiator: req.initiator,
      vResourceType: req.vResourceType,
      targetHost: req.targetHost ?? null,
      requestedAt: isoNow(),
      migrations: started,
    };
    inst.metadata = { ...inst.metadata, [LAST_MIGRATION_METADATA_KEY]: record };
    return record;
  }
}
