import { describe, expect, it } from 'vitest';
import { V_RESOURCE_TYPES } from '../../ports/vnfm.js';
import { parseLiveMigrate } from '../../lab/vim/nova/live-migrate-request.js';
import { parseMicroversion } from '../../protocols/nova/microversion.js';
import { VRESOURCE_TYPE_KEY } from '../../protocols/nova/vnflab-extensions.js';
import { liveMigrateBody } from './live-migrate-body.js';

const VERSIONS = ['2.1', '2.25', '2.30', '2.68', '2.80'];
const v = (s: string) => {
  const parsed = parseMicroversion(s);
  if (parsed === null) throw new Error(s);
  return parsed;
};

describe('os-migrateLive body per vResource type', () => {
  it('a real Nova never gets the vendor key, whatever the type (it moves the whole server)', () => {
    for (const version of VERSIONS)
      for (const host of [null, 'compute-2']) {
        const body = liveMigrateBody(v(version), host);
        expect(Object.keys(body['os-migrateLive'])).not.toContain(VRESOURCE_TYPE_KEY);
        // Nova's schema (additionalProperties: false) is what the lab's parser enforces without the key.
        expect(parseLiveMigrate(body['os-migrateLive'], v(version)).ok).toBe(true);
      }
  });

  it('the lab gets vnflab:vresource_type for every type, at every microversion, and parses it back', () => {
    for (const version of VERSIONS)
      for (const type of V_RESOURCE_TYPES) {
        const body = liveMigrateBody(v(version), null, { vResourceType: type })['os-migrateLive'];
        expect(body[VRESOURCE_TYPE_KEY]).toBe(type);
        const parsed = parseLiveMigrate(body, v(version));
        expect(parsed.ok && parsed.value.vResourceType).toBe(type);
        // Without the vendor key the body is exactly the real-Nova one.
        const { [VRESOURCE_TYPE_KEY]: _type, ...rest } = body;
        expect(rest).toEqual(liveMigrateBody(v(version), null)['os-migrateLive']);
      }
  });

  it('the lab refuses an unknown type and other unknown keys, as Nova refuses unknown keys', () => {
    const bad = parseLiveMigrate(
      { host: null, block_migration: 'auto', [VRESOURCE_TYPE_KEY]: 'vRAM' },
      v('2.80'),
    );
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.reason).toContain(VRESOURCE_TYPE_KEY);
    const unknown = parseLiveMigrate({ host: null, block_migration: 'auto', 'vnflab:other': 1 }, v('2.80'));
    expect(!unknown.ok && unknown.reason).toContain('Additional properties are not allowed');
  });
});
