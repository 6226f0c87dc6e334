import { describe, expect, it } from 'vitest';
import { parseClientReport } from './client-output.js';
import {
  IntervalRecord,
  intervalTimeline,
  intervalWindowCounts,
  trailingByWindow,
  windowAt,
  type IntervalWindow,
} from './interval-windows.js';

const T0 = 10_000;
/** A record of 1000 packets/s per 0.1 s interval, lines read 1 ms after each interval's end. */
function record(lines: { startS: number; lost?: number; total?: number; stream?: string }[]): IntervalRecord {
  const rec = new IntervalRecord(0.1);
  for (const l of lines) {
    const endS = Math.round((l.startS + 0.1) * 100) / 100;
    rec.addInterval(
      {
        stream: l.stream ?? '5',
        startS: l.startS,
        endS,
        jitterMs: 0,
        lost: l.lost ?? 0,
        total: l.total ?? 100,
      },
      T0 + endS * 1000 + 1,
    );
  }
  return rec;
}

const windows = (...cutsMs: number[]): IntervalWindow[] =>
  [T0, ...cutsMs].map((at, k) => ({ name: `w${k}`, openedAtMs: at, closedAtMs: cutsMs[k] ?? null }));

describe('iperf3 intervals cut into windows', () => {
  it('estimates the test start from the least delayed line and assigns intervals by midpoint', () => {
    const rec = record([
      { startS: 0 },
      { startS: 0.1 },
      { startS: 0.2, lost: 30, total: 100 },
      { startS: 0.3 },
    ]);
    expect(rec.t0Ms).toBeCloseTo(T0 + 1, 9);
    const w = windows(T0 + 201); // the cut falls in interval 0.2-0.3, before its midpoint
    expect(windowAt(w, rec.midMs(0.2, 0.3))).toBe(1);
    expect(intervalWindowCounts(rec, w, 0)).toEqual({
      sent: 200,
      received: 200,
      lost: 0,
      reordered: 0,
      offeredRateHz: 1000,
    });
    expect(intervalWindowCounts(rec, w, 1)).toMatchObject({ sent: 200, received: 170, lost: 30 });
  });

  it('counts a line printed twice once and sums parallel streams (ignoring [SUM])', () => {
    const rec = record([
      { startS: 0, stream: '5' },
      { startS: 0, stream: '6', lost: 2 },
      { startS: 0, stream: 'SUM', total: 200, lost: 2 },
      { startS: 0, stream: '5' },
    ]);
    rec.addOutOfOrder(0, 3);
    expect(rec.intervals()).toEqual([{ startS: 0, endS: 0.1, lost: 2, total: 200, outOfOrder: 3 }]);
  });

  it('turns what the summary counts beyond the interval lines into a last interval', () => {
    const rec = record([{ startS: 0 }, { startS: 0.1, lost: 5 }]);
    rec.addSummary({ stream: '5', startS: 0, endS: 0.23, jitterMs: 0, lost: 7, total: 230 });
    expect(rec.summaryTotal).toBe(230);
    expect(rec.intervals().at(-1)).toEqual({ startS: 0.2, endS: 0.23, lost: 2, total: 30, outOfOrder: 0 });
  });

  it('charges trailing loss (sent, never followed by an arrival) backwards over the client intervals', () => {
    const rec = record([
      { startS: 0 },
      { startS: 0.1 },
      { startS: 0.2, total: 0 },
      { startS: 0.3, total: 0 },
    ]);
    rec.addSummary({ stream: '5', startS: 0, endS: 0.4, jitterMs: 0, lost: 0, total: 200 });
    rec.client = parseClientReport(
      JSON.stringify({
        intervals: [0, 0.1, 0.2, 0.3].map((s) => ({ sum: { start: s, end: s + 0.1, packets: 100 } })),
        end: { sum: { packets: 400, seconds: 0.4 } },
      }),
    );
    const w = windows(T0 + 260);
    expect(rec.trailingLost()).toBe(200);
    expect(trailingByWindow(rec, w)).toEqual([100, 100]);
    expect(intervalWindowCounts(rec, w, 0)).toMatchObject({ sent: 300, received: 200, lost: 100 });
    expect(intervalWindowCounts(rec, w, 1)).toMatchObject({
      sent: 100,
      received: 0,
      lost: 100,
    });
    expect(intervalWindowCounts(rec, w, 1).offeredRateHz).toBeCloseTo(1000, 6);
  });

  it('a timeline of received / lost per report interval', () => {
    const rec = record([{ startS: 0 }, { startS: 0.1, lost: 40 }]);
    expect(intervalTimeline(rec, windows(), null)).toEqual({
      binMs: 100,
      startMs: T0 + 1,
      received: [100, 60],
      lost: [0, 40],
      truncated: false,
    });
  });

  it('rejects a client report without a packet count, keeping what iperf3 said', () => {
    expect(() => parseClientReport('not json')).toThrow(/did not print JSON/);
    expect(() => parseClientReport(JSON.stringify({ error: 'unable to connect to server' }))).toThrow(
      /no packet count: unable to connect to server/,
    );
  });
});
