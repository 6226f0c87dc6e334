/**
 * The built CLI's quick answers, what a new user tries first: its version,
 * the JSON Schemas it publishes (`vnflab init` is tested from an installed
 * package: installed-package.e2e.test.ts). Nothing here starts a lab. Needs `npm run
 * build` first (npm test does it).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const cli = join(root, 'dist/cli/main.js');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };

function vnflab(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: 'utf8', timeout: 30_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('vnflab CLI: version and schemas', () => {
  beforeAll(() => {
    if (!existsSync(cli)) throw new Error(`${cli} missing: run 'npm run build' first (npm test does)`);
  });

  it("--version and -V print package.json's version and exit 0", () => {
    for (const flag of ['--version', '-V']) {
      const r = vnflab([flag]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toBe(`${pkg.version}\n`);
    }
  });

  it('vnflab schema (config) and vnflab schema result print the schemas published in docs/', () => {
    for (const [args, file] of [
      [['schema'], 'docs/config.schema.json'],
      [['schema', 'config'], 'docs/config.schema.json'],
      [['schema', 'result'], 'docs/result.schema.json'],
    ] as const) {
      const r = vnflab([...args]);
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout), args.join(' ')).toEqual(
        JSON.parse(readFileSync(join(root, file), 'utf8')),
      );
    }
    const bad = vnflab(['schema', 'results']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('Allowed choices are config, result');
  });
});
