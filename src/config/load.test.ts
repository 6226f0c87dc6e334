import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../util/errors.js';
import { loadConfig, mergeConfig, parseConfig } from './load.js';

const dir = mkdtempSync(join(tmpdir(), 'vnflab-config-'));

describe('config', () => {
  it('defaults describe a run of TC_VNF_MIGRATE_002 on the embedded lab at low load', () => {
    const c = parseConfig({});
    expect(c.testCase).toBe('TC_VNF_MIGRATE_002');
    expect(c.vnfm.driver).toBe('lab');
    expect(c.traffic.loadLevel).toBe('LOW');
    expect(c.traffic.loadLevels.LOW).toBe(10_000);
    expect(c.tcInput.vResourceType).toBe('vMemory');
    expect(c.timeouts.maxVnfInstantiationTimeMs).toBeGreaterThan(0);
  });

  it('names the field of a bad value in one line', () => {
    expect(() => parseConfig({ traffic: { packetSizeBytes: 8 } }, 'my.yaml')).toThrow(ConfigError);
    expect(() => parseConfig({ traffic: { packetSizeBytes: 8 } }, 'my.yaml')).toThrow(
      /^my\.yaml: field 'traffic\.packetSizeBytes': /,
    );
    expect(() => parseConfig({ tcInput: { vResourceType: 'vGPU' } })).toThrow(
      /field 'tcInput\.vResourceType'/,
    );
  });

  it('names an unknown field and says to check its spelling', () => {
    expect(() => parseConfig({ trafic: {} }, 'x.yaml')).toThrow(
      "x.yaml: unknown field 'trafic': remove it or check its spelling",
    );
    expect(() => parseConfig({ timeouts: { maxVnfInstantiationTime: 5 } })).toThrow(
      /unknown field 'timeouts\.maxVnfInstantiationTime'/,
    );
  });

  it('reads YAML and lets overrides win, deeply', async () => {
    const file = join(dir, 'a.yaml');
    writeFileSync(
      file,
      'traffic:\n  flows: 4\n  loadLevels:\n    LOW: 5000\ntcInput:\n  vResourceType: vCPU\n',
    );
    const c = await loadConfig({ file, overrides: { tcInput: { vResourceType: 'any' } } });
    expect(c.traffic.flows).toBe(4);
    expect(c.traffic.loadLevels).toEqual({ LOW: 5000, NORMAL: 50_000, MAX: 100_000 });
    expect(c.tcInput.vResourceType).toBe('any');
  });

  it('names the file when it is missing or not YAML', async () => {
    await expect(loadConfig({ file: join(dir, 'none.yaml') })).rejects.toThrow(
      /none\.yaml: cannot read it \(ENOENT\)/,
    );
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'a: [1,\n');
    // Where (line, column, the line itself) and what, on one line.
    await expect(loadConfig({ file: bad })).rejects.toThrow(
      /^config file .*bad\.yaml, line 2, column 1: not valid YAML: Flow sequence in block collection must be sufficiently indented and end with a \]$/,
    );
    const list = join(dir, 'list.yaml');
    writeFileSync(list, '- a\n- b\n');
    await expect(loadConfig({ file: list })).rejects.toMatchObject({
      code: 'VNFLAB_CONFIG',
      message: `config file ${list}: the top level must be a mapping of fields (testCase:, tcInput:, traffic:, ...), not a list`,
    });
  });

  it('mergeConfig replaces arrays and scalars, merges mappings', () => {
    expect(mergeConfig({ a: { b: 1, c: [1] } }, { a: { c: [2] } })).toEqual({ a: { b: 1, c: [2] } });
  });
});
