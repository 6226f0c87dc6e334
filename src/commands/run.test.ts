import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exitCodeOf, resolveRunConfig } from './run.js';

const dir = mkdtempSync(join(tmpdir(), 'vnflab-run-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('vnflab run: flags and the YAML config land in the run config', () => {
  it('--trigger, --resource, --vnf-config, --license, --em-config (which sets EM_VNF_SYSTEM)', async () => {
    for (const trigger of ['vnfm', 'load', 'em', 'vnf']) {
      const c = await resolveRunConfig({ testCase: 'TC_VNF_MIGRATE_004', trigger });
      expect(c.tcInput.triggerType).toBe(trigger);
    }
    for (const resource of ['vMemory', 'vCPU', 'vStorage', 'vNIC', 'any']) {
      const c = await resolveRunConfig({ testCase: 'TC_VNF_MIGRATE_001', resource });
      expect(c.tcInput.vResourceType).toBe(resource);
    }
    const c = await resolveRunConfig({
      testCase: 'TC_VNF_MIGRATE_003',
      vnfConfig: 'cfg/vnf.yaml',
      license: 'cfg/license.yaml',
      emConfig: 'cfg/em.yaml',
    });
    expect(c.testCase).toBe('TC_VNF_MIGRATE_003');
    // Command-line paths are relative to the current directory.
    expect(c.tcInput.vnfConfigFile).toBe(resolve('cfg/vnf.yaml'));
    expect(c.tcInput.vnfLicenseFile).toBe(resolve('cfg/license.yaml'));
    expect(c.tcInput.emConfigFile).toBe(resolve('cfg/em.yaml'));
    expect(c.tcInput.emVnfSystem).toBe(true);
  });

  it('the same inputs from the YAML file, and flags override it', async () => {
    const file = join(dir, 'run.yaml');
    writeFileSync(
      file,
      [
        'tcInput:',
        '  triggerType: vnf',
        '  vResourceType: vStorage',
        '  emVnfSystem: true',
        '  emConfigFile: em.yaml',
        '  vnfConfigFile: vnf.yaml',
        '  vnfLicenseFile: lic.yaml',
        '',
      ].join('\n'),
    );
    const fromFile = await resolveRunConfig({ testCase: 'TC_VNF_MIGRATE_002', config: file });
    expect(fromFile.tcInput).toMatchObject({
      triggerType: 'vnf',
      vResourceType: 'vStorage',
      emVnfSystem: true,
      emConfigFile: 'em.yaml',
      vnfConfigFile: 'vnf.yaml',
      vnfLicenseFile: 'lic.yaml',
    });
    const flagged = await resolveRunConfig({
      testCase: 'TC_VNF_MIGRATE_002',
      config: file,
      trigger: 'load',
      resource: 'vNIC',
      license: 'other.yaml',
    });
    expect(flagged.tcInput).toMatchObject({
      triggerType: 'load',
      vResourceType: 'vNIC',
      vnfLicenseFile: resolve('other.yaml'),
      vnfConfigFile: 'vnf.yaml',
    });
  });

  it('refuses a trigger or vResource type the spec does not know, naming the field', async () => {
    await expect(resolveRunConfig({ testCase: 'TC_VNF_MIGRATE_002', trigger: 'nms' })).rejects.toThrow(
      /triggerType/,
    );
    await expect(resolveRunConfig({ testCase: 'TC_VNF_MIGRATE_002', resource: 'vGPU' })).rejects.toThrow(
      /vResourceType/,
    );
  });
});

describe('exitCodeOf', () => {
  it('0 PASS, 1 FAIL or ERROR, 3 INCONCLUSIVE (figures not trusted), 130 ABORTED', () => {
    expect(['PASS', 'FAIL', 'ERROR', 'INCONCLUSIVE', 'ABORTED'].map(exitCodeOf)).toEqual([0, 1, 1, 3, 130]);
  });
});

describe('criteria flags', () => {
  it('land in criteria; a bad value is a ConfigError naming the flag', async () => {
    const config = await resolveRunConfig({
      testCase: 'TC_VNF_MIGRATE_002',
      maxDisruptionMs: '50',
      maxSwitchoverMs: '30',
      maxMigrationMs: '5000',
      maxLatencyMs: '2',
    });
    expect(config.criteria).toEqual({
      maxServiceDisruptionMs: 50,
      maxSwitchOverMs: 30,
      maxMigrationTimeMs: 5000,
      maxLatencyP99Ms: 2,
    });
    await expect(
      resolveRunConfig({ testCase: 'TC_VNF_MIGRATE_002', maxSwitchoverMs: 'soon' }),
    ).rejects.toThrow(/--max-switchover-ms 'soon'/);
  });
});
