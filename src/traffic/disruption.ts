/**
 * Service disruption maths (RFC 6201 "Device Reset Characterization"), pure
 * functions. vnflab treats the live migration of a VNF like a reset of a
 * forwarding device: traffic at a constant offered rate goes through it, and
 * the interruption is derived from what was lost.
 */
import type { Disruption, LossEpisode } from '../ports/traffic.js';
import { wholeEpisodes, type BuiltinLossEpisode } from './episodes.js';
import { FlowTracker } from './flow-tracker.js';

/** RFC 6201 §4.2.1 frame-loss method: disruption = frames lost / offered rate, in ms. */
export function frameLossDisruptionMs(lost: number, offeredRateHz: number): number {
  return (lost / offeredRateHz) * 1000;
}

/**
 * RFC 6201 §4.2.2 timestamp method over several episodes, in ms: per flow the
 * sum of the arrival gaps around its episodes, averaged over all flows (so
 * that, like the frame-loss method over the aggregate, an outage of D ms on
 * every flow reads D, not flows x D). Episodes of one flow that share the
 * same bordering packets (two runs split only by reordered packets) are one
 * gap, counted once. Null when no episode had a packet on both sides.
 *
 * Each gap is reduced by `intervalMs`, one inter-packet interval of the flow:
 * the last packet before an outage of D ms was sent up to one interval before
 * it began and the first after up to one interval after it ended, so the raw
 * gap lies in (D, D + 2 intervals) and overstates D by one interval on
 * average; less one interval it lies within +-1 interval of D, the
 * resolution the frame-loss method has too (n lost packets: raw gap
 * (n + 1) intervals, frame-loss n intervals, so both agree on even spacing).
 */
export function timestampDisruptionMs(
  episodes: readonly LossEpisode[],
  flows: number,
  intervalMs = 0,
): number | null {
  const gapsByFlow = new Map<number, Map<string, number>>();
  for (const e of episodes) {
    if (e.gapMs === null) continue;
    // Episodes from other Traffic implementations may lack the border times: each is its own gap then.
    const { arrivalBeforeMs: before, arrivalAfterMs: after } = e as Partial<BuiltinLossEpisode>;
    const key =
      typeof before === 'number' && typeof after === 'number' ? `${before}/${after}` : `#${e.firstLostSeq}`;
    let gaps = gapsByFlow.get(e.flow);
    if (!gaps) gapsByFlow.set(e.flow, (gaps = new Map<string, number>()));
    gaps.set(key, e.gapMs);
  }
  if (gapsByFlow.size === 0) return null;
  let total = 0;
  for (const gaps of gapsByFlow.values())
    for (const gap of gaps.values()) total += Math.max(0, gap - intervalMs);
  return total / Math.max(flows, gapsByFlow.size);
}

/** What {@link computeDisruption} needs over the span measured. */
export interface DisruptionInput {
  /** Packets the generator sent in the span measured, all flows together. */
  readonly sent: number;
  /** Of those, lost (never arrived within the grace period). */
  readonly lost: number;
  /** Aggregate offered rate the generator actually achieved, packets/s. */
  readonly offeredRateHz: number;
  /** Number of flows the rate was split across. */
  readonly flows: number;
  readonly episodes: readonly LossEpisode[];
}

/**
 * CalculateServiceDisruptionLength: both RFC 6201 methods and their
 * resolution (one inter-packet interval of a flow, RFC 6201 §4.2); null when
 * nothing was offered (the plan's FALSE).
 */
export function computeDisruption(input: DisruptionInput): Disruption | null {
  if (input.sent <= 0 || !(input.offeredRateHz > 0) || input.flows < 1) return null;
  const intervalMs = 1000 / (input.offeredRateHz / input.flows);
  const gapDerivedMs = timestampDisruptionMs(input.episodes, input.flows, intervalMs);
  const episodes = input.episodes.map((e) => withEpisodeDisruption(e, intervalMs));
  // Frame-loss over the span: lost / the span's offered rate, each episode's
  // packets then counted at the rate they were offered (see offeredIntervalMs).
  let correctionMs = 0;
  for (const e of episodes) correctionMs += (e.lossDerivedMs ?? 0) - e.lost * intervalMs;
  return {
    lossDerivedMs: Math.max(
      0,
      frameLossDisruptionMs(input.lost, input.offeredRateHz) + correctionMs / input.flows,
    ),
    gapDerivedMs,
    resolutionMs: intervalMs,
    lossResolutionMs: intervalMs,
    gapResolutionMs: gapDerivedMs === null ? null : intervalMs,
    lost: input.lost,
    offeredRateHz: input.offeredRateHz,
    episodes,
  };
}

