#!/usr/bin/env node
/**
 * Builds the udp_batch addon from source with node-gyp against Node's own
 * headers (never downloads them), at `npm install` / `npm ci` (issue #21).
 *
 *   node native/udp-batch/install.mjs              build; a failure is a warning when a prebuilt binary
 *                                                  for this platform ships (prebuilds/<platform>-<arch>/),
 *                                                  else the traffic tester falls back to node:dgram
 *   node native/udp-batch/install.mjs --required   build; a failure exits non-zero (CI, `npm run build:addon`)
 *   node native/udp-batch/install.mjs --prebuild   (npm run addon:prebuilt) build, then copy the binary into prebuilds/ (maintainers)
 *
 * VNFLAB_ADDON_REQUIRED=1 has the effect of --required.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const args = new Set(process.argv.slice(2));
const required =
  args.has('--required') || args.has('--prebuild') || process.env.VNFLAB_ADDON_REQUIRED === '1';
const prebuilt = join(root, 'prebuilds', `${process.platform}-${process.arch}`, 'udp_batch.node');

/** Node's own headers: <prefix>/include/node of the running node, so node-gyp downloads nothing. */
function nodedir() {
  if (process.env.npm_config_nodedir) return process.env.npm_config_nodedir;
  const prefix = join(dirname(process.execPath), '..');
  return existsSync(join(prefix, 'include', 'node', 'node_api.h')) ? prefix : null;
}

/** node-gyp: the one npm puts on PATH for lifecycle scripts, else npm's bundled copy. */
function nodeGyp() {
  const bundled = join(
    dirname(process.execPath),
    '..',
    'lib',
    'node_modules',
    'npm',
    'node_modules',
    'node-gyp',
    'bin',
    'node-gyp.js',
  );
  if (process.env.npm_config_node_gyp) return [process.execPath, process.env.npm_config_node_gyp];
  if (existsSync(bundled)) return [process.execPath, bundled];
  return ['node-gyp'];
}

function build() {
  if (process.platform !== 'linux') throw new Error(`udp_batch is Linux only (this is ${process.platform})`);
  const dir = nodedir();
  if (dir === null)
    throw new Error("Node's headers (include/node/node_api.h) not found beside node: set npm_config_nodedir");
  const [cmd, ...pre] = nodeGyp();
  execFileSync(cmd, [...pre, 'rebuild', '--release', `--nodedir=${dir}`, '-C', here], { stdio: 'inherit' });
}

try {
  build();
  if (args.has('--prebuild')) {
    mkdirSync(dirname(prebuilt), { recursive: true });
    copyFileSync(join(here, 'build', 'Release', 'udp_batch.node'), prebuilt);
    console.log(`udp_batch: copied to ${prebuilt}`);
  }
} catch (e) {
  const why = e instanceof Error ? e.message.split('\n')[0] : String(e);
  if (required) {
    console.error(`udp_batch: the native addon did not build: ${why}`);
    process.exit(1);
  }
  console.warn(
    `udp_batch: the native addon did not build (${why}); ` +
      (existsSync(prebuilt)
        ? `the prebuilt ${process.platform}-${process.arch} binary will be used`
        : 'the builtin traffic tester will use node:dgram (slower, user-space stamps)'),
  );
}
