/** The run configuration as JSON Schema (for editors and other tools): docs/config.schema.json. */
import { z } from 'zod';
import { configSchema } from './schema.js';

export function configJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }),
    title: 'vnflab run configuration',
  };
}
