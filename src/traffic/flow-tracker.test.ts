import { describe, expect, it } from 'vitest';
import { wholeEpisodes, windowEpisodes } from './episodes.js';
import { FlowTracker } from './flow-tracker.js';

const sentAtMs = (seq: number): number => seq; // 1 packet per ms
const tracker = (capacity = 1024, firstSeq = 0): FlowTracker =>
  new FlowTracker({ flow: 0, firstSeq, capacity, sentAtMs });

/** Deliver seqs in the given order, each arriving 0.5 ms after it was sent (or at `at` if given). */
function deliver(t: FlowTracker, seqs: Iterable<number>, at?: (seq: number) => number): void {
  for (const s of seqs) t.onPacket(s % 2 ** 32, at ? at(s) : s + 0.5);
}
const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);

describe('FlowTracker', () => {
  it('counts nothing until positions are settled, then received and lost', () => {
    const t = tracker();
    t.openWindow(0);
    deliver(
      t,
      range(0, 100).filter((s) => s < 40 || s >= 60),
    );
    expect(t.windowCounters(0)).toMatchObject({ received: 0, lost: 0 });
    expect(t.receivedUnsettled(0, 100)).toBe(80);
    t.settleTo(50);
    expect(t.windowCounters(0)).toMatchObject({ received: 40, lost: 10 });
    expect(t.receivedUnsettled(0, 100)).toBe(40);
    t.settleTo(100);
    expect(t.windowCounters(0)).toMatchObject({ received: 80, lost: 20 });
    expect(t.base).toBe(100);
  });

  it('charges loss to the window it was sent in and splits a run at the boundary', () => {
    const t = tracker();
    t.openWindow(0);
    t.openWindow(500);
    deliver(
      t,
      range(0, 1000).filter((s) => s < 450 || s >= 550),
    );
    t.settleTo(1000);
    expect(t.windowCounters(0)).toMatchObject({ received: 450, lost: 50 });
    expect(t.windowCounters(1)).toMatchObject({ received: 450, lost: 50 });
    const w0 = windowEpisodes(t.episodes(), 0);
    const w1 = windowEpisodes(t.episodes(), 1);
    expect(w0).toEqual([
      expect.objectContaining({ firstLostSeq: 450, lastLostSeq: 499, lost: 50, clipped: true, gapMs: null }),
    ]);
    expect(w1).toEqual([
      expect.objectContaining({ firstLostSeq: 500, lastLostSeq: 549, lost: 50, clipped: true }),
    ]);
    const whole = wholeEpisodes(t.episodes());
    expect(whole).toEqual([
      expect.objectContaining({ firstLostSeq: 450, lastLostSeq: 549, lost: 100, clipped: false }),
    ]);
    expect(whole[0]?.gapMs).toBeCloseTo(550.5 - 449.5, 9);
  });

  it('an open run (no packet after it yet) has no gap and keeps growing', () => {
    const t = tracker();
    t.openWindow(0);
    deliver(t, range(0, 10));
    t.settleTo(20);
    expect(wholeEpisodes(t.episodes())).toEqual([
      expect.objectContaining({ firstLostSeq: 10, lastLostSeq: 19, gapMs: null }),
    ]);
    t.settleTo(30);
    expect(wholeEpisodes(t.episodes())).toEqual([expect.objectContaining({ lastLostSeq: 29, lost: 20 })]);
    expect(t.episodes()).toHaveLength(1);
  });

  it('RFC 4737 reordering: a packet below the highest seen is reordered once; duplicates are not', () => {
    const t = tracker();
    t.openWindow(0);
    deliver(t, [0, 1, 3, 2, 4, 2, 4, 5]);
    t.settleTo(6);
    expect(t.windowCounters(0)).toEqual({ received: 6, lost: 0, duplicated: 2, reordered: 1, late: 0 });
  });

  it('a packet arriving after its position settled is late (stays lost); a second copy is a duplicate', () => {
    const t = tracker();
    t.openWindow(0);
    deliver(t, [0, 1, 3]);
    t.settleTo(4);
    expect(t.windowCounters(0)).toMatchObject({ received: 3, lost: 1 });
    deliver(t, [2, 2, 1]);
    expect(t.windowCounters(0)).toEqual({ received: 3, lost: 1, duplicated: 2, reordered: 0, late: 1 });
  });

  it('bounded memory: a packet beyond the capacity forces the oldest positions to settle', () => {
    const t = tracker(16);
    t.openWindow(0);
    deliver(t, [0, 1, 2]);
    deliver(t, [40]);
    expect(t.base).toBe(25);
    expect(t.windowCounters(0)).toMatchObject({ received: 3, lost: 22 });
    // Far behind the remembered history: counted, not misread.
    deliver(t, [3]);
    expect(t.stale).toBe(1);
  });

  it('ignores datagrams before the first sequence number and absurd jumps', () => {
    const t = tracker(16, 1000);
    t.openWindow(1000);
    deliver(t, [999, 1000, 1000 + 64 * 16]);
    expect(t.stray).toBe(2);
    expect(t.maxSeq).toBe(1000);
  });

  it('extends 32-bit sequence numbers across the wrap', () => {
    const first = 2 ** 32 - 4;
    const t = tracker(16, first);
    t.openWindow(first);
    deliver(t, range(first, first + 8));
    t.settleTo(first + 8);
    expect(t.windowCounters(0)).toMatchObject({ received: 8, lost: 0, reordered: 0 });
    expect(t.maxSeq).toBe(2 ** 32 + 3);
  });

  it('tracks the last arrival of any datagram of the flow', () => {
    const t = tracker();
    t.openWindow(0);
    expect(t.lastArrivalMs).toBeNaN();
    deliver(t, [0, 0], () => 42);
    expect(t.lastArrivalMs).toBe(42);
  });

  it('finds the window of a sequence number', () => {
    const t = tracker();
    t.openWindow(10);
    t.openWindow(20);
    t.openWindow(20);
    t.openWindow(35);
    expect([5, 10, 19, 20, 34, 35, 1e9].map((s) => t.windowOf(s))).toEqual([-1, 0, 0, 2, 2, 3, 3]);
  });
});
