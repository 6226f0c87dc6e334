import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { progressOf } from './migration-progress.js';
import { serverMigrationResponseSchema } from './schemas.js';

const SAMPLES = fileURLToPath(new URL('../../../test/fixtures/nova-api-samples/', import.meta.url));
/** Nova's api-samples of GET /servers/{id}/migrations/{mid}, per microversion. */
const sample = (version: string) =>
  serverMigrationResponseSchema.parse(
    JSON.parse(readFileSync(`${SAMPLES}server-migrations/v${version}/migrations-get.json`, 'utf8')),
  ).migration;

describe("progressOf (Nova's server migration record)", () => {
  it.each(['2.23', '2.59', '2.80'])("reads memory_*_bytes of Nova's %s sample", (version) => {
    // The sample: total 123456, processed 12345, remaining 111111, status running.
    expect(progressOf([sample(version)])).toEqual({
      phase: 'running',
      memoryProcessedBytes: 12345,
      memoryTotalBytes: 123456,
      memoryRemainingBytes: 111111,
      percent: (100 * (123456 - 111111)) / 123456,
    });
  });

  it('adds up the legs of a multi-VNFC move', () => {
    const a = sample('2.80');
    const b = {
      ...a,
      id: 2,
      memory_total_bytes: 1000,
      memory_processed_bytes: 900,
      memory_remaining_bytes: 0,
    };
    const p = progressOf([a, b]);
    expect(p).toMatchObject({
      memoryTotalBytes: 124456,
      memoryRemainingBytes: 111111,
      memoryProcessedBytes: 13245,
    });
    expect(p?.percent).toBeCloseTo((100 * 13345) / 124456, 9);
  });

  it('gives the status alone while Nova has no figures yet (null before the transfer starts)', () => {
    const queued = {
      ...sample('2.80'),
      status: 'queued',
      memory_total_bytes: null,
      memory_processed_bytes: null,
      memory_remaining_bytes: null,
    };
    expect(progressOf([queued])).toEqual({ phase: 'queued' });
  });

  it('keeps the percent in 0..100 and says each distinct status once', () => {
    const odd = { ...sample('2.80'), memory_total_bytes: 100, memory_remaining_bytes: 150 };
    expect(progressOf([odd])?.percent).toBe(0);
    expect(progressOf([sample('2.80'), { ...sample('2.80'), status: 'preparing' }])?.phase).toBe(
      'running/preparing',
    );
    expect(progressOf([])).toBeNull();
  });
});
