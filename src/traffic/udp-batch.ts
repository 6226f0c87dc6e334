/**
 * The udp_batch native addon (native/udp-batch/, issue #21): sendmmsg /
 * recvmmsg in batches, the kernel's receive stamp of every datagram
 * (SO_TIMESTAMPNS, moved onto CLOCK_MONOTONIC), the socket's own drop
 * counter with each batch (SO_RXQ_OVFL) and sleeps to absolute deadlines
 * (clock_nanosleep on CLOCK_MONOTONIC). Node's dgram has none of them.
 *
 * Which binary: the one built from source at install
 * (native/udp-batch/build/Release), else the prebuilt one shipped for this
 * platform (prebuilds/<platform>-<arch>/). The harness picks the I/O path
 * once (`chooseTrafficIo`) and hands the workers the binary's path; each
 * worker loads it itself (N-API addons are per thread).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { packagePath } from '../util/package-files.js';
import { TrafficError } from './errors.js';

/** The addon's functions (native/udp-batch/udp_batch.c documents each). */
export interface UdpBatchAddon {
  openSocket(
    family: 4 | 6,
    host: string,
    port: number,
    recvBufferBytes: number,
    sendBufferBytes: number,
  ): { fd: number; port: number; recvBufferBytes: number; sendBufferBytes: number };
  connect(fd: number, host: string, port: number): void;
  /** Datagrams sent (may be fewer than `count`), or -errno when none could be. */
  sendBatch(fd: number, buffer: Uint8Array, datagramBytes: number, count: number): number;
  /**
   * Waits up to `timeoutMs` for a datagram, then takes up to
   * `lengths.length` of them. `stampsMs[i]`: the kernel's receive stamp
   * (CLOCK_MONOTONIC ms). `meta[0]`: the socket's drop counter as the last
   * datagram carried it (set only once it is above 0; each datagram carries
   * the count at the time it was queued).
   */
  recvBatch(
    fd: number,
    buffer: Uint8Array,
    slotBytes: number,
    lengths: Uint32Array,
    stampsMs: Float64Array,
    meta: Float64Array,
    timeoutMs: number,
  ): number;
  /** The socket's drop count now (SO_MEMINFO), exact even when no datagram came after the drops; -1: not reported. */
  socketDrops(fd: number): number;
  sleepUntilMs(deadlineMs: number): void;
  monoMs(): number;
  close(fd: number): void;
}

/** Which socket I/O the builtin tester uses. */
export type TrafficIo = 'native' | 'dgram';

/** What the I/O choice was and why (the record's traffic environment and the log line). */
export type TrafficIoChoice =
  | { readonly io: 'native'; readonly addonPath: string; readonly reason: string }
  | { readonly io: 'dgram'; readonly addonPath: null; readonly reason: string };

/** The option / VNFLAB_TRAFFIC_IO: 'auto' takes the addon when it loads. */
export type TrafficIoPreference = 'auto' | TrafficIo;

/** Where the binary may be, in order: built from source, then the shipped prebuilt one. */
export function addonCandidates(): string[] {
  const override = process.env.VNFLAB_UDP_BATCH_ADDON;
  if (override !== undefined && override !== '') return [override];
  return [
    packagePath('native/udp-batch/build/Release/udp_batch.node'),
    packagePath(`prebuilds/${process.platform}-${process.arch}/udp_batch.node`),
  ];
}

/** Load the addon from `path` (in the calling thread). */
export function loadUdpBatch(path: string): UdpBatchAddon {
  return createRequire(import.meta.url)(path) as UdpBatchAddon;
}

/**
 * Pick the I/O path. `preference` 'dgram' (or VNFLAB_TRAFFIC_IO=dgram) never
 * loads the addon; 'native' requires it (throws when it does not load);
 * 'auto' takes it when one of the candidates loads and works here.
 */
export function chooseTrafficIo(preference: TrafficIoPreference = envPreference()): TrafficIoChoice {
  if (preference === 'dgram')
    return { io: 'dgram', addonPath: null, reason: 'node:dgram asked for (traffic.io / VNFLAB_TRAFFIC_IO)' };
  const failures: string[] = [];
  for (const path of addonCandidates()) {
    if (!existsSync(path)) {
      failures.push(`${path}: absent`);
      continue;
    }
    try {
      const addon = loadUdpBatch(path);
      // A binary that loads but cannot work here (an old kernel without the options) is no better than none.
      const probe = addon.openSocket(4, '127.0.0.1', 0, 0, 0);
      addon.close(probe.fd);
      return { io: 'native', addonPath: path, reason: `udp_batch addon loaded from ${path}` };
    } catch (e) {
      failures.push(`${path}: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
    }
  }
  const reason = `udp_batch addon not loaded (${failures.join('; ')})`;
  if (preference === 'native') throw new TrafficError('TRAFFIC_ADDON_UNAVAILABLE', reason);
  return { io: 'dgram', addonPath: null, reason };
}

function envPreference(): TrafficIoPreference {
  const v = process.env.VNFLAB_TRAFFIC_IO;
  return v === 'dgram' || v === 'native' ? v : 'auto';
}
