import { describe, expect, it } from 'vitest';
import { NO_VALID_HOST, selectHost, type HostLoad } from './scheduler.js';
import type { Flavor } from './vim.js';

const capacity = { vCpu: 4, memoryMiB: 1024, storageGiB: 10, nics: 4 };
const idle = { vCpu: 0, memoryMiB: 0, storageGiB: 0, nics: 0 };
const host = (name: string, used: Partial<HostLoad['used']> = {}): HostLoad => ({
  name,
  capacity,
  used: { ...idle, ...used },
});
const flavor: Flavor = { vCpu: 1, memoryMiB: 256, storageGiB: 1, nics: 1 };

describe('selectHost', () => {
  it('weighs by least used memory', () => {
    const chosen = selectHost(
      [host('a', { memoryMiB: 512 }), host('b', { memoryMiB: 128 }), host('c', { memoryMiB: 300 })],
      {
        flavor,
      },
    );
    expect(chosen.ok && chosen.value.name).toBe('b');
  });

  it('breaks ties by name so placement is deterministic', () => {
    const chosen = selectHost([host('z'), host('m'), host('q')], { flavor });
    expect(chosen.ok && chosen.value.name).toBe('m');
  });

  it('never picks an excluded (source) host, even the least loaded', () => {
    const chosen = selectHost([host('a'), host('b', { memoryMiB: 500 })], { flavor, excludeHosts: ['a'] });
    expect(chosen.ok && chosen.value.name).toBe('b');
  });

  it('honours a requested host over the weigher', () => {
    const chosen = selectHost([host('a'), host('b', { memoryMiB: 500 })], { flavor, requestedHost: 'b' });
    expect(chosen.ok && chosen.value.name).toBe('b');
  });

  it('filters on every dimension of capacity, NICs included', () => {
    const chosen = selectHost(
      [host('nics-full', { nics: 4 }), host('cpu-full', { vCpu: 4 }), host('ok', { memoryMiB: 768 })],
      {
        flavor,
      },
    );
    expect(chosen.ok && chosen.value.name).toBe('ok');
  });

  it('answers NoValidHost with every host and its reason', () => {
    const chosen = selectHost([host('a', { nics: 4 }), host('b', { memoryMiB: 1000 }), host('c')], {
      flavor,
      excludeHosts: ['c'],
    });
    expect(chosen.ok).toBe(false);
    if (chosen.ok) return;
    expect(chosen.reason.startsWith(NO_VALID_HOST)).toBe(true);
    expect(chosen.reason).toContain('a: 0 NICs free < 1');
    expect(chosen.reason).toContain('b: 24 MiB memory free < 256');
    expect(chosen.reason).toContain('c: excluded (source host)');
  });

  it('refuses a requested host that does not fit rather than falling back to another', () => {
    const chosen = selectHost([host('a', { memoryMiB: 1024 }), host('b')], { flavor, requestedHost: 'a' });
    expect(chosen.ok).toBe(false);
  });

  it('has no host to offer when there are none', () => {
    const chosen = selectHost([], { flavor });
    expect(!chosen.ok && chosen.reason).toContain('no compute hosts');
  });
});
