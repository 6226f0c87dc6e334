import { describe, expect, it } from 'vitest';
import { ImpairmentGate } from '../../traffic/impairment-gate.js';
import { runTrafficContract } from '../../../test/contracts/traffic.contract.js';
import { iperf3Available } from './iperf3-process.js';
import { Iperf3Traffic } from './iperf3-traffic.js';

const available = await iperf3Available();

runTrafficContract({
  name: 'iperf3',
  create: () => new Iperf3Traffic(),
  // Lines come every 0.1 s: a window closes once the interval after its cut was reported.
  settleMs: 150,
  capabilities: {
    sequenceWindows: false,
    windowResolutionMs: 150,
    timestampMethod: false,
    lossVisibleDuringOutage: false,
    controlDatagramsPerFlow: 1,
    needsTcpPath: true,
    fixedDuration: false,
  },
  skip: available ? false : 'iperf3 binary not found (apt-get install -y iperf3)',
});

describe('Iperf3Traffic failures', () => {
  it('a missing binary is IPERF3_NOT_FOUND', async () => {
    const t = new Iperf3Traffic({ binary: '/nonexistent/iperf3' });
    await expect(t.prepare()).rejects.toMatchObject({ code: 'IPERF3_NOT_FOUND' });
    await t.close();
  });

  it.skipIf(!available)('a path without TCP for the control connection is IPERF3_CLIENT_FAILED', async () => {
    const t = new Iperf3Traffic({ startTimeoutMs: 3000 });
    const { sink } = await t.prepare();
    const gate = await ImpairmentGate.start(sink); // UDP only
    try {
      await t.configTrafficLoad('LOW', {
        loadLevels: { LOW: 1000, NORMAL: 1000, MAX: 1000 },
        packetSizeBytes: 64,
        flows: 1,
        target: gate.ingress,
      });
      await expect(t.startTraffic()).rejects.toMatchObject({ code: 'IPERF3_CLIENT_FAILED' });
    } finally {
      await gate.close();
      await t.close();
    }
  });
});
