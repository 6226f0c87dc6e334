/**
 * Placement with claims (Nova's resource claims): the scheduler picks a host
 * from the hosts' current use plus the claims of placements still in
 * flight, and claims the flavor there until the caller releases the claim
 * (once the host's own inventory shows the allocation). Decisions are
 * serialized, so two concurrent placements cannot both take the last room.
 */
import { randomUUID } from 'node:crypto';
import type { HostCapacity } from '../hypervisor/hypervisor.js';
import { KeyedLock } from './keyed-lock.js';
import { flavorDemand, selectHost } from './scheduler.js';
import type { Flavor, HostView, ServerAllocation } from './vim.js';

export type Placed =
  { ok: true; value: { host: string; release: () => void } } | { ok: false; reason: string };

export class Placement {
  private readonly claims = new Map<string, { host: string; flavor: Flavor }>();
  private readonly lock = new KeyedLock();

  constructor(private readonly hostViews: () => Promise<HostView[]>) {}

  /** Pick a host for `flavor` and claim it there. */
  place(req: {
    flavor: Flavor;
    requestedHost: string | null;
    excludeHosts?: readonly string[];
  }): Promise<Placed> {
    return this.lock.run('placement', async () => {
      const views = await this.hostViews();
      const loads = views.map((v) => ({ ...v, used: addClaims(v.used, this.claimsOn(v.name)) }));
      const chosen = selectHost(loads, req);
      if (!chosen.ok) return chosen;
      const claimId = randomUUID();
      this.claims.set(claimId, { host: chosen.value.name, flavor: req.flavor });
      return {
        ok: true,
        value: { host: chosen.value.name, release: () => void this.claims.delete(claimId) },
      };
    });
  }

  private claimsOn(host: string): Flavor[] {
    return [...this.claims.values()].filter((c) => c.host === host).map((c) => c.flavor);
  }
}

/** Capacity used by a host's allocations. */
export function usedBy(allocations: readonly ServerAllocation[]): HostCapacity {
  const sum = (kind: ServerAllocation['kind']): number =>
    allocations.filter((a) => a.kind === kind).reduce((n, a) => n + a.amount, 0);
  return { vCpu: sum('vCPU'), memoryMiB: sum('vMemory'), storageGiB: sum('vStorage'), nics: sum('vNIC') };
}

function addClaims(used: HostCapacity, flavors: readonly Flavor[]): HostCapacity {
  return flavors.map(flavorDemand).reduce(
    (a, d) => ({
      vCpu: a.vCpu + d.vCpu,
      memoryMiB: a.memoryMiB + d.memoryMiB,
      storageGiB: a.storageGiB + d.storageGiB,
      nics: a.nics + d.nics,
    }),
    used,
  );
}
