/**
 * The published schema of result.json (docs/result.schema.json) is the one
 * its types generate, and the records vnflab writes conform to it: a
 * real run's (test/fixtures/report/), a synthetic PASS, and a record before
 * any step ran. The e2e tests check the records of their own runs too
 * (test/result-schema.ts).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RESULT_SCHEMA_FILE, resultJsonSchema } from '../../scripts/result-schema.js';
import { resultSchemaErrors } from '../../test/result-schema.js';
import { syntheticPassResult } from '../../test/fixtures/report/synthetic-pass.js';
import { parseConfig } from '../config/load.js';
import { TEST_CASES } from '../testcases/index.js';
import { newMigrateRecord } from '../testcases/migrate/setup.js';
import { RESULT_SCHEMA_VERSION, type TcResult } from './result.js';

const realRun = JSON.parse(
  readFileSync(new URL('../../test/fixtures/report/result-migrate-002.json', import.meta.url), 'utf8'),
) as TcResult;

describe('the published schema of result.json', () => {
  it('docs/result.schema.json is up to date with the types in src/record/ (regenerate: npm run schemas)', () => {
    const published: unknown = JSON.parse(readFileSync(RESULT_SCHEMA_FILE, 'utf8'));
    expect(published).toEqual(resultJsonSchema());
  });

  it(`names its format: schemaVersion ${RESULT_SCHEMA_VERSION}, and an $id`, () => {
    const schema = resultJsonSchema() as {
      $id: string;
      definitions: { TcResult: { properties: { schemaVersion: unknown }; required: string[] } };
    };
    expect(schema.$id).toMatch(/^https:\/\/.+\/docs\/result\.schema\.json$/);
    expect(schema.definitions.TcResult.properties.schemaVersion).toMatchObject({
      const: RESULT_SCHEMA_VERSION,
    });
    expect(schema.definitions.TcResult.required).toContain('schemaVersion');
  });

  it(`a real run's result.json conforms (${realRun.overallStatus})`, () => {
    expect(realRun.schemaVersion).toBe(RESULT_SCHEMA_VERSION);
    expect(resultSchemaErrors(realRun)).toEqual([]);
  });

  it("a record with the VIM's events (migration.vimEvents, disruption.events.vim) conforms", () => {
    const event = {
      name: 'compute_live_migration start_time',
      marks: 'moveStart',
      source: 'nova os-instance-actions req-1 (server s)',
      at: '2016-01-29T13:42:02.000000',
      atMs: 1000,
      resolutionMs: 1000,
      precisionMs: 2001,
    };
    const base = structuredClone<TcResult>(realRun);
    const withVim: TcResult = {
      ...base,
      migration: {
        ...base.migration,
        vimEvents: {
          events: [event as never],
          clock: { at: '2016-01-29T13:42:10.000Z', monoMs: 9000 },
          clockOffsetAllowanceMs: 1000,
          notOffered: ['os-instance-actions (server s): HTTP 404'],
        },
      },
    };
    if (withVim.disruption)
      withVim.disruption = {
        ...withVim.disruption,
        events: {
          ...withVim.disruption.events,
          vim: {
            events: [event as never],
            moveNotBeforeMs: -1001,
            switchOverNotBeforeMs: -1001,
            switchOverEndedByMs: null,
            moveEndedByMs: null,
            tightened: { trigger: false, completion: false },
            switchOverWithin: true,
          },
        },
      };
    expect(withVim.disruption).not.toBeNull();
    expect(resultSchemaErrors(withVim)).toEqual([]);
    expect(
      resultSchemaErrors({ ...withVim, migration: { ...withVim.migration, vimEvents: { events: 1 } } }),
    ).not.toEqual([]);
  });

  it('a record written before the schema existed names no format, and is refused', () => {
    const older = JSON.parse(
      readFileSync(
        new URL('../../test/fixtures/report/result-migrate-002-before-schema.json', import.meta.url),
        'utf8',
      ),
    ) as Record<string, unknown>;
    expect(older.schemaVersion).toBeUndefined();
    expect(resultSchemaErrors(older).join('\n')).toMatch(/schemaVersion/);
  });

  it('a synthetic PASS and a record before any step ran conform', () => {
    expect(resultSchemaErrors(syntheticPassResult())).toEqual([]);
    const testCase = TEST_CASES.TC_VNF_MIGRATE_002;
    if (testCase === undefined) throw new Error('TC_VNF_MIGRATE_002 missing');
    const config = parseConfig({});
    const fresh = newMigrateRecord(
      testCase,
      { ...config, tcInput: { ...config.tcInput, vnfdId: testCase.defaultInput.vnfdId } },
      '0.0.0',
    );
    expect(resultSchemaErrors(fresh)).toEqual([]);
  });

  it('refuses a field it does not know, and a record of another format', () => {
    const record = syntheticPassResult();
    expect(resultSchemaErrors({ ...record, surprise: 1 }).join('\n')).toMatch(/additional properties/);
    expect(resultSchemaErrors({ ...record, schemaVersion: '0.9' }).join('\n')).toMatch(/schemaVersion/);
  });
});
