import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { fail, ok, type Outcome } from './outcome.js';

/** Read a YAML or JSON file whose top level must be a mapping; failures name the file. */
export async function readMappingFile(file: string): Promise<Outcome<Record<string, unknown>>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    return fail(
      `cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? String(err)}): check the path`,
    );
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    return fail(`${file} is not valid YAML/JSON: ${(err as Error).message.split('\n')[0] ?? ''}`);
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    return fail(`${file}: the top level must be a mapping of keys to values`);
  }
  return ok(doc as Record<string, unknown>);
}
