/**
 * Contract of the VnfConfigurator port (VNF.SetVNFConfigFile, VNF.SetVNFLicense):
 * a good file yields instantiation parameters, a bad one a reason naming the file.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { VnfConfigurator } from '../../src/ports/vnf-configurator.js';

export interface VnfConfiguratorContractOptions {
  readonly name: string;
  create(): Promise<VnfConfigurator> | VnfConfigurator;
}

const vnf = { vnfInstanceId: 'vnf-contract', vnfdId: 'vnfd-contract', vnfInstanceName: 'contract' };

export function runVnfConfiguratorContract(opts: VnfConfiguratorContractOptions): void {
  describe(`VnfConfigurator contract: ${opts.name}`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'vnflab-cfg-contract-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const file = (name: string, text: string): string => {
      const p = join(dir, name);
      writeFileSync(p, text);
      return p;
    };

    it('a valid VNF config file gives instantiation parameters', async () => {
      const c = await opts.create();
      const r = await c.setVnfConfigFile(
        vnf,
        file('vnf.yaml', 'product: udp-forwarder\nlicenseRequired: true\n'),
      );
      expect(r.ok).toBe(true);
      expect(r.ok && Object.keys(r.value).length).toBeGreaterThan(0);
    });

    it('a valid license file gives instantiation parameters', async () => {
      const c = await opts.create();
      const r = await c.setVnfLicense(
        vnf,
        file('lic.yaml', 'licensee: a\nproduct: udp-forwarder\nexpires: 2040-01-01\nkey: K\n'),
      );
      expect(r.ok).toBe(true);
    });

    it('a missing or malformed file is refused with a reason naming the file', async () => {
      const c = await opts.create();
      const missing = join(dir, 'missing.yaml');
      for (const r of [await c.setVnfConfigFile(vnf, missing), await c.setVnfLicense(vnf, missing)]) {
        expect(r.ok).toBe(false);
        expect(!r.ok && r.reason).toContain('missing.yaml');
      }
      const broken = file('broken.yaml', 'licensee: [\n');
      const r = await c.setVnfLicense(vnf, broken);
      expect(!r.ok && r.reason).toContain('broken.yaml');
      const incomplete = file('incomplete.yaml', 'licensee: a\n');
      const r2 = await c.setVnfLicense(vnf, incomplete);
      expect(!r2.ok && r2.reason).toContain('incomplete.yaml');
    });
  });
}
