/**
 * VNFM.Migration.GetMigrationType for servers behind Nova, as rules checked
 * in order; the first that applies decides, and its text is the reason.
 * 1. The server is unknown to Nova: NONE (nothing to migrate).
 * 2. `vnflab:live_migratable: false` on the server (the lab's VNFD said so): OFFLINE_MIGRATION.
 * 3. The flavor's extra_specs request PCI devices (`pci_passthrough:alias`:
 *    SR-IOV / passthrough): OFFLINE_MIGRATION - Nova cannot live-migrate
 *    instances with PCI passthrough devices, only cold-migrate them
 *    (Nova admin guide, "Attaching physical PCI devices to guests").
 * 4. An allocation marked `specialized` in `vnflab:allocations`: OFFLINE_MIGRATION.
 * 5. Otherwise: LIVE_MIGRATION.
 * For several servers the most restrictive answer wins (NONE, then OFFLINE).
 */
import type { MigrationType } from '../../ports/migrator.js';
import type { NovaServer } from './schemas.js';

export interface TypeDecision {
  readonly type: MigrationType;
  readonly reason: string;
}

/** Is this server served by the embedded lab (it carries `vnflab:` fields a real Nova never shows)? */
export function isLabServer(server: NovaServer | null): boolean {
  return (
    server !== null &&
    (server['vnflab:live_migratable'] !== undefined || server['vnflab:allocations'] !== undefined)
  );
}

/** Decide for one server (null: not found). */
export function migrationTypeOf(serverId: string, server: NovaServer | null): TypeDecision {
  if (server === null) return { type: 'NONE', reason: `server ${serverId} is not known to Nova` };
  if (server['vnflab:live_migratable'] === false)
    return {
      type: 'OFFLINE_MIGRATION',
      reason: `server ${serverId}: vnflab:live_migratable is false (the VNFD declares no live migration)`,
    };
  const alias = server.flavor.extra_specs?.['pci_passthrough:alias'];
  if (alias !== undefined)
    return {
      type: 'OFFLINE_MIGRATION',
      reason: `server ${serverId}: flavor extra_specs pci_passthrough:alias=${alias} (Nova cannot live-migrate PCI passthrough / SR-IOV devices)`,
    };
  const specialized = server['vnflab:allocations']?.filter((a) => a.specialized === true) ?? [];
  if (specialized.length > 0)
    return {
      type: 'OFFLINE_MIGRATION',
      reason: `server ${serverId}: ${specialized.length} specialized vNIC allocation(s) (SR-IOV / PCI passthrough)`,
    };
  return {
    type: 'LIVE_MIGRATION',
    reason: `server ${serverId}: no rule forbids live migration (no PCI alias in the flavor, live migration not disabled)`,
  };
}

const RANK: Record<MigrationType, number> = { NONE: 2, OFFLINE_MIGRATION: 1, LIVE_MIGRATION: 0 };

/** Combine per-server decisions: the most restrictive wins, with all reasons of that type. */
export function combineDecisions(decisions: readonly TypeDecision[]): TypeDecision {
  if (decisions.length === 0) return { type: 'NONE', reason: 'the VNF has no compute resources' };
  const worst = decisions.reduce((a, b) => (RANK[b.type] > RANK[a.type] ? b : a));
  const reasons = decisions.filter((d) => d.type === worst.type).map((d) => d.reason);
  return { type: worst.type, reason: reasons.join('; ') };
}
