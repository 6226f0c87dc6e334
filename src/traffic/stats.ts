/**
 * What BuiltinTraffic reports: the port's window stats and totals, plus what
 * the builtin measures beyond them, built from the receiver's counts.
 */
import type { TrafficTotals, WindowStats } from '../ports/traffic.js';
import { monoMs } from '../util/clock.js';
import type { WindowCounts, WindowDetail } from './analyzer.js';
import { emptyTrafficTotals, type WindowMeta } from './traffic-session.js';

/** Window counters with what the builtin measures beyond the port. */
export interface BuiltinWindowStats extends WindowStats {
  /** Arrived after the grace period (counted in `lost`). */
  readonly late: number;
}

/** Run totals with what the builtin measures beyond the port. */
export interface BuiltinTrafficTotals extends TrafficTotals {
  readonly late: number;
  /** Packets the pacer did not send because it lagged more than it repays (not losses). */
  readonly skipped: number;
  /** Most datagrams the generator sent back to back (after a stall; 1-2 on an idle machine). */
  readonly maxBurstPackets: number;
  /** Send calls the OS refused. */
  readonly sendErrors: number;
}

/** Packets per second over a duration; 0 for an empty one. */
export const rate = (packets: number, durationMs: number): number =>
  durationMs > 0 ? (packets / durationMs) * 1000 : 0;

/** Port window stats from the receiver's counts (and, for a settled window, its latency and timeline). */
export function toStats(
  w: WindowMeta | undefined,
  c: WindowCounts,
  detail?: WindowDetail,
): BuiltinWindowStats {
  const openedAtMs = w?.openedAtMs ?? Number.NaN;
  const closedAtMs = w?.closedAtMs ?? null;
  return {
    name: w?.name ?? '',
    openedAtMs,
    closedAtMs,
    sent: c.sent,
    received: c.received,
    lost: c.lost,
    duplicated: c.duplicated,
    reordered: c.reordered,
    late: c.late,
    // Measured from the packets' send times; from the cut instants only while those are unknown.
    offeredRateHz: c.sendRateHz ?? rate(c.sent, (closedAtMs ?? monoMs()) - openedAtMs),
    ...(detail ? withDetail(detail) : {}),
  };
}

/** The optional port fields a detail fills (a timeline only when something was recorded). */
export function withDetail(d: WindowDetail): Pick<BuiltinWindowStats, 'latency' | 'timeline'> {
  return d.timeline ? { latency: d.latency, timeline: d.timeline } : { latency: d.latency };
}

/** Totals of a run that never started. */
export function emptyBuiltinTotals(): BuiltinTrafficTotals {
  return { ...emptyTrafficTotals(), late: 0, skipped: 0, maxBurstPackets: 0, sendErrors: 0 };
}
