import { describe, expect, it } from 'vitest';
import { isLabId, MAX_SLOT, plan } from './address-plan.js';

describe('address plan', () => {
  const n = plan({ labId: 'ab12', prefix: '10.213' });

  it('keeps interface names within the 15 bytes Linux allows', () => {
    const names = [
      n.rootVeth,
      n.fabricUplink,
      n.fabricBridge,
      n.fabricHostPort(99),
      n.hostUplink,
      n.hostBridge,
      n.tap(MAX_SLOT, 9),
    ];
    for (const name of names) expect(name.length).toBeLessThanOrEqual(15);
    expect(n.rootVeth).toBe('vqab12r');
    expect(n.fabricNs).toBe('vnflab-ab12-fab');
    expect(n.hostNs(2)).toBe('vnflab-ab12-h2');
  });

  it('gives each slot its own addresses and MACs, the same on every host', () => {
    expect(n.vmServiceAddress(1)).toBe('10.213.3.11');
    expect(n.vmIngressAddress(MAX_SLOT)).toBe('10.213.1.250');
    expect(n.vmMac(1, 0)).toBe('52:54:00:d5:00:01');
    expect(n.vmMac(MAX_SLOT, 1)).toBe('52:54:00:d5:01:f0');
    const macs = new Set(Array.from({ length: MAX_SLOT }, (_, i) => n.vmMac(i + 1, 0)));
    expect(macs.size).toBe(MAX_SLOT);
  });

  it('accepts only 4-hex-char lab ids', () => {
    expect(isLabId('ab12')).toBe(true);
    expect(isLabId('AB12')).toBe(false);
    expect(isLabId('ab123')).toBe(false);
  });
});
