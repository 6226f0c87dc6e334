/**
 * Traffic port: the spec's `traffic` module.
 *
 * Measurement follows RFC 6201 (both methods) on sequence-numbered,
 * timestamped datagrams. Counters are read per **window**: a window is the
 * range of sequence numbers the generator sent between two calls of
 * {@link Traffic.clearCounters} (the plan's ClearCounters "opens a window").
 * A packet belongs to the window in which it was sent, so loss is charged to
 * the moment it was offered, not to when its absence was noticed.
 */
import type { Endpoint } from '../util/outcome.js';

/** The plan's reference implementation names three load levels. */
export type LoadLevel = 'LOW' | 'NORMAL' | 'MAX';

/** trafficConfigParameter of the spec. */
export interface TrafficParams {
  /** Packets per second for each load level; the run picks one. */
  readonly loadLevels: Readonly<Record<LoadLevel, number>>;
  /** UDP payload size in bytes (>= the 32-byte vnflab header). */
  readonly packetSizeBytes: number;
  /** Number of flows (distinct source ports), each with its own sequence space. */
  readonly flows: number;
  /** Where the generator sends: the VNF's ingress. */
  readonly target: Endpoint;
}

/** Counters of one window (or of the whole run). */
export interface WindowStats {
  readonly name: string;
  /** Monotonic ms (process.hrtime) when the window opened / closed (null while open). */
  readonly openedAtMs: number;
  readonly closedAtMs: number | null;
  readonly sent: number;
  readonly received: number;
  /** Sent in this window and never received (after the grace period for in-flight packets). */
  readonly lost: number;
  readonly duplicated: number;
  /** RFC 4737 reordered packets (arrived after a higher sequence number). */
  readonly reordered: number;
  /** Offered rate actually achieved by the generator in this window, packets/s. */
  readonly offeredRateHz: number;
}

/** One contiguous run of lost packets in one flow. */
export interface LossEpisode {
  readonly flow: number;
  readonly firstLostSeq: number;
  readonly lastLostSeq: number;
  readonly lost: number;
  /** RFC 6201 §4.2 timestamp method: arrival of first packet after - arrival of last packet before, ms. */
  readonly gapMs: number | null;
  /** Send time (monotonic ms) of the first and last lost packets. */
  readonly firstLostSentAtMs: number;
  readonly lastLostSentAtMs: number;
}

/** CalculateServiceDisruptionLength result. */
export interface Disruption {
  /** RFC 6201 §4.2.1 frame-loss method: lost / offered rate, ms. The reported serviceDisruptionMs. */
  readonly lossDerivedMs: number;
  /** RFC 6201 §4.2.2 timestamp method summed over episodes, ms; null if no episode had packets on both sides. */
  readonly gapDerivedMs: number | null;
  /** Resolution of both methods: one inter-packet interval, ms. */
  readonly resolutionMs: number;
  readonly lost: number;
  readonly offeredRateHz: number;
  readonly episodes: readonly LossEpisode[];
}

export interface TrafficTotals {
  readonly sent: number;
  readonly received: number;
  readonly lost: number;
  readonly duplicated: number;
  readonly reordered: number;
  readonly offeredRateHz: number;
  readonly durationMs: number;
  /** Every closed window, in order. */
  readonly windows: readonly WindowStats[];
}

export interface Traffic {
  readonly name: string;
  /**
   * Bind the receiver before the VNF exists, so its address can be put into
   * the VNF's configuration as the egress (where the VNF forwards to).
   */
  prepare(): Promise<{ sink: Endpoint }>;
  /** traffic.ConfigTrafficLoad(level, trafficConfigParameter). */
  configTrafficLoad(level: LoadLevel, params: TrafficParams): Promise<void>;
  /** traffic.StartTraffic: starts sending; opens the first window, named `name`. */
  startTraffic(windowName?: string): Promise<void>;
  /** traffic.DoesTrafficFlow: packets arrive now (some loss does not make it false; only total loss does). */
  doesTrafficFlow(): Promise<boolean>;
  /** traffic.AnyTrafficLoss: any packet of the current window lost so far (settled packets only). */
  anyTrafficLoss(): Promise<boolean>;
  /**
   * traffic.ClearCounters: close the current window (its stats are returned
   * once in-flight packets have had their grace period) and open a new one.
   */
  clearCounters(newWindowName: string): Promise<WindowStats | null>;
  /** Snapshot of the current, still open window. */
  readWindow(): Promise<WindowStats>;
  /** Snapshot of a closed window by name. */
  getWindow(name: string): Promise<WindowStats | null>;
  /**
   * traffic.CalculateServiceDisruptionLength over one closed window (or all
   * traffic so far when no name is given); null when nothing can be computed
   * (the plan's FALSE).
   */
  calculateServiceDisruptionLength(windowName?: string): Promise<Disruption | null>;
  /** traffic.StopTraffic: stop sending, wait for in-flight packets, close the last window. */
  stopTraffic(): Promise<TrafficTotals>;
  /** Release sockets and workers; safe to call twice and without start. */
  close(): Promise<void>;
}
