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
    /** The iperf3 binary: a command on PATH, or a path (relative to the config file). */
    binary: z.string().min(1).exactOptional(),
    /** Report interval, s; iperf3 refuses less than 0.1. */
    intervalS: z.number().min(0.1).max(60).exactOptional(),
    /** DoesTrafficFlow: packets arrived in the last this many ms. */
    flowTimeoutMs: z.number().int().positive().exactOptional(),
    /** Longest wait for the intervals of a closed window, ms. */
    settleTimeoutMs: z.number().int().positive().exactOptional(),
    /** Longest wait for the client to connect at StartTraffic, ms. */
    startTimeoutMs: z.number().int().positive().exactOptional(),
    /** Socket buffers of both ends (`-w`), bytes. */
    socketBufferBytes: z.number().int().min(4096).exactOptional(),
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
