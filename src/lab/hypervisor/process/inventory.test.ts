import { describe, expect, it } from 'vitest';
import { HostInventory } from './inventory.js';

const capacity = { vCpu: 4, memoryMiB: 1024, storageGiB: 20, nics: 4 };
const demand = { vCpu: 2, memoryMiB: 512, storageGiB: 10, nics: 2, specializedNics: 1 };

describe('HostInventory', () => {
  it('allocates vResources with unique, host-prefixed ids', () => {
    const inv = new HostInventory('hostA', capacity);
    const allocations = inv.allocate('vm-1', demand);
    expect(allocations.map((a) => [a.kind, a.amount, a.unit])).toEqual([
      ['vCPU', 2, 'count'],
      ['vMemory', 512, 'MiB'],
      ['vStorage', 10, 'GiB'],
      ['vNIC', 1, 'count'],
      ['vNIC', 1, 'count'],
    ]);
    expect(allocations.filter((a) => a.specialized === true)).toHaveLength(1);
    expect(allocations[1]?.id).toMatch(/^hostA-mem-[0-9a-f-]{36}$/);
    expect(new Set(allocations.map((a) => a.id)).size).toBe(allocations.length);
    expect(inv.used()).toEqual({ vCpu: 2, memoryMiB: 512, storageGiB: 10, nics: 2 });
    expect(Object.keys(inv.all())).toEqual(['vm-1']);
  });

  it('refuses what does not fit, naming each short resource, and keeps the inventory unchanged', () => {
    const inv = new HostInventory('hostA', capacity);
    inv.allocate('vm-1', demand);
    let error: unknown;
    try {
      inv.allocate('vm-2', { vCpu: 3, memoryMiB: 512, storageGiB: 11, nics: 1 });
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: 'CAPACITY_EXCEEDED', data: { short: ['vCpu', 'storageGiB'] } });
    expect((error as Error).message).toContain('vCpu: requested 3, free 2 of 4');
    expect(Object.keys(inv.all())).toEqual(['vm-1']);
    // Exactly the rest fits.
    inv.allocate('vm-2', { vCpu: 2, memoryMiB: 512, storageGiB: 10, nics: 2 });
    expect(inv.used()).toEqual(capacity);
  });

  it('releases allocations and rejects invalid or duplicate demands', () => {
    const inv = new HostInventory('hostA', capacity);
    const ids = inv.allocate('vm-1', demand).map((a) => a.id);
    expect(() => inv.allocate('vm-1', demand)).toThrow(expect.objectContaining({ code: 'VM_EXISTS' }));
    expect(inv.release('vm-1').map((a) => a.id)).toEqual(ids);
    expect(inv.release('vm-1')).toEqual([]);
    expect(inv.used()).toEqual({ vCpu: 0, memoryMiB: 0, storageGiB: 0, nics: 0 });
    expect(() => inv.allocate('vm-3', { ...demand, vCpu: 0 })).toThrow(
      expect.objectContaining({ code: 'INVALID_SPEC' }),
    );
    expect(() => inv.allocate('vm-3', { ...demand, memoryMiB: 1.5 })).toThrow(
      expect.objectContaining({ code: 'INVALID_SPEC' }),
    );
    expect(() => inv.allocate('vm-3', { ...demand, specializedNics: 3 })).toThrow(
      expect.objectContaining({ code: 'INVALID_SPEC' }),
    );
  });
});
