// Test support: ajv validators for the SOL003 OpenAPI and TST 010 schemas in conformance/.
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

export interface ConformanceData {
  readonly openapi: Readonly<Record<string, object>>;
  readonly tst010: Readonly<Record<string, object>>;
  readonly tst010Requests: Readonly<Record<string, Record<string, unknown>>>;
}

export const conformance = JSON.parse(
  readFileSync(new URL('../../fixtures/sol003-conformance/sol003-schemas.json', import.meta.url), 'utf8'),
) as ConformanceData;

/**
 * Non-strict: the schemas use OpenAPI 3.0 keywords (`nullable`, `example`).
 * The specs' own format names (`URI`, `url`, `MAC`, `IP`) are checked too.
 */
function newAjv(): Ajv {
  const ajv = new Ajv({ strict: false, allErrors: true, logger: false });
  addFormatsModule.default(ajv);
  ajv.addFormat('URI', (s: string) => URL.canParse(s, 'http://x/'));
  ajv.addFormat('url', (s: string) => URL.canParse(s));
  ajv.addFormat('MAC', /^[0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2}){5}$/);
  ajv.addFormat('IP', (s: string) => isIP(s) !== 0);
  return ajv;
}

const ajv = newAjv();
const compiled = new Map<object, ValidateFunction>();

/** Errors of `value` against `schema`, as readable lines; [] when valid. */
export function schemaErrors(schema: object, value: unknown): string[] {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  if (validate(value)) return [];
  return (validate.errors ?? []).map(
    (e) => `${e.instancePath || '(root)'} ${e.message ?? ''} ${JSON.stringify(e.params)}`,
  );
}

/** An OpenAPI schema as bundled. */
export function rawOpenapiSchema(name: string): object {
  const schema = conformance.openapi[name];
  if (!schema) throw new Error(`no OpenAPI schema ${name}`);
  return schema;
}

/**
 * An OpenAPI schema, with one fix: the bundled VnfLcmOpOcc says
 * `oneOf: [{required: [changedInfo]}, {required: [modificationsTriggeredByVnfPkgChange]}]`,
 * which demands exactly one of them in every occurrence, while SOL003 V3.3.1
 * table 5.5.2.13-1 says "not more than one ... shall be present" (and
 * changedInfo only for MODIFY_INFO). That constraint is checked as written.
 */
export function openapiSchema(name: string): object {
  const schema = rawOpenapiSchema(name) as Record<string, unknown>;
  if (name === 'LccnSubscription' || name === 'LccnSubscriptionRequest') return fixSubscriptionFilter(schema);
  if (name !== 'VnfLcmOpOcc') return schema;
  const { oneOf: _exactlyOne, ...rest } = schema;
  return { ...rest, not: { required: ['changedInfo', 'modificationsTriggeredByVnfPkgChange'] } };
}

/**
 * A TST 010 schema. TST 010 v2.6.1 predates SOL003 v3 (API 2.0.0), where
 * VnfInstance.vimConnectionInfo became a map keyed by vimConnectionId: that
 * one attribute is checked against the OpenAPI's (v2) definition instead.
 */
export function tst010Schema(name: string): object {
  const schema = conformance.tst010[name] as Record<string, unknown> | undefined;
  if (!schema) throw new Error(`no TST 010 schema ${name}`);
  const v2VimConnectionInfo = (rawOpenapiSchema('VnfInstance') as { properties: Record<string, unknown> })
    .properties.vimConnectionInfo;
  const patch = (instance: Record<string, unknown>): Record<string, unknown> => ({
    ...instance,
    properties: { ...(instance.properties as object), vimConnectionInfo: v2VimConnectionInfo },
  });
  if (name === 'vnfInstance') return patch(schema);
  if (name === 'vnfInstances') return { ...schema, items: patch(schema.items as Record<string, unknown>) };
  return schema;
}

/**
 * The bundled VnfInstanceSubscriptionFilter says
 * `anyOf: [{oneOf: [{required: [vnfdId]}, {required: [vnfProductsFromProviders]}]}, {oneOf: [...]}]`:
 * it names a `vnfdId` attribute that does not exist (the attribute is
 * `vnfdIds`) and so rejects TST 010's own lccnSubscriptionRequest.json, and
 * it demands one attribute of a pair where SOL003 V3.3.1 §4.4.1.5 (notes 1
 * and 2) only says the two of a pair are alternatives, not to be used
 * together. That is what is checked instead.
 */
function fixSubscriptionFilter(schema: Record<string, unknown>): object {
  const props = schema.properties as Record<string, Record<string, unknown>>;
  const filter = props.filter as { properties: Record<string, Record<string, unknown>> };
  const { anyOf: _wrong, ...instanceFilter } = filter.properties.vnfInstanceSubscriptionFilter ?? {};
  return {
    ...schema,
    properties: {
      ...props,
      filter: {
        ...filter,
        properties: {
          ...filter.properties,
          vnfInstanceSubscriptionFilter: {
            ...instanceFilter,
            allOf: [
              { not: { required: ['vnfdIds', 'vnfProductsFromProviders'] } },
              { not: { required: ['vnfInstanceIds', 'vnfInstanceNames'] } },
            ],
          },
        },
      },
    },
  };
}
