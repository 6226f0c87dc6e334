/**
 * What a run's measured disruption is checked against: the embedded lab's
 * own timeline of the move (same monotonic clock as the traffic). Shared by
 * the CLI end-to-end tests and the MIGRATE matrix.
 */
import { expect } from 'vitest';
import type { TcResult } from '../src/record/result.js';

/** Disruption, downtime, loss episodes relative to the pause, timeline and windows: a failed check's message. */
export function disruptionEvidence(r: TcResult): string {
  const paused = r.migration.timeline?.pausedAtMs ?? 0;
  return JSON.stringify({
    disruptionMs: r.traffic.serviceDisruptionMs,
    gapDerivedMs: r.traffic.gapDerivedMs,
    downtimeMs: r.migration.downtimeMs,
    // Each episode relative to the pause: lost, first / last lost packet's send time.
    episodes: r.traffic.episodes.map((e) => [
      e.lost,
      e.firstLostSentAtMs - paused,
      e.lastLostSentAtMs - paused,
    ]),
    timeline: r.migration.timeline,
    windows: r.traffic.windows.map((w) => [w.name, w.lost]),
  });
}

/**
 * The live move's loss window, ms: the pause (or a port's unplug) to the
 * fabric's switch to the new host (port); null where the lab did not time
 * both. Datagrams that reach the new host before its VNF forwards again wait
 * there and are not lost, so the lab's downtime (to the first forward)
 * bounds the loss from above but can exceed it.
 */
export function lossWindowMs(r: TcResult): number | null {
  const tl = r.migration.timeline;
  return tl?.pausedAtMs != null && tl.switchedAtMs != null && tl.switchedAtMs > tl.pausedAtMs
    ? tl.switchedAtMs - tl.pausedAtMs
    : null;
}

/**
 * An offline move under traffic (TC_VNF_MIGRATE_004): the VNF is down for the
 * whole copy of its memory, far longer than a live stop-and-copy. The
 * timestamp method sees the VNF's silence, the lab's stop to its first
 * forward on the destination. The frame-loss method also counts the
 * datagrams still queued in the VNF when it stopped: they are lost with it
 * and were sent before the stop (0-110 ms worth on a loaded 2-core machine;
 * a CI run lost 144-199 ms more than the downtime that way). So it is at
 * least the downtime, and at most the move.
 */
export function expectOfflineDisruptionMatchesLab(r: TcResult): void {
  const d = r.traffic.serviceDisruptionMs!;
  const downtimeMs = r.migration.downtimeMs!;
  const tolMs = Math.max(10, 0.05 * downtimeMs);
  const evidence = disruptionEvidence(r);
  expect(d, evidence).toBeGreaterThan(100);
  expect(Math.abs(r.traffic.gapDerivedMs! - downtimeMs), evidence).toBeLessThan(tolMs);
  expect(d, evidence).toBeGreaterThan(downtimeMs - tolMs);
  expect(d, evidence).toBeLessThanOrEqual(r.timeRecord.migrationTimeMs! + 50);
}
