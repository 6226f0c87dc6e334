/** vnflab's own version, from its package.json. */
import { readFileSync } from 'node:fs';
import { packagePath } from './package-files.js';

function readVersion(): string {
  const pkg = JSON.parse(readFileSync(packagePath('package.json'), 'utf8')) as { version?: unknown };
  return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
}

export const VNFLAB_VERSION: string = readVersion();
