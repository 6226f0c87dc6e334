/** What the generator worker is started with (structured-clone safe). */
import type { Endpoint } from '../util/outcome.js';
import type { SharedLayout } from './shared-state.js';
import type { TrafficIo } from './udp-batch.js';

export interface GeneratorConfig {
  readonly buffer: SharedArrayBuffer;
  readonly layout: SharedLayout;
  /** Aggregate rate over all flows, packets/s. */
  readonly rateHz: number;
  readonly packetSizeBytes: number;
  readonly target: Endpoint;
  /** Address the flow sockets bind (port 0); null lets the OS choose. */
  readonly sourceHost: string | null;
  readonly firstSeq: number;
  readonly runId: number;
  /** Pacing tick, ms. */
  readonly tickMs: number;
  /** 'even': packets spaced within the tick; 'burst': each tick's packets back to back. */
  readonly spacing: 'even' | 'burst';
  /** Shortest wait between two sends with 'even' spacing, ms (bounds the wake-ups per second). */
  readonly minWaitMs: number;
  /** Most packets sent back to back after a stall (see pacer.ts). */
  readonly burstCapPackets: number;
  /** Rate while repaying a lag, as a multiple of the rate. */
  readonly catchUpFactor: number;
  /** Longest lag repaid, packets; beyond it packets are skipped (not sent, not lost). */
  readonly maxLagPackets: number;
  /** Packets to send in all (a run of fixed duration); null: until stopped. */
  readonly limitPackets: number | null;
  readonly socketBufferBytes: number;
  /** Niceness asked for the generator thread (null: unchanged). */
  readonly threadNice: number | null;
  /** The udp_batch addon to send with (sendmmsg, clock_nanosleep); null: node:dgram. */
  readonly addonPath: string | null;
}

/** Messages from the generator worker. */
export type GeneratorEvent =
  | {
      readonly type: 'ready';
      readonly sourcePorts: readonly number[];
      readonly sendBufferBytes: number;
      readonly threadNice: number;
      readonly io: TrafficIo;
    }
  | { readonly type: 'started'; readonly startedAtMs: number }
  | { readonly type: 'stopped'; readonly stoppedAtMs: number }
  | { readonly type: 'failed'; readonly message: string };
