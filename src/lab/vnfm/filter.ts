/**
 * ETSI GS NFV-SOL 013 §5.2 attribute-based filtering:
 * `filter=(eq,vnfInstanceId,abc);(in,operationState,FAILED_TEMP,FAILED)`.
 * Terms are ANDed; an attribute path uses `/` between levels; a value with
 * `,` `(` `)` `;` or `'` is single-quoted, a quote inside doubled (`''`).
 * When the attribute is (or passes through) an array, a term holds if any
 * element satisfies it (`neq` / `nin` / `ncont`: if none matches the positive form).
 */
import { ProblemError } from './problem.js';

export type FilterOperator = 'eq' | 'neq' | 'in' | 'nin' | 'gt' | 'gte' | 'lt' | 'lte' | 'cont' | 'ncont';

export interface FilterTerm {
  readonly op: FilterOperator;
  readonly path: readonly string[];
  readonly values: readonly string[];
}

const OPERATORS = new Set<string>(['eq', 'neq', 'in', 'nin', 'gt', 'gte', 'lt', 'lte', 'cont', 'ncont']);

/** Parse a filter expression; a syntax error is a 400 ProblemError (SOL013 §5.2). */
export function parseFilter(text: string): FilterTerm[] {
  const terms: FilterTerm[] = [];
  let i = 0;
  const fail = (why: string): never => {
    throw new ProblemError(400, `invalid filter '${text}' at position ${i}: ${why}`);
  };
  while (i < text.length) {
    if (text[i] !== '(') fail("expected '('");
    i++;
    const parts: string[] = [];
    for (;;) {
      let part = '';
      if (text[i] === "'") {
        i++;
        for (;;) {
          if (i >= text.length) fail('unterminated quoted value');
          if (text[i] === "'" && text[i + 1] === "'") {
            part += "'";
            i += 2;
          } else if (text[i] === "'") {
            i++;
            break;
          } else part += text[i++];
        }
      } else {
        while (i < text.length && !',()'.includes(text[i] ?? '')) part += text[i++];
      }
      parts.push(part);
      if (text[i] === ',') i++;
      else if (text[i] === ')') break;
      else fail("expected ',' or ')'");
    }
    i++;
    const [op = '', attr = '', ...values] = parts;
    if (!OPERATORS.has(op)) fail(`unknown operator '${op}'`);
    if (attr.length === 0) fail('missing attribute name');
    if (values.length === 0) fail('missing value');
    if (values.length > 1 && !['in', 'nin', 'cont', 'ncont'].includes(op)) fail(`'${op}' takes one value`);
    terms.push({ op: op as FilterOperator, path: attr.split('/'), values });
    if (i < text.length) {
      if (text[i] !== ';') fail("expected ';' between terms");
      i++;
    }
  }
  if (terms.length === 0) fail('empty filter');
  return terms;
}

function leaves(node: unknown, path: readonly string[]): unknown[] {
  if (Array.isArray(node)) return node.flatMap((element) => leaves(element, path));
  const [head, ...rest] = path;
  if (head === undefined) return [node];
  if (typeof node !== 'object' || node === null) return [];
  return leaves((node as Record<string, unknown>)[head], rest);
}

function compare(actual: unknown, wanted: string): number | null {
  if (typeof actual === 'number') {
    const n = Number(wanted);
    return Number.isNaN(n) ? null : actual - n;
  }
  if (typeof actual === 'string') return actual < wanted ? -1 : actual > wanted ? 1 : 0;
  if (typeof actual === 'boolean') return String(actual) === wanted ? 0 : null;
  return null;
}

function holds(op: FilterOperator, actual: unknown, values: readonly string[]): boolean {
  const first = values[0] ?? '';
  switch (op) {
    case 'eq':
    case 'neq':
    case 'in':
    case 'nin':
      return values.some((v) => compare(actual, v) === 0);
    case 'cont':
    case 'ncont':
      return typeof actual === 'string' && values.some((v) => actual.includes(v));
    case 'gt':
      return (compare(actual, first) ?? 0) > 0;
    case 'gte':
      return (compare(actual, first) ?? -1) >= 0;
    case 'lt':
      return (compare(actual, first) ?? 0) < 0;
    case 'lte':
      return (compare(actual, first) ?? 1) <= 0;
  }
}

/** True when `resource` satisfies every term. */
export function matchesFilter(resource: unknown, terms: readonly FilterTerm[]): boolean {
  return terms.every(({ op, path, values }) => {
    const found = leaves(resource, path);
    const negated = op === 'neq' || op === 'nin' || op === 'ncont';
    const positive: FilterOperator = negated ? (op.slice(1) as FilterOperator) : op;
    const any = found.some((actual) => holds(positive, actual, values));
    return negated ? !any : any;
  });
}
