/**
 * Files that ship in vnflab's package beside its code (package.json,
 * examples/, docs/*.schema.json), found from this module: two folders up
 * from src/util in a clone and from dist/util in an installed package.
 */
import { fileURLToPath } from 'node:url';

/** Absolute path of a file or folder of the package, from its root (e.g. 'examples', 'docs/result.schema.json'). */
export function packagePath(relativePath: string): string {
  return fileURLToPath(new URL(`../../${relativePath}`, import.meta.url));
}
