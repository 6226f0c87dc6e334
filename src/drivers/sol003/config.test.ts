import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { parseConfig } from '../../config/load.js';
import { checkSol003Auth, sol003ConfigSchema, sol003ConfigShape, toSol003VnfmConfig } from './config.js';

const tackerExample = parseYaml(
  readFileSync(new URL('../../../examples/tacker.yaml', import.meta.url), 'utf8'),
) as { vnfm: Record<string, unknown> } & Record<string, unknown>;

describe('SOL003 driver configuration', () => {
  it('accepts examples/tacker.yaml: Keystone auth, CA file, vimConnectionInfo map, notifications', () => {
    const { driver, ...vnfm } = tackerExample.vnfm;
    expect(driver).toBe('sol003');
    const config = toSol003VnfmConfig(sol003ConfigSchema.parse(vnfm));
    expect(config).toMatchObject({
      baseUrl: 'https://tacker.example.net:9890/vnflcm/v2',
      apiVersion: '2.0.0',
      auth: { type: 'keystone', credentials: { authUrl: 'https://keystone.example.net/identity/v3' } },
      tls: { caFile: '/etc/ssl/certs/openstack-ca.pem', verify: true },
      vimConnectionInfo: { vim1: { vimType: 'ETSINFV.OPENSTACK_KEYSTONE.V_3' } },
      notifications: { callbackUrl: 'http://192.0.2.10:9099/vnflab/lcm-notifications' },
      rollbackOnFailedTemp: false,
      operateUnsupported: 'noop-if-in-state',
    });
    // The rest of the example is a valid run configuration as it stands.
    expect(() => parseConfig({ ...tackerExample, vnfm: { driver: 'lab' } })).not.toThrow();
  });

  it('composes into the run configuration as a discriminated union member', () => {
    const vnfmSchema = z.discriminatedUnion('driver', [
      z.object({ driver: z.literal('lab') }).strict(),
      z
        .object({ driver: z.literal('sol003'), ...sol003ConfigShape })
        .strict()
        .superRefine(checkSol003Auth),
    ]);
    expect(vnfmSchema.parse(tackerExample.vnfm)).toMatchObject({ driver: 'sol003' });
    expect(vnfmSchema.safeParse({ ...tackerExample.vnfm, token: 't' }).success).toBe(false);
    expect(vnfmSchema.safeParse({ ...tackerExample.vnfm, bogus: 1 }).success).toBe(false);
  });

  it('maps each way of authenticating, and refuses two at once or half of basic', () => {
    const base = { baseUrl: 'http://vnfm/vnflcm/v2' };
    const auth = (extra: object) => toSol003VnfmConfig(sol003ConfigSchema.parse({ ...base, ...extra })).auth;
    expect(auth({ noAuth: true })).toBeUndefined();
    // No credentials at all is more likely forgotten than meant: say so, or noAuth: true.
    expect(sol003ConfigSchema.safeParse(base).error?.issues[0]?.message).toBe(
      'no credentials for the VNFM: give one of oauth2, keystone, token, or username + password (or noAuth: true for a VNFM that takes none)',
    );
    expect(sol003ConfigSchema.safeParse({ ...base, noAuth: true, token: 't' }).success).toBe(false);
    expect(auth({ username: 'u', password: 'p' })).toEqual({ type: 'basic', username: 'u', password: 'p' });
    expect(auth({ token: 't' })).toEqual({ type: 'bearer', token: 't' });
    expect(auth({ oauth2: { tokenUrl: 'http://vnfm/token', clientId: 'c', clientSecret: 's' } })).toEqual({
      type: 'oauth2',
      tokenUrl: 'http://vnfm/token',
      clientId: 'c',
      clientSecret: 's',
    });
    expect(sol003ConfigSchema.safeParse({ ...base, username: 'u' }).success).toBe(false);
    const both = sol003ConfigSchema.safeParse({ ...base, token: 't', username: 'u', password: 'p' });
    expect(both.error?.issues[0]?.message).toContain('username/password and token');
    expect(
      toSol003VnfmConfig(sol003ConfigSchema.parse({ ...base, token: 't', tls: { verify: false } })).tls,
    ).toEqual({
      verify: false,
    });
    const resolved = toSol003VnfmConfig(
      sol003ConfigSchema.parse({ ...base, token: 't', vnfdFile: 'vnfd.yaml', tls: { caFile: 'ca.pem' } }),
      (p) => `/etc/vnflab/${p}`,
    );
    expect(resolved).toMatchObject({
      vnfdFile: '/etc/vnflab/vnfd.yaml',
      tls: { caFile: '/etc/vnflab/ca.pem' },
    });
  });
});
