import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileVnfConfigurator } from './file-vnf-configurator.js';

const dir = mkdtempSync(join(tmpdir(), 'vnflab-cfg-'));
const file = (name: string, text: string): string => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
const vnf = { vnfInstanceId: 'i', vnfdId: 'd', vnfInstanceName: 'n' };

describe('FileVnfConfigurator', () => {
  const c = new FileVnfConfigurator();

  it('hands a YAML config to the VNF as additionalParams.vnfConfig', async () => {
    const r = await c.setVnfConfigFile(vnf, file('a.yaml', 'forwarding:\n  ttl: 64\n'));
    expect(r).toEqual({ ok: true, value: { vnfConfig: { forwarding: { ttl: 64 } } } });
  });

  it('names the file when it is missing or not a mapping', async () => {
    const missing = await c.setVnfConfigFile(vnf, join(dir, 'nope.yaml'));
    expect(missing.ok).toBe(false);
    expect(!missing.ok && missing.reason).toMatch(/cannot read .*nope\.yaml \(ENOENT\)/);
    const list = await c.setVnfConfigFile(vnf, file('b.yaml', '- 1\n- 2\n'));
    expect(!list.ok && list.reason).toMatch(/b\.yaml: the top level must be a mapping/);
  });

  it('reads a license and names a missing field', async () => {
    const good = await c.setVnfLicense(
      vnf,
      file('l.yaml', 'licensee: lab\nproduct: udp-forwarder\nexpires: 2030-12-31\nkey: K1\n'),
    );
    expect(good).toEqual({
      ok: true,
      value: { license: { licensee: 'lab', product: 'udp-forwarder', expires: '2030-12-31', key: 'K1' } },
    });
    const bad = await c.setVnfLicense(
      vnf,
      file('m.yaml', 'licensee: lab\nproduct: p\nexpires: 2030-01-01\n'),
    );
    expect(!bad.ok && bad.reason).toMatch(/m\.yaml: field 'key' is missing/);
    const notDate = await c.setVnfLicense(
      vnf,
      file('n.yaml', 'licensee: a\nproduct: p\nexpires: soon\nkey: k\n'),
    );
    expect(!notDate.ok && notDate.reason).toMatch(/'expires' is not a date/);
  });
});
