/** One VM on a process host: its spec, guest memory, VNF (with its volume) and migration or vResource move. */
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
  /** A running single-vResource move (cancel it on cancelMigration / destroy). */
  moving: { readonly cancel: (reason: string) => void; readonly done: Promise<unknown> } | null = null;
  /** Its memory now runs on another host: this copy must never run again. */
  migratedAway = false;

  constructor(
    readonly spec: VmSpec,
    readonly memory: GuestMemory,
    readonly vnf: Vnf,
  ) {}

  get vmId(): string {
    return this.spec.vmId;
  }

  /** What the host reports; `allocations` are the VM's in the host inventory now. */
  info(host: string, allocations: readonly VResourceAllocation[]): VmInfo {
    const info: VmInfo = {
      vmId: this.vmId,
      host,
      state: this.state,
      allocations,
      dataEndpoint: this.vnf.dataEndpoint,
      managementEndpoint: this.vnf.managementEndpoint,
      counters: this.vnf.counters(),
    };
    return this.error === undefined ? info : { ...info, error: this.error };
  }
}
