/**
 * What the hosts and the fabric of one QEMU lab share: names, guest files,
 * and the VM slots (a VM keeps its slot, hence its MACs and addresses, on
 * every host it moves to).
 */
import type { QemuMigrationStats } from '../../../protocols/qmp/migration-info.js';
import type { LabNames } from './address-plan.js';
import { MAX_SLOT } from './address-plan.js';
import { QemuLabError } from './errors.js';
import type { QemuGuestAssets } from './guest-assets.js';

export interface QemuLabContext {
  readonly names: LabNames;
  readonly assets: QemuGuestAssets;
  /** Directory of QMP sockets and console logs. */
  readonly runDir: string;
  readonly accel: 'tcg' | 'kvm';
  readonly bootTimeoutMs: number;
  readonly migrationTimeoutMs: number;
  readonly autoConverge: boolean;
  readonly slots: SlotTable;
  /** QEMU's figures of each VM's last migration, by VM id. */
  readonly migrations: Map<string, QemuMigrationRecord>;
  /** VMs whose offline migration stopped a running guest: the destination resumes them. */
  readonly resumeAfterIncoming: Set<string>;
  /**
   * Compare the guest's RAM on both sides of each migration (QemuLabOptions.verifyMemory):
   * the destination starts paused, both RAMs are dumped (pmemsave) and digested before it runs.
   */
  readonly verifyMemory: boolean;
}

/** QEMU's own figures of one migration, beside the lab's instants (monotonic ns). */
export interface QemuMigrationRecord {
  readonly vmId: string;
  readonly sourceHost: string;
  readonly destUri: string;
  readonly ok: boolean;
  readonly reason: string | null;
  readonly stats: QemuMigrationStats;
  readonly startedAtNs: string;
  readonly pausedAtNs: string | null;
  readonly completedAtNs: string;
}

/** VM id -> slot (1..MAX_SLOT). */
export class SlotTable {
  private readonly byVm = new Map<string, number>();

  /** The VM's slot, assigned on first use. */
  slotFor(vmId: string): number {
    const have = this.byVm.get(vmId);
    if (have !== undefined) return have;
    const used = new Set(this.byVm.values());
    for (let s = 1; s <= MAX_SLOT; s++) {
      if (!used.has(s)) {
        this.byVm.set(vmId, s);
        return s;
      }
    }
    throw new QemuLabError('NO_ADDRESS', `no free VM slot (max ${MAX_SLOT})`);
  }

  get(vmId: string): number | undefined {
    return this.byVm.get(vmId);
  }

  release(vmId: string): void {
    this.byVm.delete(vmId);
  }
}
