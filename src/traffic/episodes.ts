/**
 * Loss episodes as the Traffic port reports them, from the tracker's
 * per-window parts: either the parts sent in one window (clipped at its
 * boundaries), or whole runs over all traffic (parts merged again).
 */
import type { LossEpisode } from '../ports/traffic.js';
import type { FlowEpisode } from './flow-tracker.js';

/** RFC 6201 §4.2.2 timestamp method for one episode: arrival after - arrival before, ms; null unless both exist. */
export function episodeGapMs(arrivalBeforeMs: number | null, arrivalAfterMs: number | null): number | null {
  if (arrivalBeforeMs === null || arrivalAfterMs === null) return null;
  return Math.max(0, arrivalAfterMs - arrivalBeforeMs);
}

/** A port episode, plus what the builtin analyzer knows beyond the port's fields. */
export interface BuiltinLossEpisode extends LossEpisode {
  /** Arrival of the in-order packets bordering the run (monotonic ms), null if none. */
  readonly arrivalBeforeMs: number | null;
  readonly arrivalAfterMs: number | null;
  /** Only part of a run that also lost packets sent in a neighbouring window (gapMs is then null). */
  readonly clipped: boolean;
}

function toLossEpisode(first: FlowEpisode, last: FlowEpisode, clipped: boolean): BuiltinLossEpisode {
  return {
    flow: first.flow,
    firstLostSeq: first.firstLostSeq,
    lastLostSeq: last.lastLostSeq,
    lost: last.lastLostSeq - first.firstLostSeq + 1,
    // A clipped part's neighbours bound the whole run, not this part.
    gapMs: clipped ? null : episodeGapMs(first.arrivalBeforeMs, last.arrivalAfterMs),
    firstLostSentAtMs: first.firstLostSentAtMs,
    lastLostSentAtMs: last.lastLostSentAtMs,
    arrivalBeforeMs: first.arrivalBeforeMs,
    arrivalAfterMs: last.arrivalAfterMs,
    clipped,
  };
}

/** The parts of one flow sent in window `window`. */
export function windowEpisodes(parts: readonly FlowEpisode[], window: number): BuiltinLossEpisode[] {
  return parts
    .filter((p) => p.window === window)
    .map((p) => toLossEpisode(p, p, p.continuesFromPrevious || p.continuesIntoNext));
}

/** Whole runs of one flow over all windows (parts of one run merged). */
export function wholeEpisodes(parts: readonly FlowEpisode[]): BuiltinLossEpisode[] {
  const out: BuiltinLossEpisode[] = [];
  let first: FlowEpisode | null = null;
  let prev: FlowEpisode | null = null;
  for (const p of parts) {
    if (first !== null && prev !== null && !p.continuesFromPrevious)
      out.push(toLossEpisode(first, prev, false));
    if (first === null || !p.continuesFromPrevious) first = p;
    prev = p;
  }
  if (first !== null && prev !== null) out.push(toLossEpisode(first, prev, false));
  return out;
}
