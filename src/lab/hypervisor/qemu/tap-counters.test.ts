import { describe, expect, it } from 'vitest';
import { carriedDataFrame, parseNetDev, type IfaceCounters } from './tap-counters.js';

const NET_DEV = `Inter-|   Receive                                                |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
    lo:       0       0    0    0    0     0          0         0        0       0    0    0    0     0       0          0
  t1n0: 1182402   12080    0    0    0     0          0         0  5282400   50320    0   17    0     0       0          0
  t1n1: 4951560   50310    0    3    0     0          0         0     1200      10    0    0    0     0       0          0
`;

const at = (rxPackets: number, rxBytes: number): IfaceCounters => ({
  rxBytes,
  rxPackets,
  rxDropped: 0,
  txBytes: 0,
  txPackets: 0,
  txDropped: 0,
});

describe('tap counters', () => {
  it('parses /proc/<pid>/net/dev per interface', () => {
    const m = parseNetDev(NET_DEV);
    expect([...m.keys()]).toEqual(['lo', 't1n0', 't1n1']);
    expect(m.get('t1n0')).toEqual({
      rxBytes: 1182402,
      rxPackets: 12080,
      rxDropped: 0,
      txBytes: 5282400,
      txPackets: 50320,
      txDropped: 17,
    });
    expect(m.get('t1n1')?.rxDropped).toBe(3);
  });

  it("tells a forwarded datagram from QEMU's 60-byte self-announce and ARP", () => {
    expect(carriedDataFrame(at(0, 0), at(3, 180))).toBe(false); // three RARP announces
    expect(carriedDataFrame(at(3, 180), at(4, 222))).toBe(false); // an ARP request
    expect(carriedDataFrame(at(3, 180), at(5, 180 + 60 + 106))).toBe(true); // announce + a 64-byte payload datagram
    expect(carriedDataFrame(at(5, 400), at(5, 400))).toBe(false);
  });
});
