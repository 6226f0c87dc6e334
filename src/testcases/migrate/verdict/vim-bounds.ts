/**
 * The VIM's own events (Nova's migration record and instance actions,
 * KubeVirt's VMIM and migration state) on a target without a lab timeline.
 * They are stamped on the VIM's hosts' clocks to whole seconds, so each is
 * widened by its precision (resolution + the allowed clock offset): too
 * coarse to bound a switch-over of milliseconds, which stays the longest
 * loss episode of the move; fine enough to bound the move itself where they
 * are tighter than the harness's own stamps (the trigger, stamped before the
 * request; completion, the first poll that saw it), and to check that the
 * episode taken for the switch-over lies where the VIM says the move was.
 */
import type { VimEvent, VimEvents } from '../../../ports/migrator.js';
import type { VimBounds } from '../../../record/verdict.js';

const MEANING: Record<VimEvent['marks'], string> = {
  moveStart: 'the move began at or after it',
  switchOverEnded: 'the guest ran on the destination by then',
  moveEnd: 'the move was over by then',
  info: '',
};

const minOf = (xs: number[]): number | null => (xs.length > 0 ? Math.min(...xs) : null);
const maxOf = (xs: number[]): number | null => (xs.length > 0 ? Math.max(...xs) : null);

/** The bounds the VIM's events set, before they meet the harness's stamps; null when none is usable. */
export function vimBounds(
  vim: VimEvents | null | undefined,
  harness: { triggerAtMs: number; completedAtMs: number | null },
): Omit<VimBounds, 'switchOverWithin'> | null {
  const events = (vim?.events ?? []).filter((e) => e.marks !== 'info');
  if (events.length === 0) return null;
  const starts = events.filter((e) => e.marks === 'moveStart').map((e) => e.atMs - e.precisionMs);
  const ends = events.filter((e) => e.marks === 'moveEnd').map((e) => e.atMs + e.precisionMs);
  const switched = events.filter((e) => e.marks !== 'moveStart').map((e) => e.atMs + e.precisionMs);
  const moveNotBeforeMs = minOf(starts);
  const moveEndedByMs = minOf(ends);
  return {
    events,
    moveNotBeforeMs,
    switchOverNotBeforeMs: maxOf(starts),
    switchOverEndedByMs: minOf(switched),
    moveEndedByMs,
    tightened: {
      trigger: moveNotBeforeMs !== null && moveNotBeforeMs > harness.triggerAtMs,
      completion:
        moveEndedByMs !== null && harness.completedAtMs !== null && moveEndedByMs < harness.completedAtMs,
    },
  };
}

/** Does the switch-over [from, to] lie within what the VIM's events allow? null: nothing to compare. */
export function switchOverWithin(
  b: Pick<VimBounds, 'switchOverNotBeforeMs' | 'switchOverEndedByMs'>,
  switchOver: { pausedAtMs: number; switchedAtMs: number } | null,
): boolean | null {
  if (switchOver === null) return null;
  if (b.switchOverNotBeforeMs === null && b.switchOverEndedByMs === null) return null;
  if (b.switchOverNotBeforeMs !== null && switchOver.switchedAtMs < b.switchOverNotBeforeMs) return false;
  if (b.switchOverEndedByMs !== null && switchOver.pausedAtMs > b.switchOverEndedByMs) return false;
  return true;
}

/** One line per VIM event used, for `events.used`. */
export function describeVimEvents(events: readonly VimEvent[]): string[] {
  return events.map(
    (e) =>
      `VIM event (${e.source}): ${e.name} ${e.at} +-${e.precisionMs.toFixed(0)} ms (resolution ${e.resolutionMs} ms): ${MEANING[e.marks]}`,
  );
}
