/**
 * `vnflab schema [config|result]`: the JSON Schemas vnflab publishes. The
 * run configuration's is generated from its zod schema
 * (config/json-schema.ts); result.json's is generated from the record's
 * types when vnflab is built and ships as docs/result.schema.json. Both are
 * in docs/ too, checked up to date by tests.
 */
import { readFileSync } from 'node:fs';
import { configJsonSchema } from '../config/json-schema.js';
import { packagePath } from '../util/package-files.js';

export const SCHEMAS = ['config', 'result'] as const;
export type SchemaName = (typeof SCHEMAS)[number];

export function jsonSchema(name: SchemaName): Record<string, unknown> {
  if (name === 'config') return configJsonSchema();
  return JSON.parse(readFileSync(packagePath('docs/result.schema.json'), 'utf8')) as Record<string, unknown>;
}
