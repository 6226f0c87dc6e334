/** One VM on a process host: its spec, allocations, guest memory, VNF and migration. */
import type { VmInfo, VmSpec, VmState, VResourceAllocation } from '../hypervisor.js';
import type { GuestMemory } from './guest-memory.js';
import type { IncomingMigration } from './migration-dest.js';
import type { OutgoingMigration } from './migration-source.js';
import type { Vnf } from './vnf.js';

export class Vm {
  state: VmState = 'CREATED';
  error: string | undefined;
  outgoing: { readonly migration: OutgoingMigration; readonly done: Promise<unknown> } | null = null;
  incoming: IncomingMigration | null = null;
  /** Its memory now runs on another host: this copy must never run again. */
  migratedAway = false;

  constructor(
    readonly spec: VmSpec,
    readonly allocations: readonly VResourceAllocation[],
    readonly memory: GuestMemory,
    readonly vnf: Vnf,
  ) {}

  get vmId(): string {
    return this.spec.vmId;
  }

  info(host: string): VmInfo {
    const info: VmInfo = {
      vmId: this.vmId,
      host,
      state: this.state,
      allocations: this.allocations,
      dataEndpoint: this.vnf.dataEndpoint,
      counters: this.vnf.counters(),
    };
    return this.error === undefined ? info : { ...info, error: this.error };
  }
}