/**
 * The inter-packet interval at which an episode's lost packets were offered,
 * ms: from their own send times (the generator stamps each one), (send time
 * of the last - of the first) / (lost - 1), for a run of two or more
 * consecutive sequence numbers; else the flow's average `intervalMs`.
 *
 * RFC 6201 §4.2.1 divides the frames lost by the offered rate and assumes
 * the tester holds it. A software generator holds it over seconds, not over
 * every millisecond: one descheduled for a few ms repays the lag at up to
 * twice the rate (pacer.ts), and when that falls inside an outage more
 * packets are lost than the outage at the average rate would drop
 * (calibration at 50k/s with the generator starved: 29-57 ms of error at the
 * average rate, 3-7 ms this way; docs/traffic.md). Where the rate held, this
 * is the average, and the method is unchanged.
 */
export function offeredIntervalMs(e: LossEpisode, intervalMs: number): number {
  if (e.lost < 2 || e.lastLostSeq - e.firstLostSeq + 1 !== e.lost) return intervalMs;
  const local = (e.lastLostSentAtMs - e.firstLostSentAtMs) / (e.lost - 1);
  return local > 0 && Number.isFinite(local) ? local : intervalMs;
}

/**
 * Both RFC 6201 methods for one episode of one flow: its lost packets times
 * the interval they were offered at (offeredIntervalMs), and its arrival gap
 * less one interval of the flow (see {@link timestampDisruptionMs}); the
 * resolution of both is that interval.
 */
export function withEpisodeDisruption<E extends LossEpisode>(e: E, intervalMs: number): E {
  return {
    ...e,
    lossDerivedMs: e.lost * offeredIntervalMs(e, intervalMs),
    gapDerivedMs: e.gapMs === null ? null : Math.max(0, e.gapMs - intervalMs),
    resolutionMs: intervalMs,
  };
}

/** One flow of a recorded (or synthetic) packet trace. */
export interface TraceFlow {
  /** First 64-bit sequence number sent; default 0. */
  readonly firstSeq?: number;
  /** Packets sent on this flow (sequence numbers firstSeq .. firstSeq + sent - 1). */
  readonly sent: number;
  /** Send time of a 64-bit sequence number, monotonic ms. */
  readonly sentAtMs: (seq: number) => number;
  /** Arrivals in arrival order, with the 32-bit sequence number as on the wire. */
  readonly arrivals: readonly { readonly seq: number; readonly arrivedAtMs: number }[];
}

/**
 * Disruption of a whole packet trace, counted by the same tracker the
 * receiver runs (every packet settled at the end, none is in flight).
 */
export function disruptionFromTrace(trace: {
  offeredRateHz: number;
  flows: readonly TraceFlow[];
}): Disruption | null {
  let sent = 0;
  let lost = 0;
  const episodes: LossEpisode[] = [];
  trace.flows.forEach((f, flow) => {
    const firstSeq = f.firstSeq ?? 0;
    const capacity = 2 ** Math.max(4, Math.ceil(Math.log2(f.sent + 1)));
    const tracker = new FlowTracker({ flow, firstSeq, capacity, sentAtMs: f.sentAtMs });
    tracker.openWindow(firstSeq);
    for (const a of f.arrivals) tracker.onPacket(a.seq, a.arrivedAtMs);
    tracker.settleTo(firstSeq + f.sent);
    sent += f.sent;
    lost += tracker.windowCounters(0).lost;
    episodes.push(...wholeEpisodes(tracker.episodes()));
  });
  return computeDisruption({
    sent,
    lost,
    offeredRateHz: trace.offeredRateHz,
    flows: trace.flows.length,
    episodes,
  });
}
