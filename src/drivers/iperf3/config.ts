/**
 * The user-facing options of the iperf3 traffic driver (`traffic.iperf3` in
 * a run configuration, used with `traffic.driver: iperf3`) and their
 * translation into {@link Iperf3TrafficOptions}. Where the server binds
 * comes from `traffic.sinkHost` / `sinkPort`, as for the builtin.
 */
import { z } from 'zod';
import type { Iperf3TrafficOptions } from './iperf3-traffic.js';

export const iperf3ConfigSchema = z
  .object({
    binary: z
      .string()
      .min(1)
      .exactOptional()
      .describe('The iperf3 binary: a command on PATH, or a path relative to this file; default iperf3.'),
    intervalS: z
      .number()
      .min(0.1)
      .max(60)
      .exactOptional()
      .describe('Report interval, s (iperf3 refuses less than 0.1).'),
    flowTimeoutMs: z
      .number()
      .int()
      .positive()
      .exactOptional()
      .describe('DoesTrafficFlow: packets arrived in the last this many ms.'),
    settleTimeoutMs: z
      .number()
      .int()
      .positive()
      .exactOptional()
      .describe('Longest wait for the intervals of a closed window, ms.'),
    startTimeoutMs: z
      .number()
      .int()
      .positive()
      .exactOptional()
      .describe('Longest wait for the client to connect at StartTraffic, ms.'),
    socketBufferBytes: z
      .number()
      .int()
      .min(4096)
      .exactOptional()
      .describe('Socket buffers of both ends (iperf3 -w), bytes.'),
  })
  .strict();

export type Iperf3UserConfig = z.output<typeof iperf3ConfigSchema>;

/**
 * The driver options; `resolveFile` makes a relative `binary` path absolute.
 * A bare name ('iperf3') stays as it is: spawn looks it up on PATH.
 */
export function toIperf3TrafficOptions(
  c: Iperf3UserConfig,
  sink: { readonly sinkHost: string; readonly sinkPort: number },
  resolveFile: (path: string) => string = (path) => path,
): Iperf3TrafficOptions {
  const { binary, ...rest } = c;
  return {
    ...rest,
    sinkHost: sink.sinkHost,
    sinkPort: sink.sinkPort,
    ...(binary !== undefined ? { binary: binary.includes('/') ? resolveFile(binary) : binary } : {}),
  };
}
