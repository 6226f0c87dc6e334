import { describe, expect, it } from 'vitest';
import { LineSplitter, parseServerLine } from './server-output.js';

// Lines as iperf3 3.12 prints them (`iperf3 -s -i 0.1 --forceflush`), recorded on this machine.
describe('iperf3 server output', () => {
  it('reads interval lines of a stream and of the sum', () => {
    expect(
      parseServerLine('[  5]   1.00-1.10   sec   640 Bytes  51.2 Kbits/sec  0.045 ms  3002/3012 (1e+02%)  '),
    ).toEqual({
      kind: 'interval',
      stream: '5',
      startS: 1,
      endS: 1.1,
      jitterMs: 0.045,
      lost: 3002,
      total: 3012,
    });
    expect(
      parseServerLine('[SUM]   0.50-0.60   sec  61.5 KBytes  5.04 Mbits/sec  0.010 ms  0/984 (0%)  '),
    ).toMatchObject({ kind: 'interval', stream: 'SUM', startS: 0.5, lost: 0, total: 984 });
    expect(
      parseServerLine('[  5]   0.80-0.90   sec  0.00 Bytes  0.00 bits/sec  0.027 ms  0/0 (0%)  '),
    ).toMatchObject({ kind: 'interval', lost: 0, total: 0 });
  });

  it('reads the final summary (receiver), out-of-order lines, and the control lines', () => {
    expect(
      parseServerLine(
        '[  5]   0.00-1.60   sec   812 KBytes  4.16 Mbits/sec  0.007 ms  3002/16002 (19%)  receiver',
      ),
    ).toMatchObject({ kind: 'summary', stream: '5', endS: 1.6, lost: 3002, total: 16002 });
    expect(parseServerLine('[  5]   1.00-1.10   sec  3 datagrams received out-of-order')).toEqual({
      kind: 'outOfOrder',
      stream: '5',
      startS: 1,
      count: 3,
    });
    expect(parseServerLine('Server listening on 45311 (test #2)')).toEqual({
      kind: 'listening',
      port: 45311,
    });
    expect(parseServerLine('[  5] local 127.0.0.1 port 45311 connected to 127.0.0.1 port 55396')).toEqual({
      kind: 'connected',
    });
    expect(parseServerLine('- - - - - - - - - - - - - - - - - - - - - - - - -')).toEqual({
      kind: 'separator',
    });
    expect(
      parseServerLine('iperf3: error - unable to start listener for connections: Address already in use'),
    ).toEqual({ kind: 'error', message: 'unable to start listener for connections: Address already in use' });
    expect(
      parseServerLine('[ ID] Interval           Transfer     Bitrate         Jitter    Lost/Total Datagrams'),
    ).toEqual({
      kind: 'other',
    });
  });

  it('splits a stream cut anywhere into whole lines', () => {
    const s = new LineSplitter();
    expect(s.push('Server listen')).toEqual([]);
    expect(s.push('ing on 1 (test #1)\r\n[  5] lo')).toEqual(['Server listening on 1 (test #1)']);
    expect(s.push('cal\n')).toEqual(['[  5] local']);
  });
});
