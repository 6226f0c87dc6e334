import { describe, expect, it } from 'vitest';
import type { LossEpisode } from '../../../ports/traffic.js';
import type { MigrationEvents } from '../../../record/verdict.js';
import { inferSwitchOver, placeLoss } from './phases.js';

/** An episode of `lost` packets at 10k/s (0.1 ms apart) whose first lost packet was sent at `fromMs`. */
function episode(fromMs: number, lost: number, gapDerivedMs: number | null = lost * 0.1): LossEpisode {
  return {
    flow: 0,
    firstLostSeq: Math.round(fromMs * 10),
    lastLostSeq: Math.round(fromMs * 10) + lost - 1,
    lost,
    gapMs: gapDerivedMs === null ? null : gapDerivedMs + 0.1,
    firstLostSentAtMs: fromMs,
    lastLostSentAtMs: fromMs + (lost - 1) * 0.1,
    lossDerivedMs: lost * 0.1,
    gapDerivedMs,
    resolutionMs: 0.1,
  };
}

// trigger 1000, pause 3000, switch 3020, completion 3500 (monotonic ms).
const LAB: MigrationEvents = {
  triggerAtMs: 1000,
  pausedAtMs: 3000,
  switchedAtMs: 3020,
  completedAtMs: 3500,
  source: 'lab',
  precisionMs: 0.1,
  slackMs: { before: 10, after: 2 },
  used: [],
};

const phase = (p: ReturnType<typeof placeLoss>, name: string) => p.phases.find((x) => x.phase === name)!;

describe('placeLoss', () => {
  it('charges an outage inside the pause-to-switch window to the switch-over', () => {
    const p = placeLoss([episode(3001, 180)], LAB);
    expect(p.switchOver.lost).toBe(180);
    expect(p.switchOver.lossDerivedMs).toBeCloseTo(18, 6);
    expect(p.switchOver.gapDerivedMs).toBeCloseTo(18, 6);
    expect(p.degradation.lost).toBe(0);
  });

  it('charges packets queued in the VNF at the pause (sent before it) to the switch-over, as one episode', () => {
    // Sent from 2990 to 3010: 10 ms before the pause, lost with it.
    const p = placeLoss([episode(2990, 201)], LAB);
    expect(p.switchOver.lost).toBe(201);
    expect(phase(p, 'preCopy').lost).toBe(0);
  });

  it('charges only the slack around the switch-over to it when an episode outlasts it (lab overload beside the blackout)', () => {
    // Sent from 2800 to 3199.9: 200 ms before the pause (10 ms of slack), 20 ms blackout, 180 ms after (2 ms slack).
    const p = placeLoss([episode(2800, 4000)], LAB);
    // In proportion to send time over the 399.9 ms span, whole packets (within one of the exact share).
    expect(Math.abs(p.switchOver.lost - 320)).toBeLessThanOrEqual(1);
    expect(Math.abs(phase(p, 'preCopy').lost - 1900)).toBeLessThanOrEqual(1);
    expect(Math.abs(phase(p, 'afterSwitch').lost - 1780)).toBeLessThanOrEqual(1);
    expect(p.switchOver.lost + p.degradation.lost).toBe(4000);
  });

  it('places a single lost packet within the slack before the pause in the switch-over, one beyond it in the pre-copy', () => {
    expect(placeLoss([episode(2995, 1)], LAB).switchOver.lost).toBe(1);
    expect(phase(placeLoss([episode(2980, 1)], LAB), 'preCopy').lost).toBe(1);
  });

  it('counts pre-copy and post-switch loss as degradation, not switch-over', () => {
    const p = placeLoss([episode(1500, 30), episode(3000, 200), episode(3200, 12)], LAB);
    expect(phase(p, 'preCopy').lost).toBe(30);
    expect(phase(p, 'afterSwitch').lost).toBe(12);
    expect(p.degradation.lost).toBe(42);
    expect(p.degradation.lossDerivedMs).toBeCloseTo(4.2, 6);
    expect(p.switchOver.lost).toBe(200);
  });

  it('splits an episode across the trigger in proportion to its send times', () => {
    // 11 packets from 995.0 to 1005.0 at 1 ms apart: half before the trigger.
    const e: LossEpisode = { ...episode(995, 11), lastLostSentAtMs: 1005, lossDerivedMs: 11 };
    const p = placeLoss([e], LAB);
    expect(phase(p, 'beforeTrigger').lost + phase(p, 'preCopy').lost).toBe(11);
    expect(phase(p, 'beforeTrigger').lossDerivedMs).toBeCloseTo(5.5, 6);
    expect(p.outsideMove.lost).toBeGreaterThanOrEqual(5);
  });

  it('places loss after completion outside the move', () => {
    const p = placeLoss([episode(3600, 5)], LAB);
    expect(phase(p, 'afterCompletion').lost).toBe(5);
    expect(p.outsideMove.lost).toBe(5);
    expect(p.degradation.lost).toBe(0);
  });

  it('averages over flows like the window figure', () => {
    const two = [episode(3001, 100), { ...episode(3001, 100), flow: 1 }];
    expect(placeLoss(two, LAB, 2).switchOver.lossDerivedMs).toBeCloseTo(10, 6);
  });

  it('keeps the timestamp method null when no episode had packets on both sides', () => {
    expect(placeLoss([episode(3001, 10, null)], LAB).switchOver.gapDerivedMs).toBeNull();
  });
});

describe('inferSwitchOver (no pause instant from the target)', () => {
  it('takes the longest episode of the move', () => {
    const eps = [episode(500, 300), episode(1500, 3), episode(2000, 150), episode(4000, 400)];
    expect(inferSwitchOver(eps, 1000, 3500)).toEqual({ pausedAtMs: 2000, switchedAtMs: 2000 + 149 * 0.1 });
  });
  it('is null without loss during the move', () => {
    expect(inferSwitchOver([episode(500, 3)], 1000, 3500)).toBeNull();
  });
});
