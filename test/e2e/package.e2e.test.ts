/**
 * What `npm pack` ships: the compiled product, what the README needs to be
 * followed from an installed package (the examples, the docs it links to,
 * the schemas), the license, and nothing else. Fakes, fixtures, contract
 * suites, test kits and tests live in test/ (or are excluded from the build)
 * and must never reach a user's install. Needs `npm run build` first (npm
 * test does it): the dependency check reads dist/.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');

interface PackEntry {
  readonly files: readonly { readonly path: string }[];
}

function packedPaths(): string[] {
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: root,
    encoding: 'utf8',
  });
  const [entry] = JSON.parse(out) as PackEntry[];
  return entry?.files.map((f) => f.path) ?? [];
}

function jsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? jsFiles(join(dir, e.name)) : e.name.endsWith('.js') ? [join(dir, e.name)] : [],
  );
}

/** The packages a module imports, statically or dynamically ('@scope/name' or 'name'). */
function importedPackages(source: string): string[] {
  const specifiers = [
    ...source.matchAll(/^\s*(?:import|export)\s[^'";]*?from\s+['"]([^'"]+)['"]/gm),
    ...source.matchAll(/^\s*import\s+['"]([^'"]+)['"]/gm),
    ...source.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g),
  ].map((m) => m[1] ?? '');
  return specifiers
    .filter((s) => !s.startsWith('.') && !s.startsWith('node:') && !builtinModules.includes(s))
    .map((s) => (s.startsWith('@') ? s.split('/').slice(0, 2).join('/') : (s.split('/')[0] ?? s)));
}

describe('the npm package', () => {
  const paths = packedPaths();

  it('lists no fake, fixture, contract suite, test kit or test', () => {
    expect(paths).toContain('dist/cli/main.js');
    const testSupport = paths.filter((p) =>
      /(^|\/)(test|fakes?|testdata|fixtures?)\/|fake|fixture|contract|test-kit|\.test\.|sender-worker/i.test(
        p,
      ),
    );
    expect(testSupport).toEqual([]);
  });

  it('ships the license, the examples the README runs, and the published schemas', () => {
    for (const p of [
      'LICENSE',
      'README.md',
      'examples/lab.yaml',
      'examples/vnf-config.yaml',
      'examples/vnf-license.yaml',
      'docs/config.schema.json',
      // The udp_batch addon (issue #21): its source and install script (built at npm install), and the prebuilt
      // linux-x64 binary loaded when that build is absent.
      'native/udp-batch/binding.gyp',
      'native/udp-batch/udp_batch.c',
      'native/udp-batch/install.mjs',
      'prebuilds/linux-x64/udp_batch.node',
    ])
      expect(paths, p).toContain(p);
    expect(paths.filter((p) => p.startsWith('native/udp-batch/build/'))).toEqual([]);
    expect(readFileSync(join(root, 'LICENSE'), 'utf8')).toMatch(
      /^\s*Apache License\s+Version 2\.0, January 2004\s/,
    );
  });

  it('every relative link of the README and the shipped docs resolves inside the package', () => {
    const shipped = new Set(paths);
    const broken: string[] = [];
    for (const doc of paths.filter((p) => p.endsWith('.md'))) {
      const text = readFileSync(join(root, doc), 'utf8');
      for (const [, target = ''] of text.matchAll(/\]\(([^)\s#]+)(?:#[^)]*)?\)/g)) {
        if (/^[a-z]+:/i.test(target)) continue;
        const path = relative(root, resolve(root, doc, '..', target));
        if (!shipped.has(path) && ![...shipped].some((p) => p.startsWith(`${path}/`)))
          broken.push(`${doc}: ${target}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('ships no source map (the sources are not shipped, so a map could not resolve)', () => {
    expect(paths.filter((p) => p.endsWith('.map'))).toEqual([]);
    expect(existsSync(join(root, 'dist/cli/main.js'))).toBe(true);
    expect(readFileSync(join(root, 'dist/cli/main.js'), 'utf8')).not.toContain('sourceMappingURL');
  });

  it('every runtime dependency is imported by the built code, and it imports nothing else', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      dependencies?: Record<string, string>;
      peerDependencies?: Record<string, string>;
    };
    const declared = Object.keys(pkg.dependencies ?? {});
    const peers = Object.keys(pkg.peerDependencies ?? {});
    const imported = new Set(
      jsFiles(join(root, 'dist')).flatMap((f) => importedPackages(readFileSync(f, 'utf8'))),
    );
    // util/entry.ts boots a worker with tsx only when it runs from the .ts sources (tests), never from dist/.
    imported.delete('tsx');
    expect(
      declared.filter((d) => !imported.has(d)),
      'declared, never imported',
    ).toEqual([]);
    expect(
      [...imported].filter((i) => !declared.includes(i) && !peers.includes(i)),
      'imported, not declared',
    ).toEqual([]);
  });
});
