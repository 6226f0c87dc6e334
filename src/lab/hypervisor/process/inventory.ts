/**
 * A compute host's capacity and its inventory of vResource allocations
 * (what Nova's placement service keeps per resource provider). Every
 * allocation gets an id unique across the lab, so a VM moved to another
 * host visibly holds new vResources and the old ids can be checked gone
 * (spec step 9: "the older vResource is released").
 *
 * Cores are numbered 0..capacity.vCpu-1 and a vCPU allocation pins one
 * core per vCPU (dedicated CPU policy, `hw:cpu_policy=dedicated`); storage
 * is split into `storagePools` equal pools (default 2) and a vStorage
 * allocation lives in one. Single vResources can be re-claimed elsewhere on
 * the host (other cores, another pool, a new port) while the VM runs.
 */
import { randomUUID } from 'node:crypto';
import type { HostCapacity, VmSpec, VResourceAllocation } from '../hypervisor.js';
import { HostError } from './errors.js';

type Demand = Pick<VmSpec, 'vCpu' | 'memoryMiB' | 'storageGiB' | 'nics' | 'specializedNics'>;

/** Storage pools per host unless the capacity says otherwise. */
export const DEFAULT_STORAGE_POOLS = 2;

const ZERO: HostCapacity = { vCpu: 0, memoryMiB: 0, storageGiB: 0, nics: 0 };
const FIELDS = ['vCpu', 'memoryMiB', 'storageGiB', 'nics'] as const;

export class HostInventory {
  private readonly byVm = new Map<string, readonly VResourceAllocation[]>();

  constructor(
    readonly host: string,
    readonly capacity: HostCapacity,
  ) {}

  /** Sum of everything allocated. */
  used(): HostCapacity {
    const used: { -readonly [K in (typeof FIELDS)[number]]: number } = { ...ZERO };
    for (const allocations of this.byVm.values()) {
      for (const a of allocations) {
        if (a.kind === 'vCPU') used.vCpu += a.amount;
        else if (a.kind === 'vMemory') used.memoryMiB += a.amount;
        else if (a.kind === 'vStorage') used.storageGiB += a.amount;
        else used.nics += a.amount;
      }
    }
    return used;
  }

  /**
   * Allocate the VM's vCPUs, memory, storage and one vNIC allocation per NIC
   * (like a Neutron port each). Refused with CAPACITY_EXCEEDED, naming every
   * resource that does not fit, when the host lacks room.
   */
  allocate(vmId: string, demand: Demand): readonly VResourceAllocation[] {
    validateDemand(demand);
    if (this.byVm.has(vmId))
      throw new HostError('VM_EXISTS', `VM ${vmId} already has allocations on ${this.host}`, { vmId });
    const used = this.used();
    const short = FIELDS.filter((f) => used[f] + demand[f] > this.capacity[f]);
    if (short.length > 0) {
      const detail = short.map(
        (f) => `${f}: requested ${demand[f]}, free ${this.capacity[f] - used[f]} of ${this.capacity[f]}`,
      );
      throw new HostError(
        'CAPACITY_EXCEEDED',
        `host ${this.host} cannot fit VM ${vmId} (${detail.join('; ')})`,
        {
          vmId,
          host: this.host,
          short,
          requested: { ...demand },
          free: Object.fromEntries(FIELDS.map((f) => [f, this.capacity[f] - used[f]])),
        },
      );
    }
    const cores = this.freeCores().slice(0, demand.vCpu);
    const pool = this.poolWithRoom(demand.storageGiB, null);
    if (pool === null)
      throw new HostError(
        'CAPACITY_EXCEEDED',
        `host ${this.host} has no storage pool with ${demand.storageGiB} GiB free`,
        { vmId, host: this.host, short: ['storageGiB'], pools: this.pools() },
      );
    const specialized = demand.specializedNics ?? 0;
    const allocations: VResourceAllocation[] = [
      this.cpuAllocation(demand.vCpu, cores),
      { id: this.newId('mem'), kind: 'vMemory', amount: demand.memoryMiB, unit: 'MiB' },
      this.storageAllocation(demand.storageGiB, pool),
      ...Array.from({ length: demand.nics }, (_, i) => this.nicAllocation(i < specialized)),
    ];
    this.byVm.set(vmId, allocations);
    return allocations;
  }

  /** Storage pools with their size and what is allocated in them, GiB. */
  pools(): { name: string; capacityGiB: number; usedGiB: number }[] {
    const count = this.capacity.storagePools ?? DEFAULT_STORAGE_POOLS;
    const used = new Map<string, number>();
    for (const list of this.byVm.values())
      for (const a of list) if (a.pool !== undefined) used.set(a.pool, (used.get(a.pool) ?? 0) + a.amount);
    return Array.from({ length: count }, (_, i) => {
      const name = `${this.host}:pool-${i}`;
      return { name, capacityGiB: this.capacity.storageGiB / count, usedGiB: used.get(name) ?? 0 };
    });
  }

  /** Cores no VM is pinned to, ascending. */
  freeCores(): number[] {
    const taken = new Set<number>();
    for (const list of this.byVm.values())
      for (const a of list) for (const c of a.pinnedCores ?? []) taken.add(c);
    return Array.from({ length: this.capacity.vCpu }, (_, i) => i).filter((c) => !taken.has(c));
  }

