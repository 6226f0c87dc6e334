/**
 * `vnflab init [DIR]`: writes the example inputs that ship with the package
 * (examples/*.yaml) into DIR, default ./examples, so the README's main
 * command runs from an installed vnflab as from a clone:
 * `vnflab run TC_VNF_MIGRATE_002 --config examples/lab.yaml`. A file that
 * exists is kept, never overwritten. The editor hint of each run
 * configuration (`# yaml-language-server: $schema=...`) is pointed at the
 * installed package's config schema.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { packagePath } from '../util/package-files.js';

export const DEFAULT_INIT_DIR = 'examples';

/** The hint as it stands in the shipped examples: relative to the package's examples/ folder. */
const SCHEMA_HINT = /^(# yaml-language-server: \$schema=)(\S+)$/m;

export interface InitOptions {
  /** Where to write; relative to cwd. */
  readonly dir: string;
  /** The examples to copy; default the package's examples/. */
  readonly examplesDir?: string;
}

export interface InitResult {
  readonly dir: string;
  /** File names written. */
  readonly written: readonly string[];
  /** File names that existed and were left as they were. */
  readonly kept: readonly string[];
}

export function initExamples(opts: InitOptions): InitResult {
  const from = opts.examplesDir ?? packagePath(DEFAULT_INIT_DIR);
  const dir = resolve(opts.dir);
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  const kept: string[] = [];
  for (const name of readdirSync(from)
    .filter((n) => n.endsWith('.yaml'))
    .sort()) {
    const target = join(dir, name);
    if (existsSync(target)) {
      kept.push(name);
      continue;
    }
    const source = join(from, name);
    const text = readFileSync(source, 'utf8');
    const hint = SCHEMA_HINT.exec(text);
    if (hint === null) copyFileSync(source, target);
    else {
      // The shipped hint is relative to the package's examples/: make it relative to DIR instead.
      const schema = resolve(from, hint[2] ?? '');
      const rel = relative(dir, schema).split(sep).join('/');
      writeFileSync(target, text.replace(SCHEMA_HINT, `$1${rel}`));
    }
    written.push(name);
  }
  return { dir, written, kept };
}

/** What `vnflab init` prints: each file, then the command to run. */
export function formatInit(r: InitResult, cwd = process.cwd()): string {
  const shown = relative(cwd, r.dir) || '.';
  const configPath = `${shown.split(sep).join('/')}/lab.yaml`;
  return [
    ...r.written.map((n) => `wrote ${join(shown, n)}`),
    ...r.kept.map((n) => `kept  ${join(shown, n)} (exists)`),
    `next: vnflab run TC_VNF_MIGRATE_002 --config ${configPath}   # on the embedded lab`,
  ].join('\n');
}
