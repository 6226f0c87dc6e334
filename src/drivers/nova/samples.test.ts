/**
 * The driver against Nova's own API samples (api-samples/): it parses every
 * response sample, and the os-migrateLive body it sends at a microversion
 * has exactly the keys of that microversion's request sample.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { liveMigrateBody, migrateBody } from './live-migrate-body.js';
import { parseMicroversion } from '../../protocols/nova/microversion.js';
import {
  instanceActionSchema,
  instanceActionsSchema,
  osMigrationsSchema,
  serverMigrationResponseSchema,
  serverMigrationsSchema,
  serverResponseSchema,
  versionDocSchema,
  versionsListSchema,
} from './schemas.js';

const SAMPLES = fileURLToPath(new URL('../../../test/fixtures/nova-api-samples/', import.meta.url));
const files = (dir = SAMPLES): string[] =>
  readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : n.endsWith('.json') ? [relative(SAMPLES, p)] : [];
  });
const load = (file: string): unknown => JSON.parse(readFileSync(join(SAMPLES, file), 'utf8'));
const versionOf = (file: string): string => /\/v(2\.\d+)\//.exec(`/${file}`)?.[1] ?? '2.1';

/** Which schema reads which response sample. */
function schemaFor(file: string): z.ZodType | null {
  if (file === 'versions/versions-get-resp.json') return versionsListSchema;
  if (file.startsWith('versions/')) return versionDocSchema;
  if (file.startsWith('servers/')) return serverResponseSchema;
  if (file.startsWith('server-migrations/') && file.endsWith('migrations-get.json'))
    return serverMigrationResponseSchema;
  if (file.startsWith('server-migrations/') && file.endsWith('migrations-index.json'))
    return serverMigrationsSchema;
  if (file.startsWith('os-migrations/')) return osMigrationsSchema;
  if (file.startsWith('os-instance-actions/') && file.includes('instance-action-get'))
    return instanceActionSchema;
  if (file.startsWith('os-instance-actions/')) return instanceActionsSchema;
  return null;
}

const isLiveMigrateRequest = (file: string): boolean => file.endsWith('live-migrate-server.json');
const isMigrateRequest = (file: string): boolean => /(^|\/)migrate-server(-null)?\.json$/.test(file);
/** Request samples of actions the driver never sends. */
const NOT_SENT = new Set(['server-migrations/v2.22/force_complete.json']);

describe('nova driver vs Nova API samples', () => {
  it('knows what to do with every sample', () => {
    const unknown = files().filter(
      (f) => schemaFor(f) === null && !isLiveMigrateRequest(f) && !isMigrateRequest(f) && !NOT_SENT.has(f),
    );
    expect(unknown).toEqual([]);
  });

  it.each(files().filter((f) => schemaFor(f) !== null))('parses the response sample %s', (file) => {
    const parsed = schemaFor(file)!.safeParse(load(file));
    expect(parsed.success ? null : parsed.error.message).toBeNull();
  });

  it.each(files().filter(isLiveMigrateRequest))('sends the keys of the request sample %s', (file) => {
    const sample = load(file) as { 'os-migrateLive': Record<string, unknown> };
    const host = sample['os-migrateLive'].host === null ? null : 'compute-2';
    const ours = liveMigrateBody(parseMicroversion(versionOf(file))!, host);
    expect(Object.keys(ours)).toEqual(['os-migrateLive']);
    expect(Object.keys(ours['os-migrateLive']).sort()).toEqual(Object.keys(sample['os-migrateLive']).sort());
    // Same value types as the sample (block_migration "auto" from 2.25, booleans before).
    for (const [key, value] of Object.entries(sample['os-migrateLive']))
      if (key !== 'host') expect(typeof ours['os-migrateLive'][key]).toBe(typeof value);
  });

  it.each(files().filter(isMigrateRequest))(
    'sends the cold migration body of the request sample %s',
    (file) => {
      const sample = load(file) as { migrate: { host: string } | null };
      const ours = migrateBody(parseMicroversion(versionOf(file))!, sample.migrate?.host ?? null);
      expect(ours).toEqual(sample);
    },
  );

  it('sends host null to let the scheduler choose, as the 2.65 / 2.80 samples do', () => {
    expect(liveMigrateBody(parseMicroversion('2.80')!, null)).toEqual(
      load('server-migrations/v2.80/live-migrate-server.json'),
    );
  });
});
