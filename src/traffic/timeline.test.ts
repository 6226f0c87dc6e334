import { describe, expect, it } from 'vitest';
import { Timeline, mergeTimelines } from './timeline.js';

describe('Timeline (received / lost per 10 ms bin by send time)', () => {
  it('bins by send time from the first bin seen, absolute bin edges', () => {
    const t = new Timeline();
    t.add(1003, true);
    t.add(1009.99, true);
    t.add(1010, false);
    t.add(1035, true, 5);
    expect(t.toJSON()).toEqual({
      binMs: 10,
      startMs: 1000,
      received: [2, 0, 0, 5],
      lost: [0, 1, 0, 0],
      maxLatencyMs: [null, null, null, null],
      truncated: false,
    });
  });

  it('grows at the front for an earlier send time, ignores unknown times, truncates past the maximum', () => {
    const t = new Timeline(10, 3);
    t.add(1020, true);
    t.add(Number.NaN, false);
    t.add(1005, false);
    t.add(1100, true);
    expect(t.toJSON()).toEqual({
      binMs: 10,
      startMs: 1000,
      received: [0, 0, 1],
      lost: [1, 0, 0],
      maxLatencyMs: [null, null, null],
      truncated: true,
    });
  });

  it('spreads a run of lost packets over its send times', () => {
    const t = new Timeline();
    t.addLostSpan(1000, 1029, 30);
    expect(t.toJSON()?.lost).toEqual([10, 10, 10]);
  });

  it('merges timelines of several flows bin by bin; null when empty', () => {
    const a = new Timeline();
    const b = new Timeline();
    expect(mergeTimelines([a, b])).toBeNull();
    a.add(1000, true);
    b.add(1015, true);
    b.add(995, false);
    expect(mergeTimelines([a, b])).toMatchObject({ startMs: 990, received: [0, 1, 1], lost: [1, 0, 0] });
  });
});

describe('Timeline: longest latency per bin', () => {
  it('keeps the longest known latency of a received packet per bin, null where none', () => {
    const t = new Timeline();
    t.add(1001, true, 1, 3.5);
    t.add(1002, true, 1, 1.25);
    t.add(1003, true);
    t.add(1011, false, 1, 99);
    t.add(1021, true, 1, 0.0004);
    expect(t.toJSON()?.maxLatencyMs).toEqual([3.5, null, 0]);
    // Earlier bins added at the front start with none.
    t.add(985, true, 1, 2);
    expect(t.toJSON()?.maxLatencyMs).toEqual([2, null, 3.5, null, 0]);
  });

  it('merges flows by the longer latency per bin', () => {
    const a = new Timeline();
    const b = new Timeline();
    a.add(1000, true, 1, 4);
    b.add(1005, true, 1, 6);
    b.add(1010, true, 1, 1);
    expect(mergeTimelines([a, b])?.maxLatencyMs).toEqual([6, 1]);
  });
});
