/**
 * Putting a VIM's timestamps on the harness's clock. A VIM stamps on its
 * hosts' wall clocks; the harness measures on CLOCK_MONOTONIC. A pair of
 * readings of both clocks (taken by the harness after the move) converts
 * one to the other; what cannot be measured from here is how far the
 * VIM's hosts' clocks are from the harness's, so that is an allowance the
 * user sets (`clockOffsetAllowanceMs`) and every event's precision
 * includes it.
 */
import type { VimEvent, VimEventMark, VimEvents } from '../ports/migrator.js';
import { CLOCK_PAIR_ERROR_MS, clockPair, wallToMonoMs, type ClockPair } from '../util/clock.js';

/**
 * Default allowance for the offset between the VIM's clocks and the
 * harness's, ms: NTP keeps hosts of one site well within it; set it to what
 * the clocks guarantee (chrony on one LAN: a few ms).
 */
export const DEFAULT_CLOCK_OFFSET_ALLOWANCE_MS = 1_000;

/**
 * A timestamp as epoch ms; one without a zone is UTC (Nova's naive
 * "2016-01-29T13:42:02.000000"); null when absent or unparsable.
 */
export function parseUtc(t: string | null | undefined): number | null {
  if (t === undefined || t === null || t === '') return null;
  const zoned = /(Z|[+-]\d\d:?\d\d)$/i.test(t) ? t : `${t}Z`;
  // Date.parse reads up to milliseconds; microseconds beyond are dropped (below every resolution used here).
  const ms = Date.parse(zoned.replace(/(\.\d{3})\d+/, '$1'));
  return Number.isNaN(ms) ? null : ms;
}

/** One reported timestamp to convert. */
export interface RawVimEvent {
  readonly name: string;
  readonly marks: VimEventMark;
  readonly source: string;
  readonly at: string | null | undefined;
  readonly resolutionMs: number;
}

/** The events on the harness's clock (those whose timestamp is absent or unparsable left out), in time order. */
export function toVimEvents(
  raw: readonly RawVimEvent[],
  opts: { clockOffsetAllowanceMs: number; notOffered?: readonly string[]; pair?: ClockPair },
): VimEvents {
  const pair = opts.pair ?? clockPair();
  const events: VimEvent[] = [];
  for (const r of raw) {
    const wallMs = parseUtc(r.at);
    if (wallMs === null || r.at === null || r.at === undefined) continue;
    events.push({
      name: r.name,
      marks: r.marks,
      source: r.source,
      at: r.at,
      atMs: wallToMonoMs(wallMs, pair),
      resolutionMs: r.resolutionMs,
      precisionMs: r.resolutionMs + opts.clockOffsetAllowanceMs + CLOCK_PAIR_ERROR_MS,
    });
  }
  events.sort((a, b) => a.atMs - b.atMs);
  return {
    events,
    clock: { at: new Date(pair.wallMs).toISOString(), monoMs: pair.monoMs },
    clockOffsetAllowanceMs: opts.clockOffsetAllowanceMs,
    notOffered: opts.notOffered ?? [],
  };
}
