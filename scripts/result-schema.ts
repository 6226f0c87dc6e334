/**
 * The JSON Schema of result.json, generated from its TypeScript types
 * (src/record/result.ts; their doc comments become the descriptions), so
 * the published schema cannot drift from what the code writes. Written to
 * docs/result.schema.json, which the package ships and `vnflab schema
 * result` prints; src/record/result.schema.test.ts checks it is up to date.
 *
 *   npx tsx scripts/result-schema.ts     (or: npm run schemas)
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createGenerator } from 'ts-json-schema-generator';
import { RESULT_SCHEMA_VERSION } from '../src/record/result.js';
import { publishedSchemaId } from '../src/util/published.js';

const file = (relativePath: string): string => fileURLToPath(new URL(`../${relativePath}`, import.meta.url));

export const RESULT_SCHEMA_FILE = file('docs/result.schema.json');

export function resultJsonSchema(): Record<string, unknown> {
  const generated = createGenerator({
    path: file('src/record/result.ts'),
    tsconfig: file('tsconfig.json'),
    type: 'TcResult',
    // tsc checks the types (npm run typecheck); here they are only read.
    skipTypeCheck: true,
    // A field the types do not declare is drift: refuse it.
    additionalProperties: false,
  }).createSchema('TcResult');
  const { $schema, ...rest } = generated;
  return {
    $schema,
    $id: publishedSchemaId('result.schema.json'),
    title: `vnflab result.json, format ${RESULT_SCHEMA_VERSION}`,
    description:
      'The record of one test case run (tcResult of the test plan), as vnflab writes it to result.json. `schemaVersion` names the format.',
    ...rest,
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(RESULT_SCHEMA_FILE, `${JSON.stringify(resultJsonSchema(), null, 2)}\n`);
  console.log(`wrote ${RESULT_SCHEMA_FILE}`);
}
