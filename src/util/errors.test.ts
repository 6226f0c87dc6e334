/**
 * Every product error has a class with a stable code, and no two classes
 * share a code (STYLE.md; util/errors.ts). Checked on the source tree with
 * the TypeScript parser, so a new file is covered without being listed.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { ConfigError, Interrupted, VnflabBugError, VnflabError } from './errors.js';

const SRC = fileURLToPath(new URL('..', import.meta.url));

/**
 * Files another change is rewriting, with the bare `new Error(` they still
 * hold (not thrown: a rejection value). Remove the entry with that change.
 */
const PENDING_BARE_ERRORS: Readonly<Record<string, string>> = {
  'traffic/builtin-traffic.ts': 'its own timeout rejects with a bare Error',
};

const BUILTIN_ERRORS = new Set([
  'Error',
  'RangeError',
  'TypeError',
  'SyntaxError',
  'ReferenceError',
  'EvalError',
  'URIError',
  'AggregateError',
]);

/** What ships: src/ without tests and test fixtures, as paths relative to src/ with '/'. */
function productFiles(dir = SRC): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return productFiles(path);
    const name = entry.name;
    const product = name.endsWith('.ts') && !name.endsWith('.d.ts') && !/\.(test|fixture)\.ts$/.test(name);
    return product ? [relative(SRC, path).split(sep).join('/')] : [];
  });
}

interface Site {
  readonly file: string;
  readonly line: number;
  /** The class or type alias that declares the code. */
  readonly owner: string;
}

interface Scan {
  /** `throw new Error(...)` / `throw Error(...)`. */
  readonly bareThrows: string[];
  /** Any other `new Error(...)` (rejections, callbacks), except wrapping a non-Error: `new Error(String(e))`. */
  readonly bareErrors: { readonly file: string; readonly where: string }[];
  /** Classes extending a built-in error other than VnflabError. */
  readonly builtinSubclasses: string[];
  /** Code literal -> where it is declared (a class's `code`, or an `...ErrorCode` union). */
  readonly declared: Map<string, Site[]>;
  /** `override readonly code = '...'`: a subclass picks one of its base's codes. */
  readonly refined: { readonly code: string; readonly site: Site }[];
  /** `code` members the scan cannot read a literal from (typed `string`, computed). */
  readonly unreadable: string[];
}

function scan(files: readonly string[]): Scan {
  const result: Scan = {
    bareThrows: [],
    bareErrors: [],
    builtinSubclasses: [],
    declared: new Map(),
    refined: [],
    unreadable: [],
  };
  for (const file of files) {
    const source = ts.createSourceFile(
      file,
      readFileSync(join(SRC, file), 'utf8'),
      ts.ScriptTarget.Latest,
      true,
    );
    const lineOf = (node: ts.Node): number => source.getLineAndCharacterOfPosition(node.getStart()).line + 1;
    const where = (node: ts.Node): string => `${file}:${lineOf(node)}`;
    const declare = (code: string, site: Site): void => {
      const sites = result.declared.get(code) ?? [];
      sites.push(site);
      result.declared.set(code, sites);
    };
    const literalsIn = (type: ts.TypeNode): string[] => {
      const out: string[] = [];
      const walk = (n: ts.Node): void => {
        if (ts.isLiteralTypeNode(n) && ts.isStringLiteral(n.literal)) out.push(n.literal.text);
        else n.forEachChild(walk);
      };
      walk(type);
      return out;
    };
    const hasModifier = (node: ts.Node, kind: ts.SyntaxKind): boolean =>
      ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === kind);

    const codeMember = (member: ts.PropertyDeclaration | ts.ParameterDeclaration, owner: string): void => {
      const site = { file, line: lineOf(member), owner };
      if (member.type !== undefined) {
        const literals = literalsIn(member.type);
        let typedString = false;
        member.type.forEachChild(function walk(n) {
          if (n.kind === ts.SyntaxKind.StringKeyword) typedString = true;
          n.forEachChild(walk);
        });
        if (member.type.kind === ts.SyntaxKind.StringKeyword || typedString)
          result.unreadable.push(`${where(member)} ${owner}.code is typed string`);
        // `code: HostErrorCode`: declared by the alias; `code: 'A' | 'B'`: declared here.
        for (const code of literals) declare(code, site);
      } else if (member.initializer !== undefined && ts.isStringLiteral(member.initializer)) {
        const code = member.initializer.text;
        if (hasModifier(member, ts.SyntaxKind.OverrideKeyword)) result.refined.push({ code, site });
        else declare(code, site);
      } else result.unreadable.push(`${where(member)} ${owner}.code has no literal type or value`);
    };

    const visit = (node: ts.Node): void => {
      if ((ts.isNewExpression(node) || ts.isCallExpression(node)) && ts.isIdentifier(node.expression)) {
        if (BUILTIN_ERRORS.has(node.expression.text) && ts.isThrowStatement(node.parent))
          result.bareThrows.push(where(node));
        else if (node.expression.text === 'Error') {
          {
            const arg = node.arguments?.[0];
            const wrapsValue =
              arg !== undefined &&
              ts.isCallExpression(arg) &&
              ts.isIdentifier(arg.expression) &&
              arg.expression.text === 'String';
            if (!wrapsValue) result.bareErrors.push({ file, where: where(node) });
          }
        }
      }
      if (ts.isTypeAliasDeclaration(node) && node.name.text.endsWith('ErrorCode')) {
        for (const code of literalsIn(node.type))
          declare(code, { file, line: lineOf(node), owner: node.name.text });
      }
      if (ts.isClassLike(node)) {
        const owner = node.name?.text ?? '(anonymous class)';
        for (const clause of node.heritageClauses ?? []) {
          if (clause.token !== ts.SyntaxKind.ExtendsKeyword) continue;
          for (const type of clause.types) {
            const base = type.expression.getText(source);
            if (BUILTIN_ERRORS.has(base) && owner !== 'VnflabError')
              result.builtinSubclasses.push(`${where(node)} ${owner} extends ${base}`);
          }
        }
        for (const member of node.members) {
          if (ts.isPropertyDeclaration(member) && member.name.getText(source) === 'code') {
            if (!hasModifier(member, ts.SyntaxKind.AbstractKeyword)) codeMember(member, owner);
          }
          if (ts.isConstructorDeclaration(member)) {
            for (const param of member.parameters) {
              const isProperty =
                hasModifier(param, ts.SyntaxKind.ReadonlyKeyword) ||
                hasModifier(param, ts.SyntaxKind.PublicKeyword);
              if (isProperty && param.name.getText(source) === 'code') codeMember(param, owner);
            }
          }
        }
      }
      node.forEachChild(visit);
    };
    visit(source);
  }
  return result;
}

