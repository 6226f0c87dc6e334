import { describe, expect, it } from 'vitest';
import { syntheticPassResult } from '../../test/fixtures/report/synthetic-pass.js';
import { parseConfig } from '../config/load.js';
import { TEST_CASES } from '../testcases/index.js';
import { newMigrateRecord } from '../testcases/migrate/setup.js';
import { JUNIT_VERDICT_NAME, junitStepName, toJUnitXml } from './junit.js';

function migrate002Record(): ReturnType<typeof newMigrateRecord> {
  const testCase = TEST_CASES.TC_VNF_MIGRATE_002;
  if (testCase === undefined) throw new Error('TC_VNF_MIGRATE_002 missing');
  const config = parseConfig({});
  return newMigrateRecord(
    testCase,
    { ...config, tcInput: { ...config.tcInput, vnfdId: testCase.defaultInput.vnfdId } },
    '0.1.0',
  );
}

const names = (xml: string): string[] =>
  [...xml.matchAll(/<testcase classname="[^"]*" name="([^"]*)"/g)].map((m) => m[1] ?? '');

describe('junit.xml', () => {
  it("names each step as a dashboard lists it: padded number, the plan's title without its notes to the implementer", () => {
    const record = migrate002Record();
    const stepNames = record.steps.map(junitStepName);
    expect(stepNames[0]).toBe('01. Instantiate VNF');
    expect(stepNames[6]).toBe('07. Validate that traffic flows through without issues (no dropped packets)');
    expect(stepNames[7]).toBe('08. Trigger a migration of the vResource by issuing a command to the VNFM');
    expect(stepNames[8]).toBe(
      '09. Validate VNF has migrated, the new vResource is been used and the older vResource is released',
    );
    expect(stepNames[12]).toBe('13. Terminate VNF');
    // Sorting by name keeps the plan's order, and no two steps share a name.
    expect([...stepNames].sort()).toEqual(stepNames);
    expect(new Set(stepNames).size).toBe(stepNames.length);
    expect(stepNames.join('\n')).not.toContain('-->');
    expect(names(toJUnitXml(record))).toEqual(stepNames);
  });

  it('adds the verdict as a last testcase that says what it judges, and the figures and criteria as properties', () => {
    const record = syntheticPassResult();
    const xml = toJUnitXml(record);
    expect(names(xml).at(-1)).toBe(JUNIT_VERDICT_NAME);
    expect([...names(xml)].sort()).toEqual(names(xml));
    expect(xml).toMatch(/<property name="serviceDisruptionMs" value="[\d.]+"\/>/);
    for (const c of record.verdict?.criteria ?? [])
      expect(xml).toContain(`<property name="criterion.${c.name}.outcome" value="${c.outcome}"/>`);
  });
});
