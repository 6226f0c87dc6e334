import { describe, expect, it } from 'vitest';
import type { VnfBootConfig } from '../hypervisor.js';
import { checkLicense } from './license.js';

const base: VnfBootConfig = { egress: { host: '127.0.0.1', port: 9 }, dirtyPagesPerSec: 0 };
const license = { licensee: 'ACME', product: 'vFwd', expires: '2030-01-31', key: 'k-1' };
const now = new Date('2030-01-31T12:00:00Z');

describe('checkLicense', () => {
  it('boots without a license unless the configuration requires one', () => {
    expect(checkLicense(base, now).ok).toBe(true);
    expect(checkLicense({ ...base, config: { licenseRequired: true } }, now)).toEqual({
      ok: false,
      reason: 'license required by the VNF configuration but none was given',
    });
  });

  it('accepts a valid license through its expiry day and refuses it after', () => {
    expect(checkLicense({ ...base, license }, now).ok).toBe(true);
    const after = checkLicense({ ...base, license }, new Date('2030-02-01T00:00:00Z'));
    expect(after).toEqual({ ok: false, reason: 'license of ACME expired on 2030-01-31' });
    const withTime = { ...license, expires: '2030-01-31T10:00:00Z' };
    expect(checkLicense({ ...base, license: withTime }, now).ok).toBe(false);
  });

  it('refuses malformed licenses and the wrong product', () => {
    expect(checkLicense({ ...base, license: { ...license, key: ' ' } }, now)).toMatchObject({ ok: false });
    expect(checkLicense({ ...base, license: { ...license, expires: 'soon' } }, now)).toMatchObject({
      ok: false,
    });
    const wrong = checkLicense({ ...base, license, config: { product: 'other' } }, now);
    expect(wrong).toEqual({ ok: false, reason: 'license is for product "vFwd", this VNF is "other"' });
    expect(checkLicense({ ...base, license, config: { product: 'vFwd' } }, now).ok).toBe(true);
  });
});
