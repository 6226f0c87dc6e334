/**
 * The package as a user gets it: `npm pack`, `npm install <tarball>` in an
 * empty folder, then the README's "From npm" commands from that folder with
 * the installed `vnflab` (no clone, no sources, no devDependencies):
 * `vnflab init`, then `vnflab run TC_VNF_MIGRATE_002 --config
 * examples/lab.yaml`. The install takes its packages from npm's cache where
 * it can (`--prefer-offline`; `npm ci` filled it); the test is skipped, with
 * the reason, only when npm cannot reach the registry for what is not cached.
 * Needs `npm run build` first (npm test does it): the tarball packs dist/.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RESULT_SCHEMA_VERSION, type TcResult } from '../../src/record/result.js';
import { MEASURES_REAL_TIME } from '../measures-real-time.js';
import { resultSchemaErrors } from '../result-schema.js';

const root = resolve(import.meta.dirname, '../..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };

/** npm as a user runs it: without the npm_* variables of the `npm test` this may run under (its prefix is this repository). */
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
}

function npm(args: string[], cwd: string, timeoutMs = 180_000): SpawnSyncReturns<string> {
  return spawnSync('npm', args, { cwd, encoding: 'utf8', env: cleanEnv(), timeout: timeoutMs });
}

/** What npm says when the registry cannot be reached for a package it has not cached. */
const UNREACHABLE = /ENOTCACHED|ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|network/i;

const work = mkdtempSync(join(tmpdir(), 'vnflab-installed-'));
/** The user's empty folder. */
const project = join(work, 'project');
let skipReason: string | null = null;

function vnflab(
  args: string[],
  timeoutMs = 180_000,
): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(join(project, 'node_modules/.bin/vnflab'), args, {
    cwd: project,
    encoding: 'utf8',
    env: cleanEnv(),
    timeout: timeoutMs,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  if (!existsSync(join(root, 'dist/cli/main.js')))
    throw new Error("dist/ missing: run 'npm run build' first (npm test does)");
  const pack = npm(['pack', '--json', '--ignore-scripts', '--pack-destination', work], root);
  expect(pack.status, pack.stderr).toBe(0);
  const [{ filename }] = JSON.parse(pack.stdout) as [{ filename: string }];
  mkdirSync(project);
  const install = npm(
    ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', join(work, filename)],
    project,
  );
  if (install.status !== 0 && UNREACHABLE.test(install.stderr)) {
    skipReason = `npm install of the packed tarball could not reach the registry for an uncached package: ${install.stderr.split('\n').find((l) => UNREACHABLE.test(l)) ?? ''}`;
    console.warn(`installed-package tests skipped: ${skipReason}`);
    return;
  }
  expect(install.status, install.stderr).toBe(0);
}, 240_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('vnflab installed from its npm tarball into an empty folder', () => {
  it('installs without the optional Kubernetes client or any devDependency', (ctx) => {
    if (skipReason !== null) return ctx.skip(skipReason);
    const installed = readdirSync(join(project, 'node_modules'));
    expect(installed).toContain('vnflab');
    for (const absent of ['@kubernetes', 'ajv', 'typescript', 'vitest', 'tsx'])
      expect(installed, absent).not.toContain(absent);
    const r = vnflab(['--version']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(`${pkg.version}\n`);
    // The library entry loads without the optional client too.
    const library = spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        "const v = await import('vnflab'); console.log(typeof v.runTestCase, v.RESULT_SCHEMA_VERSION)",
      ],
      { cwd: project, encoding: 'utf8', env: cleanEnv() },
    );
    expect(library.status, library.stderr).toBe(0);
    expect(library.stdout).toBe(`function ${RESULT_SCHEMA_VERSION}\n`);
  });

  it(
    'vnflab init, then vnflab run TC_VNF_MIGRATE_002 --config examples/lab.yaml writes a result.json of 13 steps that the published schema accepts (PASS or INCONCLUSIVE: the lab runs in real time) [measures real time]',
    MEASURES_REAL_TIME,
    (ctx) => {
      if (skipReason !== null) return ctx.skip(skipReason);
      const init = vnflab(['init']);
      expect(init.code, init.stderr).toBe(0);
      expect(init.stdout).toContain('next: vnflab run TC_VNF_MIGRATE_002 --config examples/lab.yaml');
      const out = join(project, `results-${Date.now()}`);
      const r = vnflab(['run', 'TC_VNF_MIGRATE_002', '--config', 'examples/lab.yaml', '--out', out]);
      const result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as TcResult;
      expect(result.steps).toHaveLength(13);
      expect(
        ['PASS', 'INCONCLUSIVE'],
        `${result.overallStatus}: ${JSON.stringify(result.failure)}\n${r.stderr}`,
      ).toContain(result.overallStatus);
      expect(r.code).toBe(result.overallStatus === 'PASS' ? 0 : 3);
      expect(result.steps.every((s) => s.status === 'PASS')).toBe(true);
      expect(result.environment.vnflab).toBe(pkg.version);
      // Installed without scripts (no compiler needed): the traffic runs on the shipped prebuilt udp_batch binary.
      if (process.platform === 'linux' && process.arch === 'x64')
        expect(result.environment.traffic).toMatchObject({
          driver: 'builtin',
          io: 'native',
          ioReason: expect.stringContaining('prebuilds/linux-x64/udp_batch.node') as unknown,
        });
      expect(readFileSync(join(out, 'TC_VNF_MIGRATE_002.txt'), 'utf8')).toMatch(
        /Traffic I\/O: native \(udp_batch addon/,
      );
      expect(resultSchemaErrors(result)).toEqual([]);
      for (const file of ['TC_VNF_MIGRATE_002.txt', 'junit.xml', 'report.html'])
        expect(existsSync(join(out, file)), file).toBe(true);
      // report.html shows the environment block, version included (HTML-escaped).
      expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain(
        `&quot;vnflab&quot;: &quot;${pkg.version}&quot;`,
      );
    },
  );

  it('a kubevirt run without the optional Kubernetes client stops before anything starts, with one line saying how to install it', (ctx) => {
    if (skipReason !== null) return ctx.skip(skipReason);
    expect(vnflab(['init']).code).toBe(0);
    const out = join(project, 'results-kubevirt');
    const r = vnflab(['run', 'TC_VNF_MIGRATE_002', '--config', 'examples/kubevirt.yaml', '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      "vnflab: migrator.driver 'kubevirt' needs @kubernetes/client-node, an optional dependency that is not installed: run 'npm install @kubernetes/client-node' where vnflab is installed (with -g for a global vnflab)\n",
    );
    expect(existsSync(out)).toBe(false);
  });

  it('vnflab schema result prints the schema the package ships in docs/', (ctx) => {
    if (skipReason !== null) return ctx.skip(skipReason);
    const r = vnflab(['schema', 'result']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(
      JSON.parse(readFileSync(join(project, 'node_modules/vnflab/docs/result.schema.json'), 'utf8')),
    );
  });
});
