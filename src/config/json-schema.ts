/**
 * The run configuration as JSON Schema, for editors and other tools:
 * docs/config.schema.json, `vnflab schema`. The descriptions are the zod
 * schema's (every field has one); the examples point editors at the file
 * (`# yaml-language-server: $schema=../docs/config.schema.json`).
 */
import { z } from 'zod';
import { publishedSchemaId } from '../util/published.js';
import { configSchema } from './schema.js';

export function configJsonSchema(): Record<string, unknown> {
  const { $schema, ...rest } = z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' });
  return {
    $schema,
    $id: publishedSchemaId('config.schema.json'),
    title: 'vnflab run configuration',
    description:
      'A run of a test case (vnflab run --config FILE.yaml): its inputs, traffic, timeouts, pass criteria, and the VNFM, migrator and lab it runs against. Paths are relative to the file; unknown fields are errors.',
    ...rest,
  };
}