describe('product errors', () => {
  const files = productFiles();
  const found = scan(files);

  it('scans the product sources', () => {
    expect(files).toContain('util/errors.ts');
    expect(files).toContain('lab/hypervisor/process/page-pump-worker.ts');
    expect(files.some((f) => f.endsWith('.test.ts') || f.endsWith('.fixture.ts'))).toBe(false);
    // A scan that misses declarations would find every code unique: check it sees the known ones.
    for (const code of [
      'VNFLAB_CONFIG',
      'VNFLAB_STEP_TIMEOUT',
      'CAPACITY_EXCEEDED',
      'FABRIC_GONE',
      'SOL003_CLOSED',
    ])
      expect([...found.declared.keys()]).toContain(code);
  });

  it('no product file throws a bare Error, RangeError or other built-in error: each throw has a class with a code', () => {
    expect(found.bareThrows).toEqual([]);
  });

  it('no product file rejects or calls back with a bare Error (but for a pending rewrite)', () => {
    const unexpected = found.bareErrors.filter((e) => !(e.file in PENDING_BARE_ERRORS)).map((e) => e.where);
    expect(unexpected).toEqual([]);
  });

  it('every product error class extends VnflabError (directly or through another product error)', () => {
    expect(found.builtinSubclasses).toEqual([]);
  });

  it('every code is a literal the scan can read', () => {
    expect(found.unreadable).toEqual([]);
  });

  it('no two classes (or code unions) declare the same code', () => {
    const shared = [...found.declared]
      .filter(([, sites]) => sites.length > 1)
      .map(([code, sites]) => `${code}: ${sites.map((s) => `${s.owner} (${s.file}:${s.line})`).join(', ')}`);
    expect(shared).toEqual([]);
  });

  it("a subclass's `override readonly code` is one its base declares", () => {
    const undeclared = found.refined
      .filter((r) => !found.declared.has(r.code))
      .map((r) => `${r.code} (${r.site.owner}, ${r.site.file}:${r.site.line})`);
    expect(undeclared).toEqual([]);
  });
});

describe('VnflabError', () => {
  it('carries a code, its class name and a cause', () => {
    const cause = new Error('root');
    const e = new VnflabBugError('step record 3 missing', { cause });
    expect(e).toBeInstanceOf(VnflabError);
    expect(e).toMatchObject({
      code: 'VNFLAB_INTERNAL',
      name: 'VnflabBugError',
      message: 'step record 3 missing',
    });
    expect(e.cause).toBe(cause);
    expect(new ConfigError('x')).toMatchObject({ code: 'VNFLAB_CONFIG', name: 'ConfigError' });
    expect(new Interrupted('SIGINT')).toMatchObject({
      code: 'VNFLAB_INTERRUPTED',
      message: 'SIGINT',
      signalName: 'SIGINT',
    });
  });

  it('names a subclass that does not set its name', () => {
    class Unnamed extends VnflabError {
      readonly code = 'TEST_UNNAMED';
    }
    expect(new Unnamed('m').name).toBe('Unnamed');
  });
});
