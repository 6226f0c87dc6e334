import { describe, expect, it } from 'vitest';
import { legStartedAfter, novaTimeMs } from './foreign-migration.js';
import type { NovaMigration } from './schemas.js';

const record = (id: number, createdAt: string, extra: Record<string, unknown> = {}): NovaMigration => ({
  id,
  status: 'running',
  created_at: createdAt,
  updated_at: null,
  source_compute: 'compute-1',
  dest_compute: 'compute-2',
  instance_uuid: 'srv-1',
  migration_type: 'live-migration',
  ...extra,
});

describe('finding a migration someone else started', () => {
  it("reads Nova's zone-less created_at as UTC, and keeps an explicit zone", () => {
    expect(novaTimeMs('2026-11-25T10:12:26.123456')).toBe(Date.parse('2026-11-25T10:12:26.123Z'));
    expect(novaTimeMs('2026-11-25T11:12:26.000+01:00')).toBe(Date.parse('2026-11-25T10:12:26Z'));
  });

  it('takes the first migration of the server created at or after the trigger, none before', () => {
    const t = Date.parse('2026-11-25T10:00:00Z');
    const records = [
      record(3, '2026-11-25T10:00:02.000000'),
      record(2, '2026-11-25T10:00:00.500000', { migration_type: 'migration' }),
      record(1, '2026-11-25T09:59:59.900000'),
    ];
    expect(legStartedAfter('srv-1', records, t, 'vMemory')).toEqual({
      serverId: 'srv-1',
      migrationId: 2,
      type: 'OFFLINE_MIGRATION',
    });
    expect(legStartedAfter('srv-1', records.slice(2), t, 'vMemory')).toBeNull();
    expect(legStartedAfter('srv-2', records, t, 'vMemory')).toBeNull();
  });

  it("skips a lab migration of another vResource type; 'any' moves every type", () => {
    const t = Date.parse('2026-11-25T10:00:00Z');
    const storage = record(1, '2026-11-25T10:00:01.000000', { 'vnflab:vresource_type': 'vStorage' });
    const whole = record(2, '2026-11-25T10:00:02.000000', { 'vnflab:vresource_type': 'any' });
    expect(legStartedAfter('srv-1', [storage], t, 'vNIC')).toBeNull();
    expect(legStartedAfter('srv-1', [storage, whole], t, 'vNIC')?.migrationId).toBe(2);
    expect(legStartedAfter('srv-1', [storage, whole], t, 'vStorage')?.migrationId).toBe(1);
  });
});
