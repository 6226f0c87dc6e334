/**
 * The VIM's events on synthetic timelines (monotonic ms): the trigger is
 * stamped at 10_000, the harness's poll saw completion at 30_000, the
 * move's loss episode is at 20_000..20_050 unless a test says otherwise.
 */
import { describe, expect, it } from 'vitest';
import type { VimEvent, VimEventMark, VimEvents } from '../../../ports/migrator.js';
import type { LossEpisode } from '../../../ports/traffic.js';
import type { TcResult } from '../../../record/result.js';
import { placeLoss } from './phases.js';
import { checkValidity } from './validity.js';
import { migrationEvents } from './verdict.js';
import { switchOverWithin, vimBounds } from './vim-bounds.js';

const ev = (name: string, marks: VimEventMark, atMs: number, precisionMs = 1_001): VimEvent => ({
  name,
  marks,
  source: 'test VIM',
  at: `t+${atMs}`,
  atMs,
  resolutionMs: 1_000,
  precisionMs,
});
const vimOf = (...events: VimEvent[]): VimEvents => ({
  events,
  clock: { at: '2026-01-01T00:00:00.000Z', monoMs: 40_000 },
  clockOffsetAllowanceMs: 0,
  notOffered: [],
});
const episode = (from: number, to: number, lost = 50): LossEpisode => ({
  flow: 0,
  firstLostSeq: from,
  lastLostSeq: from + lost - 1,
  lost,
  gapMs: null,
  firstLostSentAtMs: from,
  lastLostSentAtMs: to,
  lossDerivedMs: lost,
});

/** A record of a real target's move: no lab timeline, the harness's stamps, the VIM's events. */
function resultOf(vim: VimEvents | null, episodes: LossEpisode[] = [episode(20_000, 20_050)]): TcResult {
  return {
    timeRecord: {
      startvResourceMigration: { at: '', monoMs: 10_000 },
      completevResourceMigration: { at: '', monoMs: 30_000 },
    },
    migration: { timeline: null, vimEvents: vim },
    traffic: { episodes, resolutionMs: 1, windows: [] },
  } as unknown as TcResult;
}

describe("the VIM's events bound the move", () => {
  it('takes the earliest start less its precision, the latest start for the switch-over, the earliest ends plus theirs', () => {
    const b = vimBounds(
      vimOf(
        ev('created', 'moveStart', 11_000),
        ev('live start', 'moveStart', 14_000, 501),
        ev('post start', 'switchOverEnded', 25_000),
        ev('updated', 'moveEnd', 27_000),
        ev('noise', 'info', 1_000),
      ),
      { triggerAtMs: 10_000, completedAtMs: 30_000 },
    )!;
    expect(b).toMatchObject({
      moveNotBeforeMs: 9_999,
      switchOverNotBeforeMs: 13_499,
      switchOverEndedByMs: 26_001,
      moveEndedByMs: 28_001,
      tightened: { trigger: false, completion: true },
    });
    expect(b.events.map((e) => e.name)).toEqual(['created', 'live start', 'post start', 'updated']);
    expect(switchOverWithin(b, { pausedAtMs: 20_000, switchedAtMs: 20_050 })).toBe(true);
    expect(switchOverWithin(b, { pausedAtMs: 26_002, switchedAtMs: 26_100 })).toBe(false);
    expect(switchOverWithin(b, { pausedAtMs: 13_000, switchedAtMs: 13_498 })).toBe(false);
    expect(switchOverWithin(b, null)).toBeNull();
  });

  it('is null without usable events, and never tightens a completion the harness did not see', () => {
    expect(vimBounds(null, { triggerAtMs: 0, completedAtMs: null })).toBeNull();
    expect(vimBounds(vimOf(ev('x', 'info', 5)), { triggerAtMs: 0, completedAtMs: null })).toBeNull();
    const b = vimBounds(vimOf(ev('end', 'moveEnd', 5_000)), { triggerAtMs: 0, completedAtMs: null })!;
    expect(b.tightened.completion).toBe(false);
    expect(switchOverWithin(b, { pausedAtMs: 1, switchedAtMs: 2 })).toBe(true);
  });
});

