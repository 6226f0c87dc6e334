import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../config/load.js';
import { QEMU_LAB_LOAD_LEVELS, QEMU_LAB_MIN_TIMEOUTS, resolveRunConfig } from './run.js';

const dir = mkdtempSync(join(tmpdir(), 'vnflab-run-lab-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const defaults = parseConfig({}).timeouts;

describe('vnflab run --lab: the embedded lab hypervisor', () => {
  it('--lab qemu sets lab.hypervisor and raises the timeouts a TCG guest needs', async () => {
    const c = await resolveRunConfig({ testCase: 'TC_VNF_MIGRATE_002', lab: 'qemu' });
    expect(c.lab.hypervisor).toBe('qemu');
    for (const [key, minMs] of Object.entries(QEMU_LAB_MIN_TIMEOUTS))
      expect(c.timeouts[key as keyof typeof QEMU_LAB_MIN_TIMEOUTS]).toBe(minMs);
    // Timeouts the QEMU lab does not need longer stay as they were.
    expect(c.timeouts.pollIntervalMs).toBe(defaults.pollIntervalMs);
  });

  it('--lab process (the default) keeps the spec timeouts; a longer one from the file is kept on qemu', async () => {
    const onProcess = await resolveRunConfig({ testCase: 'TC_VNF_MIGRATE_002', lab: 'process' });
    expect(onProcess.lab.hypervisor).toBe('process');
    expect(onProcess.timeouts).toEqual(defaults);
    const file = join(dir, 'qemu.yaml');
    writeFileSync(file, 'lab:\n  hypervisor: qemu\ntimeouts:\n  maxMigrationTimeMs: 600000\n');
    const fromFile = await resolveRunConfig({ testCase: 'TC_VNF_MIGRATE_002', config: file });
    expect(fromFile.lab.hypervisor).toBe('qemu');
    expect(fromFile.timeouts.maxMigrationTimeMs).toBe(600_000);
    expect(fromFile.timeouts.maxVnfInstantiationTimeMs).toBe(QEMU_LAB_MIN_TIMEOUTS.maxVnfInstantiationTimeMs);
    // The flag wins over the file.
    const flagged = await resolveRunConfig({ testCase: 'TC_VNF_MIGRATE_002', config: file, lab: 'process' });
    expect(flagged.lab.hypervisor).toBe('process');
    expect(flagged.timeouts.maxMigrationTimeMs).toBe(600_000);
  });

  it('--lab qemu loads the TCG guest at the QEMU lab levels unless the file or --rate says otherwise', async () => {
    const onQemu = await resolveRunConfig({ testCase: 'TC_VNF_MIGRATE_002', lab: 'qemu' });
    expect(onQemu.traffic.loadLevels).toEqual(QEMU_LAB_LOAD_LEVELS);
    const onProcess = await resolveRunConfig({ testCase: 'TC_VNF_MIGRATE_002', lab: 'process' });
    expect(onProcess.traffic.loadLevels).toEqual(parseConfig({}).traffic.loadLevels);
    // A level the file sets is kept; the others are the QEMU lab's.
    const file = join(dir, 'qemu-levels.yaml');
    writeFileSync(file, 'lab:\n  hypervisor: qemu\ntraffic:\n  loadLevels:\n    LOW: 1500\n');
    const fromFile = await resolveRunConfig({ testCase: 'TC_VNF_MIGRATE_002', config: file });
    expect(fromFile.traffic.loadLevels).toEqual({ ...QEMU_LAB_LOAD_LEVELS, LOW: 1500 });
    const rated = await resolveRunConfig({ testCase: 'TC_VNF_MIGRATE_002', lab: 'qemu', rate: '10000' });
    expect(rated.traffic.loadLevels.LOW).toBe(10_000);
    // QEMU named but the lab not used (a real VNFM and VIM): the run's own levels.
    const real = join(dir, 'qemu-real.yaml');
    writeFileSync(
      real,
      'lab:\n  hypervisor: qemu\nvnfm:\n  driver: sol003\n  baseUrl: https://vnfm.example:9890/vnflcm/v2\n  token: t\n' +
        'migrator:\n  driver: kubevirt\n  kubeconfig: k.yaml\n',
    );
    const notLab = await resolveRunConfig({ testCase: 'TC_VNF_MIGRATE_002', config: real });
    expect(notLab.traffic.loadLevels).toEqual(parseConfig({}).traffic.loadLevels);
  });

  it('refuses a hypervisor it does not have, naming the field', async () => {
    await expect(resolveRunConfig({ testCase: 'TC_VNF_MIGRATE_002', lab: 'kvm' })).rejects.toThrow(
      /lab\.hypervisor/,
    );
  });
});
