import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/load.js';
import { formatInit, initExamples } from './init.js';

const EXAMPLES = resolve(import.meta.dirname, '../../examples');
const made: string[] = [];
afterEach(() => {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tmp(): string {
  const dir = mkdtempSync(join(tmpdir(), 'vnflab-init-'));
  made.push(dir);
  return dir;
}

describe('vnflab init', () => {
  it("writes every shipped example into ./examples, and lab.yaml loads as the README's main command reads it", async () => {
    const cwd = tmp();
    const r = initExamples({ dir: join(cwd, 'examples') });
    const shipped = readdirSync(EXAMPLES).filter((n) => n.endsWith('.yaml'));
    expect([...r.written].sort()).toEqual([...shipped].sort());
    expect(r.kept).toEqual([]);
    expect(r.written).toContain('lab.yaml');
    const config = await loadConfig({ file: join(cwd, 'examples/lab.yaml') });
    expect(config.testCase).toBe('TC_VNF_MIGRATE_002');
    // The config's own inputs came along: its relative paths resolve beside it.
    expect(existsSync(join(cwd, 'examples/vnf-config.yaml'))).toBe(true);
    expect(existsSync(join(cwd, 'examples/vnf-license.yaml'))).toBe(true);
  });

  it("points each run configuration's editor hint at the package's config schema, from where it was written", () => {
    const cwd = tmp();
    const dir = join(cwd, 'nested/configs');
    initExamples({ dir });
    for (const name of ['lab.yaml', 'tacker.yaml', 'openstack.yaml', 'kubevirt.yaml']) {
      const hint = /^# yaml-language-server: \$schema=(\S+)$/m.exec(readFileSync(join(dir, name), 'utf8'));
      expect(hint, name).not.toBeNull();
      const schema = resolve(dir, hint?.[1] ?? '');
      expect(schema).toBe(resolve(EXAMPLES, '../docs/config.schema.json'));
      expect(existsSync(schema)).toBe(true);
    }
    // Inputs that are not run configurations carry no hint and are copied as they are.
    expect(readFileSync(join(dir, 'vnf-license.yaml'), 'utf8')).toBe(
      readFileSync(join(EXAMPLES, 'vnf-license.yaml'), 'utf8'),
    );
  });

  it('never overwrites a file, and says which it kept', () => {
    const dir = join(tmp(), 'examples');
    initExamples({ dir });
    writeFileSync(join(dir, 'lab.yaml'), 'testCase: TC_VNF_MIGRATE_004\n');
    const again = initExamples({ dir });
    expect(again.written).toEqual([]);
    expect(again.kept).toContain('lab.yaml');
    expect(readFileSync(join(dir, 'lab.yaml'), 'utf8')).toBe('testCase: TC_VNF_MIGRATE_004\n');
    const text = formatInit(again, dirname(dir));
    expect(text).toContain('kept  examples/lab.yaml (exists)');
    expect(text).toMatch(/next: vnflab run TC_VNF_MIGRATE_002 --config examples\/lab\.yaml/);
  });
});
