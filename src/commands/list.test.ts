import { describe, expect, it } from 'vitest';
import { MIGRATE_INPUTS as INPUTS, MIGRATE_STEP_TITLES as EXPECTED } from '../../test/spec-fixture.js';
import { formatListing, listTestCases } from './list.js';

describe('vnflab list', () => {
  it("lists every MIGRATE case with the spec's steps, in order and numbered, and its inputs", () => {
    const list = listTestCases();
    expect(list.map((tc) => tc.id)).toEqual(Object.keys(EXPECTED));
    for (const tc of list) {
      expect(tc.steps.map((s) => s.title)).toEqual(EXPECTED[tc.id]);
      expect(tc.steps.map((s) => s.n)).toEqual(EXPECTED[tc.id]?.map((_, i) => i + 1));
      expect(tc.steps.every((s) => s.function !== '')).toBe(true);
      expect(tc.inputs).toEqual(INPUTS);
    }
  });

  it('prints each case, its inputs, and each step with the function that runs it', () => {
    const list = listTestCases();
    const text = formatListing(list);
    for (const tc of list) {
      expect(text).toContain(`${tc.id}  ${tc.title}\n  inputs: ${INPUTS.join(', ')}`);
      for (const s of tc.steps)
        expect(text).toContain(`${String(s.n).padStart(2)}. ${s.title}  [${s.function}]`);
    }
    expect(text).toContain(' 9. Trigger a migration of the vResource');
    expect(text).toContain(
      '12. Determine the service disruption by packet drop calculation  [determineServiceDisruption]',
    );
  });
});
