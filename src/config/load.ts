import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from '../util/errors.js';
import { yamlErrorAt, yamlErrorWhat } from '../util/read-doc.js';
import { configSchema, type ConfigInput, type VnflabConfig } from './schema.js';

/** Turn the first zod issue into one line that names the field and says what is expected. */
export function describeIssue(issue: z.core.$ZodIssue, source: string): string {
  const field = issue.path.length > 0 ? issue.path.join('.') : '(top level)';
  if (issue.code === 'unrecognized_keys') {
    const where = issue.path.length > 0 ? `${field}.` : '';
    return `${source}: unknown field ${issue.keys.map((k) => `'${where}${k}'`).join(', ')}: remove it or check its spelling`;
  }
  if (issue.code === 'invalid_type' && issue.message.endsWith('received undefined'))
    return issue.path.length > 0
      ? `${source}: field '${field}' is missing: add it (${issue.expected})`
      : `${source}: the configuration is empty`;
  if (issue.code === 'invalid_type' && issue.path.length === 0)
    return `${source}: the top level must be a mapping of fields (testCase:, tcInput:, traffic:, ...)`;
  return `${source}: field '${field}': ${issue.message}`;
}

/** Validate a config object (already merged from file and flags). */
export function parseConfig(input: unknown, source = 'config'): VnflabConfig {
  const result = configSchema.safeParse(input ?? {});
  if (!result.success) {
    const first = result.error.issues[0];
    throw new ConfigError(first ? describeIssue(first, source) : `${source}: invalid configuration`);
  }
  return result.data;
}

/** Read a YAML (or JSON) config file; errors name the file. */
export async function readConfigFile(file: string): Promise<ConfigInput> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new ConfigError(
      `config file ${file}: cannot read it (${(err as NodeJS.ErrnoException).code ?? String(err)}): check the path`,
      { cause: err },
    );
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw new ConfigError(
      `config file ${file}${yamlErrorAt(err, text)}: not valid YAML: ${yamlErrorWhat(err)}`,
      {
        cause: err,
      },
    );
  }
  if (doc !== null && (typeof doc !== 'object' || Array.isArray(doc)))
    throw new ConfigError(
      `config file ${file}: the top level must be a mapping of fields (testCase:, tcInput:, traffic:, ...), not ${Array.isArray(doc) ? 'a list' : 'a single value'}`,
    );
  return doc ?? {};
}

/** Deep-merge plain objects; later wins; arrays and scalars replace. */
export function mergeConfig(...layers: readonly unknown[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const layer of layers) {
    if (layer === null || typeof layer !== 'object') continue;
    for (const [key, value] of Object.entries(layer)) {
      const prev = out[key];
      out[key] = isPlainObject(prev) && isPlainObject(value) ? mergeConfig(prev, value) : (value as unknown);
    }
  }
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * Load a config: file (optional) then overrides (e.g. CLI flags), validated.
 * `defaultsFor` may give defaults that depend on the config itself (the QEMU
 * lab's load levels): they go under everything the file and flags set.
 */
export async function loadConfig(opts: {
  file?: string;
  overrides?: unknown;
  defaultsFor?: (config: VnflabConfig) => ConfigInput | undefined;
}): Promise<VnflabConfig> {
  const fromFile = opts.file !== undefined ? await readConfigFile(opts.file) : {};
  const source = opts.file ?? 'config';
  const given = mergeConfig(fromFile, opts.overrides ?? {});
  const config = parseConfig(given, source);
  const defaults = opts.defaultsFor?.(config);
  return defaults === undefined ? config : parseConfig(mergeConfig(defaults, given), source);
}
