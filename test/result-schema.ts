/**
 * Test support: a record checked against the published schema of result.json
 * (docs/result.schema.json, `vnflab schema result`). Strict: a field the
 * schema does not know is an error, so a record and its schema cannot drift
 * apart unnoticed.
 */
import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';

let validate: ValidateFunction | undefined;

function validator(): ValidateFunction {
  validate ??= new Ajv({ allErrors: true, strict: true }).compile(
    JSON.parse(readFileSync(new URL('../docs/result.schema.json', import.meta.url), 'utf8')) as object,
  );
  return validate;
}

/** Where `record` breaks the result schema, one readable line each; [] when it conforms. */
export function resultSchemaErrors(record: unknown): string[] {
  const v = validator();
  // A record from memory holds `undefined` where JSON has nothing: check it as it would be written.
  if (v(JSON.parse(JSON.stringify(record)))) return [];
  return (v.errors ?? []).map(
    (e) => `${e.instancePath || '/'} ${e.message ?? e.keyword} ${JSON.stringify(e.params)}`,
  );
}
