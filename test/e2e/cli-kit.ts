/**
 * The built CLI, as the e2e tests run it: `node dist/cli/main.js ARGS` from
 * the repository's root, waited for, its exit code and output returned.
 * Needs `npm run build` first (npm test does it).
 */
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';

export const root = resolve(import.meta.dirname, '../..');
export const cli = join(root, 'dist/cli/main.js');

export interface CliResult {
  /** Exit code; null when a signal (or the timeout) ended it. */
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function vnflab(args: readonly string[], timeoutMs = 180_000): CliResult {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: 'utf8', timeout: timeoutMs });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
