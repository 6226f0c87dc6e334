import { describe, expect, it } from 'vitest';
import { tokensUrl } from './keystone-client.js';
import { chooseMicroversion, formatMicroversion } from '../../protocols/nova/microversion.js';
import { versionDocUrl } from './nova-client.js';

const choose = (ours: string, min: string, max: string): string | null => {
  const v = chooseMicroversion(ours, min, max);
  return v === null ? null : formatMicroversion(v);
};

describe('microversion negotiation', () => {
  it('uses min(ours, server max)', () => {
    expect(choose('2.80', '2.1', '2.104')).toBe('2.80');
    expect(choose('2.80', '2.1', '2.60')).toBe('2.60');
    expect(choose('2.99', '2.1', '2.80')).toBe('2.80');
  });

  it('compares numerically, not as text (2.9 < 2.10)', () => {
    expect(choose('2.10', '2.1', '2.9')).toBe('2.9');
  });

  it('treats a server without microversions as 2.1', () => {
    expect(choose('2.80', '', '')).toBe('2.1');
  });

  it('gives up when the server needs more than we speak', () => {
    expect(choose('2.10', '2.20', '2.90')).toBeNull();
  });
});

describe('endpoint URLs', () => {
  it('finds the version document of a compute endpoint, with or without project id', () => {
    expect(versionDocUrl('http://h:8774/v2.1')).toBe('http://h:8774/v2.1/');
    expect(versionDocUrl('http://h/compute/v2.1/6f70656e737461636b20342065766572')).toBe(
      'http://h/compute/v2.1/',
    );
  });

  it('builds the token URL from OS_AUTH_URL with or without /v3', () => {
    expect(tokensUrl('http://h/identity')).toBe('http://h/identity/v3/auth/tokens');
    expect(tokensUrl('http://h/identity/v3/')).toBe('http://h/identity/v3/auth/tokens');
  });
});
