import { describe, expect, it } from 'vitest';
import { HostError } from './errors.js';
import { HostInventory } from './inventory.js';

const capacity = { vCpu: 4, memoryMiB: 1024, storageGiB: 20, nics: 4 };
const demand = { vCpu: 2, memoryMiB: 256, storageGiB: 4, nics: 2, specializedNics: 1 };

const codeOf = (fn: () => unknown): string | null => {
  try {
    fn();
    return null;
  } catch (e) {
    return e instanceof HostError ? e.code : 'not a HostError';
  }
};

describe('HostInventory: cores, pools and single-vResource moves', () => {
  it('pins vCPUs to the lowest free cores and puts the volume in the emptiest of two pools', () => {
    const inv = new HostInventory('h', capacity);
    const a = inv.allocate('vm-1', demand);
    const b = inv.allocate('vm-2', { ...demand, specializedNics: 0 });
    expect(a.find((x) => x.kind === 'vCPU')?.pinnedCores).toEqual([0, 1]);
    expect(b.find((x) => x.kind === 'vCPU')?.pinnedCores).toEqual([2, 3]);
    expect(a.find((x) => x.kind === 'vStorage')?.pool).toBe('h:pool-0');
    expect(b.find((x) => x.kind === 'vStorage')?.pool).toBe('h:pool-1');
    expect(inv.pools()).toEqual([
      { name: 'h:pool-0', capacityGiB: 10, usedGiB: 4 },
      { name: 'h:pool-1', capacityGiB: 10, usedGiB: 4 },
    ]);
    expect(inv.freeCores()).toEqual([]);
  });

  it('re-pins to other free cores with a new vCPU id; refuses when too few are free', () => {
    const inv = new HostInventory('h', capacity);
    inv.allocate('vm-1', demand);
    const { released, added } = inv.repin('vm-1');
    expect(released.pinnedCores).toEqual([0, 1]);
    expect(added.pinnedCores).toEqual([2, 3]);
    expect(added.id).not.toBe(released.id);
    expect(inv.of('vm-1').map((x) => x.id)).not.toContain(released.id);
    expect(inv.of('vm-1')[0]).toEqual(added); // same place in the list
    expect(inv.freeCores()).toEqual([0, 1]);
    inv.allocate('vm-2', { ...demand, specializedNics: 0 });
    expect(codeOf(() => inv.repin('vm-1'))).toBe('CAPACITY_EXCEEDED');
  });

  it('claims room in another pool for a mirror, holds both until one is dropped', () => {
    const inv = new HostInventory('h', capacity);
    inv.allocate('vm-1', demand);
    const { current, added } = inv.claimOtherPool('vm-1');
    expect([current.pool, added.pool]).toEqual(['h:pool-0', 'h:pool-1']);
    expect(inv.used().storageGiB).toBe(8); // both copies exist during the mirror
    inv.drop('vm-1', current.id);
    expect(inv.of('vm-1').filter((x) => x.kind === 'vStorage')).toEqual([added]);
    expect(inv.used().storageGiB).toBe(4);
    // The other pool is now too full for a 7 GiB volume to move back.
    const inv2 = new HostInventory('h', capacity);
    inv2.allocate('big', { vCpu: 1, memoryMiB: 1, storageGiB: 7, nics: 0 });
    inv2.allocate('vm', { vCpu: 1, memoryMiB: 1, storageGiB: 7, nics: 0 });
    expect(codeOf(() => inv2.claimOtherPool('vm'))).toBe('CAPACITY_EXCEEDED');
  });

  it('replaces the first ordinary vNIC with a new port; never a specialized one', () => {
    const inv = new HostInventory('h', capacity);
    const before = inv.allocate('vm-1', demand);
    const { released, added } = inv.replaceNic('vm-1');
    expect(released.specialized).toBeUndefined();
    expect(added).toMatchObject({ kind: 'vNIC', amount: 1 });
    expect(inv.of('vm-1').filter((x) => x.specialized === true)).toEqual(
      before.filter((x) => x.specialized === true),
    );
    inv.allocate('sriov', { vCpu: 1, memoryMiB: 1, storageGiB: 0, nics: 1, specializedNics: 1 });
    expect(codeOf(() => inv.replaceNic('sriov'))).toBe('INVALID_SPEC');
  });
});
