/** What the receiver worker is started and attached with (structured-clone safe). */
import type { AnalyzerOptions } from './analyzer.js';
import type { SharedLayout } from './shared-state.js';
import type { TrafficIo } from './udp-batch.js';

/** What the receiver worker starts with. */
export interface ReceiverConfig {
  readonly host: string;
  /** 0 lets the OS pick. */
  readonly port: number;
  readonly socketBufferBytes: number;
  /** Period of the settle tick, ms. */
  readonly tickMs: number;
  /** Niceness asked for the receiver thread (null: unchanged). */
  readonly threadNice: number | null;
  /** The udp_batch addon to receive with (recvmmsg, kernel stamps, drop counter); null: node:dgram. */
  readonly addonPath: string | null;
}

/** What the receiver gets for each run (startTraffic). */
export interface ReceiverAttach extends AnalyzerOptions {
  readonly buffer: SharedArrayBuffer;
  readonly layout: SharedLayout;
}

/** Receiver -> harness messages outside RPC. */
export type ReceiverEvent =
  | {
      readonly type: 'ready';
      readonly host: string;
      readonly port: number;
      readonly recvBufferBytes: number;
      readonly threadNice: number;
      readonly io: TrafficIo;
      /** Where arrival stamps come from: the kernel (SO_TIMESTAMPNS) or the receiver thread's read. */
      readonly stamps: 'kernel' | 'thread';
    }
  | { readonly type: 'failed'; readonly message: string; readonly code: string | undefined };
