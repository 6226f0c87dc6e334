import { readFile } from 'node:fs/promises';
import { parse as parseYaml, YAMLParseError } from 'yaml';
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
    return fail(`${file}${yamlErrorAt(err, text)}: not valid YAML/JSON: ${yamlErrorWhat(err)}`);
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    return fail(`${file}: the top level must be a mapping of keys to values`);
  }
  return ok(doc as Record<string, unknown>);
}

/**
 * Where a YAML syntax error is, for a one-line message: `, line 2, column 8
 * ("a: b: c")`, or '' when the parser did not say. The parser's own message
 * ends with that position and a multi-line excerpt, cut off in one line.
 */
export function yamlErrorAt(err: unknown, text: string): string {
  const pos = err instanceof YAMLParseError ? err.linePos?.[0] : undefined;
  if (pos === undefined) return '';
  const line = (text.split(/\r?\n/)[pos.line - 1] ?? '').trim();
  const shown = line.length > 60 ? `${line.slice(0, 57)}...` : line;
  return `, line ${pos.line}, column ${pos.col}${shown === '' ? '' : ` (${JSON.stringify(shown)})`}`;
}

/** What a YAML syntax error says, without the position and excerpt yamlErrorAt gives. */
export function yamlErrorWhat(err: unknown): string {
  const first = (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? '';
  return first.replace(/ at line \d+, column \d+:?$/, '');
}
