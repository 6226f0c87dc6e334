import { describe, expect, it } from 'vitest';
import { encodeAnnounce, parseAnnounce } from './announce.js';

describe('announce datagrams', () => {
  it('round-trip', () => {
    const m = { vmId: 'vm-1', endpoint: { host: '127.0.0.1', port: 40000 }, atNs: '123456789' };
    expect(parseAnnounce(encodeAnnounce(m))).toEqual({ type: 'announce', ...m });
  });

  it('rejects malformed ones', () => {
    expect(parseAnnounce(Buffer.from('not json'))).toBeNull();
    expect(parseAnnounce(Buffer.from('{"type":"announce","vmId":"a","atNs":"1"}'))).toBeNull();
    expect(
      parseAnnounce(
        Buffer.from('{"type":"announce","vmId":"a","atNs":"-1","endpoint":{"host":"h","port":1}}'),
      ),
    ).toBeNull();
    expect(
      parseAnnounce(
        Buffer.from('{"type":"announce","vmId":"a","atNs":"1","endpoint":{"host":"h","port":70000}}'),
      ),
    ).toBeNull();
  });
});
