import { runTrafficContract } from '../../ports/traffic.contract.js';
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
  },
  skip: available ? false : 'iperf3 binary not found (apt-get install -y iperf3)',
});
