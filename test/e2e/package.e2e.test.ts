/**
 * What `npm pack` ships: the compiled product only. Fakes, fixtures, contract
 * suites, test kits and tests live in test/ (or are excluded from the build)
 * and must never reach a user's install.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

interface PackEntry {
  readonly files: readonly { readonly path: string }[];
}

describe('the npm package', () => {
  it('lists no fake, fixture, contract suite, test kit or test', () => {
    const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
      encoding: 'utf8',
    });
    const [entry] = JSON.parse(out) as PackEntry[];
    const paths = entry?.files.map((f) => f.path) ?? [];
    expect(paths).toContain('dist/cli/main.js');
    const testSupport = paths.filter((p) =>
      /(^|\/)(test|fakes?|testdata|fixtures?)\/|fake|fixture|contract|test-kit|\.test\.|sender-worker/i.test(
        p,
      ),
    );
    expect(testSupport).toEqual([]);
  });
});
