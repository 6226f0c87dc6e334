import { describe, expect, it } from 'vitest';
import { combineDecisions, isLabServer, migrationTypeOf } from './migration-type.js';
import type { NovaServer } from './schemas.js';

const server = (over: Partial<NovaServer> = {}): NovaServer => ({
  id: 's1',
  name: 'vnfc',
  status: 'ACTIVE',
  flavor: { extra_specs: {} },
  metadata: {},
  ...over,
});

describe('migration type rules', () => {
  it('NONE when Nova does not know the server', () => {
    expect(migrationTypeOf('s1', null).type).toBe('NONE');
  });

  it('LIVE_MIGRATION when no rule forbids it', () => {
    expect(migrationTypeOf('s1', server()).type).toBe('LIVE_MIGRATION');
  });

  it('OFFLINE_MIGRATION for a PCI passthrough / SR-IOV flavor, naming the extra spec', () => {
    const d = migrationTypeOf('s1', server({ flavor: { extra_specs: { 'pci_passthrough:alias': 'a1:2' } } }));
    expect(d.type).toBe('OFFLINE_MIGRATION');
    expect(d.reason).toContain('pci_passthrough:alias=a1:2');
  });

  it('OFFLINE_MIGRATION when the lab says the VNFD forbids live migration', () => {
    expect(migrationTypeOf('s1', server({ 'vnflab:live_migratable': false })).reason).toContain(
      'vnflab:live_migratable',
    );
  });

  it('OFFLINE_MIGRATION for a specialized vNIC allocation', () => {
    const alloc = { id: 'a', kind: 'vNIC', amount: 1, unit: 'count', host: 'h', specialized: true };
    expect(migrationTypeOf('s1', server({ 'vnflab:allocations': [alloc] })).type).toBe('OFFLINE_MIGRATION');
  });

  it('the most restrictive server decides for a multi-VNFC VNF', () => {
    const live = migrationTypeOf('a', server());
    const offline = migrationTypeOf('b', server({ 'vnflab:live_migratable': false }));
    expect(combineDecisions([live, offline]).type).toBe('OFFLINE_MIGRATION');
    expect(combineDecisions([live, offline, migrationTypeOf('c', null)]).type).toBe('NONE');
    expect(combineDecisions([]).type).toBe('NONE');
  });

  it('recognises the embedded lab by its vnflab: fields (a real Nova server has none)', () => {
    expect(isLabServer(server())).toBe(false);
    expect(isLabServer(null)).toBe(false);
    expect(isLabServer(server({ 'vnflab:live_migratable': true }))).toBe(true);
    expect(isLabServer(server({ 'vnflab:allocations': [] }))).toBe(true);
  });
});
