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
  /**
   * Send for this long, then stop sending (windows stay open until
   * StopTraffic; a window after the end offers nothing). Absent: until
   * StopTraffic.
   */
  readonly durationMs?: number;
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
  /** Of `lost`, those that arrived after the grace period (delayed, not dropped); absent where the driver cannot tell. */
  readonly late?: number;
  /** One-way latency per flow of the packets received (absent where the implementation cannot timestamp). */
  readonly latency?: readonly FlowLatency[];
  /** Received / lost per time bin, for plots (absent where the implementation has no per-packet view). */
  readonly timeline?: TrafficTimeline;
}

/**
 * One-way latency of one flow (arrival - send time on the shared monotonic
 * clock), from a log-linear (HDR-style) histogram: percentiles are the upper
 * edge of their bucket, within `precision` (relative) of the true value.
 */
export interface FlowLatency {
  readonly flow: number;
  /** Packets measured. */
  readonly count: number;
  /** Null when no packet was measured. */
  readonly minMs: number | null;
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
  /** Exact (not bucketed). */
  readonly maxMs: number | null;
  readonly meanMs: number | null;
  /** Relative bucket width of the histogram (e.g. 0.0079: percentiles within 0.79 %), plus 1 us absolute. */
  readonly precision: number;
}

/**
 * Received and lost packets per bin of `binMs`, by **send** time (a lost
 * packet is charged to when it was offered, like windows are). Bin `i`
 * covers [startMs + i * binMs, startMs + (i + 1) * binMs) on the monotonic clock.
 */
export interface TrafficTimeline {
  readonly binMs: number;
  /** Monotonic ms where bin 0 starts. */
  readonly startMs: number;
  readonly received: readonly number[];
  readonly lost: readonly number[];
  /**
   * Longest one-way latency of a packet received per bin, ms (null: none
   * received); absent where the implementation cannot timestamp.
   */
  readonly maxLatencyMs?: readonly (number | null)[];
  /** Bins beyond the kept maximum were not recorded (counters still count them). */
  readonly truncated: boolean;
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
  /** RFC 6201 frame-loss method for this episode: lost / the flow's offered rate, ms. */
  readonly lossDerivedMs?: number;
  /**
   * RFC 6201 timestamp method for this episode: `gapMs` less one inter-packet
   * interval (the bordering packets' own spacing), ms; null like `gapMs`.
   */
  readonly gapDerivedMs?: number | null;
  /** Resolution of both values: one inter-packet interval of the flow, ms. */
  readonly resolutionMs?: number;
  /** Arrival (monotonic ms) of the in-order packets bordering the episode, null if none; absent where the driver does not see packets. */
  readonly arrivalBeforeMs?: number | null;
  readonly arrivalAfterMs?: number | null;
  /** Only the part of an episode sent in one window (it also lost packets sent in a neighbouring window); gapMs is then null. */
  readonly clipped?: boolean;
}

/** CalculateServiceDisruptionLength result. */
export interface Disruption {
  /** RFC 6201 §4.2.1 frame-loss method: lost / offered rate, ms. The reported serviceDisruptionMs. */
  readonly lossDerivedMs: number;
  /**
   * RFC 6201 §4.2.2 timestamp method summed over episodes (each gap less one
   * inter-packet interval, see LossEpisode.gapDerivedMs), ms; null if no
   * episode had packets on both sides.
   */
  readonly gapDerivedMs: number | null;
  /** Resolution of both methods: one inter-packet interval, ms. */
  readonly resolutionMs: number;
  /** Resolution of the frame-loss value, ms (where it differs from `resolutionMs`). */
  readonly lossResolutionMs?: number;
  /** Resolution of the timestamp value, ms; null where the method does not apply. */
  readonly gapResolutionMs?: number | null;
  readonly lost: number;
  readonly offeredRateHz: number;
  readonly episodes: readonly LossEpisode[];
}

/**
 * The tester's own health over a session, so a verdict can say when its
 * figures were disturbed by the tester rather than the system under test.
 * Null fields: the implementation cannot tell.
 */
export interface TesterSelfCheck {
  /** Datagrams the kernel dropped at the receiver's socket (receive queue overflow). */
  readonly receiverSocketDrops: number | null;
  /** Arrived after the grace period (counted lost). */
  readonly late: number | null;
  /** Packets the generator did not send because it lagged beyond what it repays. */
  readonly skipped: number | null;
  /** Most datagrams sent back to back (after a stall). */
  readonly maxBurstPackets: number | null;
  /** Send calls the OS refused. */
  readonly sendErrors: number | null;
  /**
   * Receiver stamping lateness: spans where the receiver's thread did not
   * run (its periodic tick came late). A datagram waiting in the socket
   * then is stamped late by up to the span: latency and the timestamp
   * method carry that error, the frame-loss count does not (the packets
   * wait, they are not dropped, unless past the grace period or the socket
   * overflows, both counted above). Absent / null: the implementation
   * cannot tell.
   */
  readonly receiverStalls?: ReceiverStalls | null;
  /**
   * Where arrival stamps come from: 'kernel' (the socket's receive stamp,
   * SO_TIMESTAMPNS: a stalled receiver thread reads late but stamps right,
   * so its stalls move neither latency nor the timestamp method) or
   * 'receiver-thread' (taken when the thread reads the datagram). Absent:
   * the implementation does not say.
   */
  readonly arrivalStamps?: 'kernel' | 'receiver-thread';
}

/** The receiver thread's stalls over a session (TesterSelfCheck.receiverStalls). */
export interface ReceiverStalls {
  readonly count: number;
  /** The longest, ms: the most an arrival stamp can be late. */
  readonly longestMs: number;
  /** The longest spans (monotonic ms, at most 50, in time order). */
  readonly spans: readonly { readonly fromMs: number; readonly toMs: number }[];
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
  /** One-way latency per flow over the whole run (see WindowStats.latency). */
  readonly latency?: readonly FlowLatency[];
  /** Received / lost per bin over the whole run (see WindowStats.timeline). */
  readonly timeline?: TrafficTimeline;
  /** The tester's own health over the session, where the implementation knows it. */
  readonly selfCheck?: TesterSelfCheck;
}

/**
 * Why a run with `traffic.driver: none` (no generator: a control-plane check, e.g. Nova's fake virt driver) skips
 * every traffic step: the step records and the verdict say it.
 */
export const NO_TRAFFIC_REASON = 'no traffic generator configured (traffic.driver: none)';

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
  /**
   * traffic.AnyTrafficLoss: any packet of the current window sent up to this
   * call lost, as far as the driver can judge. The builtin answers at once
   * when all of it arrived and gives a missing packet its grace period
   * first; iperf3 judges the intervals its client has reported.
   */
  anyTrafficLoss(): Promise<boolean>;
  /**
   * traffic.ClearCounters: close the current window and open a new one. The
   * cut is made at the call, before the returned promise settles (callers
   * issue a trigger right after it without awaiting); the promise resolves
   * with the closed window's stats once its in-flight packets have had their
   * grace period.
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
