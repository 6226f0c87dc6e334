import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configJsonSchema } from './json-schema.js';

describe('published JSON Schema', () => {
  it('docs/config.schema.json is up to date with the zod schema (regenerate: node dist/cli/main.js schema > docs/config.schema.json)', () => {
    const published: unknown = JSON.parse(
      readFileSync(resolve(import.meta.dirname, '../../docs/config.schema.json'), 'utf8'),
    );
    expect(published).toEqual(configJsonSchema());
  });
});
