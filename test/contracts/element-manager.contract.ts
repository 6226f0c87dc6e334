/**
 * Contract of the ElementManager port (ElementManagement.SetEMConfiguration,
 * StartEM): configured then started; not started without a configuration;
 * a bad config file refused with a reason naming it; stop is idempotent.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ElementManager } from '../../src/ports/element-manager.js';

export interface ElementManagerContractOptions {
  readonly name: string;
  create(): Promise<ElementManager> | ElementManager;
  /** A valid EM config file's text for this EM. */
  readonly validConfig: string;
}

const vnf = { vnfInstanceId: 'vnf-contract', vnfdId: 'vnfd-contract', vnfInstanceName: 'contract' };

export function runElementManagerContract(opts: ElementManagerContractOptions): void {
  describe(`ElementManager contract: ${opts.name}`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'vnflab-em-contract-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const file = (name: string, text: string): string => {
      const p = join(dir, name);
      writeFileSync(p, text);
      return p;
    };

    it('is configured from its file, then started, then stopped (twice is fine)', async () => {
      const em = await opts.create();
      const set = await em.setEmConfiguration(vnf, file('em.yaml', opts.validConfig));
      expect(set.ok).toBe(true);
      expect(set.ok && typeof set.value.additionalParams).toBe('object');
      expect((await em.startEm(vnf)).ok).toBe(true);
      await em.stopEm();
      await em.stopEm();
    });

    it('will not start without a configuration', async () => {
      const em = await opts.create();
      const r = await em.startEm(vnf);
      expect(r.ok).toBe(false);
      await em.stopEm();
    });

    it('refuses a missing or invalid config file with a reason naming it', async () => {
      const em = await opts.create();
      const missing = await em.setEmConfiguration(vnf, join(dir, 'nope.yaml'));
      expect(!missing.ok && missing.reason).toContain('nope.yaml');
      const invalid = await em.setEmConfiguration(vnf, file('bad-em.yaml', 'something: else\n'));
      expect(!invalid.ok && invalid.reason).toContain('bad-em.yaml');
      await em.stopEm();
    });
  });
}
