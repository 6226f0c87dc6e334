import { describe, expect, it } from 'vitest';
import { decodeHandleId, encodeHandleId, parseResourceRef } from './migration-handle.js';

describe('kubevirt handle ids', () => {
  it('round-trip every leg', () => {
    const legs = [
      { namespace: 'a', vmiName: 'vm-1', vmimName: 'vnflab-vm-1-x7k2p', vmimUid: '1-2-3' },
      { namespace: 'b', vmiName: 'vm-2', vmimName: 'm', vmimUid: 'u' },
    ];
    expect(decodeHandleId(encodeHandleId(legs))).toEqual(legs);
  });

  it.each(['', 'a/b/c', 'a/b/c/d/e', 'a//c/d', '12/7'])('refuses %j', (id) => {
    expect(() => decodeHandleId(id)).toThrow(
      expect.objectContaining({ code: 'KUBEVIRT_BAD_HANDLE' }) as Error,
    );
  });

  it('resource refs: bare names in the default namespace, or namespace/name', () => {
    expect(parseResourceRef('vm', 'vnf')).toEqual({ namespace: 'vnf', name: 'vm' });
    expect(parseResourceRef('other/vm', 'vnf')).toEqual({ namespace: 'other', name: 'vm' });
  });
});
