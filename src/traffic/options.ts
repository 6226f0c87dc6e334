/** Options of {@link BuiltinTraffic} (not part of the spec's trafficConfigParameter). */
import { TrafficParamsError } from './errors.js';
import type { TrafficIoPreference } from './udp-batch.js';

export interface BuiltinTrafficOptions {
  /** Address the receiver (sink) binds; default 127.0.0.1. */
  readonly sinkHost?: string;
  /** Port the receiver binds; default 0 (the OS picks). */
  readonly sinkPort?: number;
  /** Address the flow sockets bind; default 127.0.0.1 (::1) for a loopback target, else the OS's choice. */
  readonly sourceHost?: string;
  /**
   * Waiting time before a packet counts as lost (RFC 2680 §2.4 Tmax), measured
   * against the packets sent after it: a packet is judged once one sent
   * `graceMs` later has arrived, or, when nothing arrives at all, once it was
   * sent `graceMs` ago. A packet that comes after that is `late` and stays
   * lost. Closed windows are final this long after they close. Default 50 ms.
   */
  readonly graceMs?: number;
  /** DoesTrafficFlow: every flow had a packet within this many ms (at least 3 packet intervals). Default 100 ms. */
  readonly flowTimeoutMs?: number;
  /** Pacing and settle timer period, ms; default 1. */
  readonly tickMs?: number;
  /**
   * 'even' (default): packets are spaced across each tick (short blocking
   * waits in the generator thread, >= `minWaitMs` apart), which makes both
   * RFC 6201 methods accurate to ~0.1-0.2 ms. 'burst': each tick's packets
   * leave back to back (less CPU, ~1 ms resolution).
   */
  readonly spacing?: 'even' | 'burst';
  /**
   * Shortest wait between sends with 'even' spacing, ms (bounds the wake-ups per second); default 0.02 on the
   * native path (clock_nanosleep to an absolute deadline), 0.1 on dgram's (Atomics.wait).
   */
  readonly minWaitMs?: number;
  /** Longest back-to-back burst after a stall, in ms of traffic; the rest of the lag is repaid more slowly. Default 5 ms. */
  readonly burstCapMs?: number;
  /** Rate while repaying a lag after a stall, as a multiple of the rate (> 1); default 2. */
  readonly catchUpFactor?: number;
  /** Longest lag repaid, ms of traffic; beyond it packets are skipped (not sent, not lost). Default 200 ms. */
  readonly maxLagMs?: number;
  /** SO_SNDBUF / SO_RCVBUF asked for (the OS caps it at net.core.[rw]mem_max); default 4 MiB. */
  readonly socketBufferBytes?: number;
  /** Most windows (ClearCounters calls + 1) per run; default 1024. */
  readonly maxWindows?: number;
  /** First sequence number of every flow; default 0 (tests start near 2^32 to cross the wrap). */
  readonly firstSeq?: number;
  /**
   * Niceness for the generator and receiver threads (Linux, needs
   * CAP_SYS_NICE; ignored without it); null leaves them as inherited.
   * Default -10: they sleep most of the time but must wake on time.
   */
  readonly threadNice?: number | null;
  /** Longest wait for a closed window to settle before unsettled packets are declared lost; default 2 s. */
  readonly settleTimeoutMs?: number;
  /**
   * Socket I/O: 'native' (the udp_batch addon: sendmmsg/recvmmsg batches,
   * kernel receive stamps, the socket's drop counter; an error when it does
   * not load), 'dgram' (node:dgram), or 'auto' (default: the addon when it
   * loads, else dgram). Unset: VNFLAB_TRAFFIC_IO, else 'auto'.
   */
  readonly io?: TrafficIoPreference;
}

/** Options with every default filled in. */
export interface ResolvedOptions {
  readonly sinkHost: string;
  readonly sinkPort: number;
  readonly sourceHost: string | undefined;
  readonly graceMs: number;
  readonly flowTimeoutMs: number;
  readonly tickMs: number;
  readonly spacing: 'even' | 'burst';
  /** Undefined: the I/O path's default. */
  readonly minWaitMs: number | undefined;
  readonly burstCapMs: number;
  readonly catchUpFactor: number;
  readonly maxLagMs: number;
  readonly socketBufferBytes: number;
  readonly maxWindows: number;
  readonly firstSeq: number;
  readonly settleTimeoutMs: number;
  readonly threadNice: number | null;
  readonly io: TrafficIoPreference | undefined;
}

function positive(name: string, value: number | undefined, fallback: number, min = Number.MIN_VALUE): number {
  const v = value ?? fallback;
  if (!Number.isFinite(v) || v < min)
    throw new TrafficParamsError(`traffic.${name}`, `must be a number >= ${min}`);
  return v;
}

function spacing(value: string | undefined): 'even' | 'burst' {
  if (value === undefined || value === 'even' || value === 'burst') return value ?? 'even';
  throw new TrafficParamsError('traffic.spacing', `must be 'even' or 'burst', got ${value}`);
}

function niceness(value: number | null | undefined): number | null {
  if (value === null) return null;
  const v = value ?? -10;
  if (!Number.isInteger(v) || v < -20 || v > 19)
    throw new TrafficParamsError('traffic.threadNice', 'must be an integer in -20..19 or null');
  return v;
}

function ioPreference(value: string | undefined): TrafficIoPreference | undefined {
  if (value === undefined || value === 'auto' || value === 'native' || value === 'dgram') return value;
  throw new TrafficParamsError('traffic.io', `must be 'auto', 'native' or 'dgram', got ${value}`);
}

/** Fill in defaults and validate; errors name the option as `traffic.<name>`. */
export function resolveOptions(o: BuiltinTrafficOptions): ResolvedOptions {
  const sinkPort = o.sinkPort ?? 0;
  if (!Number.isInteger(sinkPort) || sinkPort < 0 || sinkPort > 65_535) {
    throw new TrafficParamsError('traffic.sinkPort', 'must be an integer in 0..65535');
  }
  const firstSeq = o.firstSeq ?? 0;
  if (!Number.isSafeInteger(firstSeq) || firstSeq < 0 || firstSeq > 2 ** 52) {
    throw new TrafficParamsError('traffic.firstSeq', 'must be an integer in 0..2^52');
  }
  return {
    sinkHost: o.sinkHost ?? '127.0.0.1',
    sinkPort,
    sourceHost: o.sourceHost,
    graceMs: positive('graceMs', o.graceMs, 50, 1),
    flowTimeoutMs: positive('flowTimeoutMs', o.flowTimeoutMs, 100, 1),
    tickMs: positive('tickMs', o.tickMs, 1, 1),
    spacing: spacing(o.spacing),
    minWaitMs: o.minWaitMs === undefined ? undefined : positive('minWaitMs', o.minWaitMs, 0.1, 0.001),
    burstCapMs: positive('burstCapMs', o.burstCapMs, 5),
    catchUpFactor: positive('catchUpFactor', o.catchUpFactor, 2, 1.01),
    maxLagMs: positive('maxLagMs', o.maxLagMs, 200),
    socketBufferBytes: Math.floor(positive('socketBufferBytes', o.socketBufferBytes, 4 * 1024 * 1024, 4096)),
    maxWindows: Math.floor(positive('maxWindows', o.maxWindows, 1024, 1)),
    firstSeq,
    settleTimeoutMs: positive('settleTimeoutMs', o.settleTimeoutMs, 2000, 1),
    threadNice: niceness(o.threadNice),
    io: ioPreference(o.io),
  };
}