describe('migrationEvents on a target with VIM events and no lab timeline', () => {
  it('keeps the longest loss episode as the switch-over, names every VIM event used with its precision', () => {
    const e = migrationEvents(
      resultOf(vimOf(ev('created_at', 'moveStart', 10_500), ev('post start', 'switchOverEnded', 22_000))),
      500,
    )!;
    expect(e).toMatchObject({
      source: 'traffic',
      triggerAtMs: 10_000,
      pausedAtMs: 20_000,
      switchedAtMs: 20_050,
      completedAtMs: 30_000,
    });
    expect(e.vim?.switchOverWithin).toBe(true);
    expect(e.used.filter((u) => u.startsWith('VIM event'))).toEqual([
      'VIM event (test VIM): created_at t+10500 +-1001 ms (resolution 1000 ms): the move began at or after it',
      'VIM event (test VIM): post start t+22000 +-1001 ms (resolution 1000 ms): the guest ran on the destination by then',
    ]);
    expect(e.used.some((u) => u.includes('too coarse to bound it'))).toBe(true);
  });

  it('bounds the move by the VIM where it is tighter: later start, earlier end (loss beyond falls outside the move)', () => {
    const vim = vimOf(ev('running', 'moveStart', 15_000, 101), ev('end', 'moveEnd', 24_000, 101));
    // A short loss before the VIM's start and one after its end; the switch-over at 20_000.
    const episodes = [episode(12_000, 12_010, 10), episode(20_000, 20_050), episode(27_000, 27_010, 10)];
    const e = migrationEvents(resultOf(vim, episodes), 500)!;
    expect([e.triggerAtMs, e.completedAtMs]).toEqual([14_899, 24_101]);
    expect(e.vim?.tightened).toEqual({ trigger: true, completion: true });
    expect(e.used[0]).toMatch(/^trigger: the VIM's earliest event/);
    expect(e.used[1]).toMatch(/^completion: the VIM's earliest end event/);
    const placed = placeLoss(episodes, e);
    expect(placed.switchOver.lost).toBe(50);
    expect(placed.outsideMove.lost).toBe(20);
    expect(placed.degradation.lost).toBe(0);
    // Without the VIM, the same loss is the move's degradation.
    const plain = placeLoss(episodes, migrationEvents(resultOf(null, episodes), 500)!);
    expect([plain.degradation.lost, plain.outsideMove.lost]).toEqual([20, 0]);
  });

  it("says when the switch-over lies outside the VIM's events, beyond their precision: a 'path' finding", () => {
    // The VIM says the guest ran on the destination by 16_000 (+-1001); the loss is at 20_000.
    const e = migrationEvents(
      resultOf(vimOf(ev('start', 'moveStart', 11_000), ev('domain ready', 'switchOverEnded', 16_000))),
      500,
    )!;
    expect(e.vim?.switchOverWithin).toBe(false);
    const validity = checkValidity({
      windows: [],
      disruptionWindow: null,
      disruptionMs: 50,
      degradation: null,
      selfCheck: null,
      latencyP99Ms: null,
      embeddedLab: false,
      triggerAtMs: 10_000,
      labDrops: null,
      switchOverSpan: null,
      vim: e.vim,
      inferredSwitchOver: [e.pausedAtMs!, e.switchedAtMs!],
    });
    const f = validity.findings.find((x) => x.check === 'switch-over-outside-vim-events');
    expect(f).toMatchObject({ element: 'path', effectMs: 0 });
    expect(f?.detail).toContain('10000 ms after the trigger to 10050 ms after the trigger');
    expect(f?.detail).toContain('over by 7001 ms after the trigger');
    expect(validity.checked).toContain(
      "the switch-over taken from the traffic lies within the VIM's own events of the move",
    );
    // Within the precision: no finding.
    const near = migrationEvents(
      resultOf(vimOf(ev('start', 'moveStart', 11_000), ev('domain ready', 'switchOverEnded', 19_000))),
      500,
    )!;
    expect(near.vim?.switchOverWithin).toBe(true);
  });

  it('without VIM events the record is as before: no vim block, no VIM line', () => {
    const e = migrationEvents(resultOf(null), 500)!;
    expect(e.vim).toBeUndefined();
    expect(e.used.some((u) => u.startsWith('VIM event'))).toBe(false);
    expect([e.triggerAtMs, e.completedAtMs]).toEqual([10_000, 30_000]);
  });
});