  /**
   * Pin the VM's vCPUs to other free cores: a new vCPU allocation replaces
   * the old one (new id). CAPACITY_EXCEEDED when too few cores are free.
   */
  repin(vmId: string): { released: VResourceAllocation; added: VResourceAllocation } {
    const old = this.one(vmId, 'vCPU');
    const free = this.freeCores();
    if (free.length < old.amount)
      throw new HostError(
        'CAPACITY_EXCEEDED',
        `host ${this.host} has ${free.length} free core(s); VM ${vmId} needs ${old.amount} other cores to re-pin`,
        { vmId, host: this.host, short: ['vCpu'], freeCores: free, pinnedCores: old.pinnedCores ?? [] },
      );
    const added = this.cpuAllocation(old.amount, free.slice(0, old.amount));
    this.replace(vmId, old.id, [added]);
    return { released: old, added };
  }

  /**
   * Claim room for the VM's volume in another pool (a mirror target); the
   * old allocation stays until {@link drop}, as both copies exist during a
   * mirror. CAPACITY_EXCEEDED when no other pool has room.
   */
  claimOtherPool(vmId: string): { current: VResourceAllocation; added: VResourceAllocation } {
    const current = this.one(vmId, 'vStorage');
    const pool = this.poolWithRoom(current.amount, current.pool ?? null);
    if (pool === null)
      throw new HostError(
        'CAPACITY_EXCEEDED',
        `host ${this.host} has no other storage pool with ${current.amount} GiB free for VM ${vmId}'s volume`,
        { vmId, host: this.host, short: ['storageGiB'], pools: this.pools() },
      );
    const added = this.storageAllocation(current.amount, pool);
    this.replace(vmId, null, [added]);
    return { current, added };
  }

  /** A new port for the VM's first non-specialized vNIC (new id); the old one is dropped at once. */
  replaceNic(vmId: string): { released: VResourceAllocation; added: VResourceAllocation } {
    const old = this.of(vmId).find((a) => a.kind === 'vNIC' && a.specialized !== true);
    if (old === undefined)
      throw new HostError(
        'INVALID_SPEC',
        `VM ${vmId} has no vNIC that can move (none, or only specialized)`,
        {
          vmId,
        },
      );
    const added = this.nicAllocation(false);
    this.replace(vmId, old.id, [added]);
    return { released: old, added };
  }

  /** Free one allocation of the VM (the source side of a finished move). */
  drop(vmId: string, allocationId: string): void {
    this.replace(vmId, allocationId, []);
  }

  private one(vmId: string, kind: VResourceAllocation['kind']): VResourceAllocation {
    const found = this.of(vmId).find((a) => a.kind === kind);
    if (found === undefined)
      throw new HostError('VM_NOT_FOUND', `VM ${vmId} holds no ${kind} on ${this.host}`, { vmId });
    return found;
  }

  /** Replace allocation `oldId` (or nothing, when null) by `added`, keeping the order. */
  private replace(vmId: string, oldId: string | null, added: readonly VResourceAllocation[]): void {
    const list = this.of(vmId);
    const at = oldId === null ? -1 : list.findIndex((a) => a.id === oldId);
    const next = [...list];
    if (at >= 0) next.splice(at, 1, ...added);
    else next.push(...added);
    this.byVm.set(vmId, next);
  }

  /** The pool (other than `except`) with the most free room that fits `gib`, or null. */
  private poolWithRoom(gib: number, except: string | null): string | null {
    const fits = this.pools()
      .filter((p) => p.name !== except && p.capacityGiB - p.usedGiB >= gib)
      .sort((a, b) => b.capacityGiB - b.usedGiB - (a.capacityGiB - a.usedGiB));
    return fits[0]?.name ?? null;
  }

  private newId(tag: string): string {
    return `${this.host}-${tag}-${randomUUID()}`;
  }

  private cpuAllocation(count: number, cores: readonly number[]): VResourceAllocation {
    return { id: this.newId('cpu'), kind: 'vCPU', amount: count, unit: 'count', pinnedCores: [...cores] };
  }

  private storageAllocation(gib: number, pool: string): VResourceAllocation {
    return { id: this.newId('disk'), kind: 'vStorage', amount: gib, unit: 'GiB', pool };
  }

  private nicAllocation(specialized: boolean): VResourceAllocation {
    const nic: VResourceAllocation = { id: this.newId('nic'), kind: 'vNIC', amount: 1, unit: 'count' };
    return specialized ? { ...nic, specialized: true } : nic;
  }

  /** Free the VM's allocations; returns what was freed (empty if none). */
  release(vmId: string): readonly VResourceAllocation[] {
    const allocations = this.byVm.get(vmId) ?? [];
    this.byVm.delete(vmId);
    return allocations;
  }

  of(vmId: string): readonly VResourceAllocation[] {
    return this.byVm.get(vmId) ?? [];
  }

  all(): Record<string, readonly VResourceAllocation[]> {
    return Object.fromEntries(this.byVm);
  }
}

function validateDemand(d: Demand): void {
  const problems: string[] = [];
  for (const f of FIELDS) {
    const min = f === 'vCpu' || f === 'memoryMiB' ? 1 : 0;
    if (!Number.isInteger(d[f]) || d[f] < min)
      problems.push(`${f} must be an integer >= ${min} (got ${d[f]})`);
  }
  const specialized = d.specializedNics ?? 0;
  if (!Number.isInteger(specialized) || specialized < 0 || specialized > d.nics) {
    problems.push(`specializedNics must be an integer in [0, nics] (got ${specialized})`);
  }
  if (problems.length > 0)
    throw new HostError('INVALID_SPEC', `invalid VM spec: ${problems.join('; ')}`, { problems });
}
