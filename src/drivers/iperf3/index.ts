/** Public API of the iperf3 traffic driver. */
export { Iperf3Traffic, type Iperf3TrafficOptions } from './iperf3-traffic.js';
export { Iperf3Error, type Iperf3ErrorCode } from './errors.js';
export { iperf3Available } from './iperf3-process.js';
export { parseServerLine, type ServerLine, type ServerInterval } from './server-output.js';
export { parseClientReport, type ClientReport } from './client-output.js';
