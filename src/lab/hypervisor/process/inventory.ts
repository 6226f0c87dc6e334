/**
 * A compute host's capacity and its inventory of vResource allocations
 * (what Nova's placement service keeps per resource provider). Every
 * allocation gets an id unique across the lab, so a VM moved to another
 * host visibly holds new vResources and the old ids can be checked gone
 * (spec step 9: "the older vResource is released").
 */
import { randomUUID } from 'node:crypto';
import type { HostCapacity, VmSpec, VResourceAllocation } from '../hypervisor.js';
import { HostError } from './errors.js';

type Demand = Pick<VmSpec, 'vCpu' | 'memoryMiB' | 'storageGiB' | 'nics' | 'specializedNics'>;

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
    const used = { ...ZERO };
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
    const id = (tag: string): string => `${this.host}-${tag}-${randomUUID()}`;
    const specialized = demand.specializedNics ?? 0;
    const allocations: VResourceAllocation[] = [
      { id: id('cpu'), kind: 'vCPU', amount: demand.vCpu, unit: 'count' },
      { id: id('mem'), kind: 'vMemory', amount: demand.memoryMiB, unit: 'MiB' },
      { id: id('disk'), kind: 'vStorage', amount: demand.storageGiB, unit: 'GiB' },
      ...Array.from({ length: demand.nics }, (_, i): VResourceAllocation => {
        const nic: VResourceAllocation = { id: id('nic'), kind: 'vNIC', amount: 1, unit: 'count' };
        return i < specialized ? { ...nic, specialized: true } : nic;
      }),
    ];
    this.byVm.set(vmId, allocations);
    return allocations;
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
