import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configJsonSchema } from './json-schema.js';

type Schema = Record<string, unknown>;
const isSchema = (v: unknown): v is Schema => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The paths of the properties, at any depth, that have no description. */
function undescribed(schema: Schema, path = ''): string[] {
  const missing: string[] = [];
  const properties = isSchema(schema.properties) ? schema.properties : {};
  for (const [name, property] of Object.entries(properties)) {
    const at = path === '' ? name : `${path}.${name}`;
    if (!isSchema(property)) continue;
    if (typeof property.description !== 'string' || property.description.trim() === '') missing.push(at);
    missing.push(...undescribed(property, at));
  }
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
    const branches = schema[key];
    if (Array.isArray(branches))
      for (const branch of branches) if (isSchema(branch)) missing.push(...undescribed(branch, path));
  }
  for (const key of ['items', 'additionalProperties'] as const) {
    const sub = schema[key];
    if (isSchema(sub)) missing.push(...undescribed(sub, `${path}[]`));
  }
  return missing;
}

describe('published JSON Schema', () => {
  it('docs/config.schema.json is up to date with the zod schema (regenerate: npm run schemas)', () => {
    const published: unknown = JSON.parse(
      readFileSync(resolve(import.meta.dirname, '../../docs/config.schema.json'), 'utf8'),
    );
    expect(published).toEqual(configJsonSchema());
  });

  it('has an $id, a title and a description, and every field at any depth has a description', () => {
    const schema = configJsonSchema();
    expect(schema.$id).toMatch(/^https:\/\/.+\/docs\/config\.schema\.json$/);
    expect(schema.title).toBe('vnflab run configuration');
    expect(schema.description).toEqual(expect.any(String));
    expect(undescribed(schema)).toEqual([]);
    // The walk reaches the drivers' fields (inside the vnfm / migrator unions).
    expect(JSON.stringify(schema)).toContain('applicationCredentialSecretEnv');
  });

  it('each example run configuration points editors at the schema', () => {
    for (const name of ['lab', 'tacker', 'openstack', 'kubevirt']) {
      const text = readFileSync(resolve(import.meta.dirname, `../../examples/${name}.yaml`), 'utf8');
      expect(text.split('\n')[0], name).toBe('# yaml-language-server: $schema=../docs/config.schema.json');
    }
  });
});
