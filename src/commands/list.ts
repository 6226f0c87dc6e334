/** `vnflab list`: every test case with its steps and inputs. */
import { TEST_CASES } from '../testcases/index.js';

export interface TestCaseListing {
  readonly id: string;
  readonly title: string;
  readonly inputs: readonly string[];
  readonly steps: readonly { readonly n: number; readonly title: string; readonly function: string }[];
}

export function listTestCases(): TestCaseListing[] {
  return Object.values(TEST_CASES).map((tc) => ({
    id: tc.id,
    title: tc.title,
    inputs: tc.inputs,
    steps: tc.steps.map((s) => ({ n: s.n, title: s.title, function: s.run.name })),
  }));
}

export function formatListing(list: readonly TestCaseListing[]): string {
  return list
    .map(
      (tc) =>
        `${tc.id}  ${tc.title}\n  inputs: ${tc.inputs.join(', ')}\n` +
        tc.steps.map((s) => `  ${String(s.n).padStart(2)}. ${s.title}  [${s.function}]`).join('\n'),
    )
    .join('\n\n');
}
