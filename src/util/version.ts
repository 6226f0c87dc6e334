/** vnflab's own version, from its package.json (two folders up from src/util and from dist/util). */
import { readFileSync } from 'node:fs';

function readVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version?: unknown;
  };
  return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
}

export const VNFLAB_VERSION: string = readVersion();
