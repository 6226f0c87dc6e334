import { describe, expect, it } from 'vitest';
import type { TesterSelfCheck, TrafficTimeline, WindowStats } from '../../../ports/traffic.js';
import type { LabHopDrops } from '../../../ports/lab-drops.js';
import { checkValidity, generatorIrregularBins, type ValidityInput } from './validity.js';

const CLEAN: TesterSelfCheck = {
  receiverSocketDrops: 0,
  late: 0,
  skipped: 0,
  maxBurstPackets: 2,
  sendErrors: 0,
};

/** A window at 10k/s (100 packets per 10 ms bin), with `offered` overriding some bins and `lost` packets in some. */
function window(
  offered: Record<number, number> = {},
  bins = 50,
  lost: Record<number, number> = {},
): WindowStats {
  const total = Array.from({ length: bins }, (_, i) => offered[i] ?? 100);
  const lostBins = total.map((_, i) => lost[i] ?? 0);
  const received = total.map((t, i) => t - (lostBins[i] ?? 0));
  const timeline: TrafficTimeline = { binMs: 10, startMs: 1000, received, lost: lostBins, truncated: false };
  const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
  return {
    name: 'duringMigration',
    openedAtMs: 1000,
    closedAtMs: 1000 + bins * 10,
    sent: sum(total),
    received: sum(received),
    lost: sum(lostBins),
    duplicated: 0,
    reordered: 0,
    offeredRateHz: 10_000,
    timeline,
  };
}

const input = (over: Partial<ValidityInput>): ValidityInput => ({
  windows: [window()],
  disruptionWindow: 'duringMigration',
  disruptionMs: 20,
  degradation: { lost: 0, lossDerivedMs: 0 },
  selfCheck: CLEAN,
  latencyP99Ms: 0.3,
  embeddedLab: true,
  triggerAtMs: 1000,
  labDrops: null,
  switchOverSpan: [1200, 1250],
  ...over,
});

/** The lab's per-hop drop watch saw these intervals. */
function hopDrops(intervals: [hop: string, fromMs: number, toMs: number, drops: number][]): LabHopDrops {
  return {
    hops: ['fabric', 'host compute-1', 'host compute-2'],
    totals: {},
    intervals: intervals.map(([hop, fromMs, toMs, drops]) => ({
      hop,
      fromMs,
      toMs,
      drops,
      cause: 'queue-overflow',
    })),
    sampleEveryMs: 20,
    observed: true,
  };
}

describe('checkValidity', () => {
  it('trusts a clean run and lists the checks it ran', () => {
    const v = checkValidity(input({}));
    expect(v.trusted).toBe(true);
    expect(v.findings).toEqual([]);
    expect(v.errorBoundMs).toBe(0);
    expect(v.checked.join('; ')).toMatch(/socket drops.*pacing|pacing.*socket drops/s);
  });

  it("names the receiver when the kernel dropped datagrams at the tester's socket, bounding the figure by drops / rate", () => {
    const v = checkValidity(input({ selfCheck: { ...CLEAN, receiverSocketDrops: 37 } }));
    expect(v.trusted).toBe(false);
    expect(v.findings[0]).toMatchObject({ element: 'tester.receiver', check: 'socket-drops', effectMs: 3.7 });
    expect(v.findings[0]?.detail).toContain('37');
    expect(v.errorBoundMs).toBeCloseTo(3.7);
  });

  it("notes the receiver's stalls as stamping lateness: the latency figures' error, not the frame-loss figure's", () => {
    const receiverStalls = {
      count: 3,
      longestMs: 42.5,
      spans: [
        { fromMs: 1100, toMs: 1112 },
        { fromMs: 1190, toMs: 1232.5 },
        { fromMs: 1400, toMs: 1411 },
      ],
    };
    const v = checkValidity(input({ selfCheck: { ...CLEAN, receiverStalls } }));
    expect(v.trusted).toBe(true);
    expect(v.findings).toEqual([
      expect.objectContaining({ element: 'tester.receiver', check: 'stamping-lateness', effectMs: 0 }),
    ]);
    expect(v.findings[0]?.detail).toMatch(
      /stalled 3 times, the longest 42.5 ms \+190 ms from the trigger, 1 across the switch-over: arrival stamps may be late/,
    );
    expect(v.checked).toContain('receiver stamping lateness (stalls of its thread)');
    const none = checkValidity(
      input({ selfCheck: { ...CLEAN, receiverStalls: { count: 0, longestMs: 0, spans: [] } } }),
    );
    expect(none.findings).toEqual([]);
    // Kernel stamps (the native I/O path): the same stalls delayed reads, not stamps.
    const kernel = checkValidity(input({ selfCheck: { ...CLEAN, receiverStalls, arrivalStamps: 'kernel' } }));
    expect(kernel.findings).toEqual([]);
    expect(kernel.checked).toContain(
      "receiver arrival stamps: the kernel's (its thread's stalls delay no stamp)",
    );
  });

  it('keeps a disturbance within the tolerance trusted, and the tolerance is the larger of 1 ms and 5 % of the figure', () => {
    // 8 drops at 10k/s: 0.8 ms <= 1 ms.
    expect(checkValidity(input({ selfCheck: { ...CLEAN, receiverSocketDrops: 8 } })).trusted).toBe(true);
    // 30 drops: 3 ms; 5 % of a 100 ms figure is 5 ms.
    const big = checkValidity(input({ disruptionMs: 100, selfCheck: { ...CLEAN, receiverSocketDrops: 30 } }));
    expect(big).toMatchObject({ trusted: true, toleranceMs: 5 });
    // A configured tolerance replaces the default.
    const strict = checkValidity(input({ toleranceMs: 0, selfCheck: { ...CLEAN, receiverSocketDrops: 1 } }));
    expect(strict).toMatchObject({ trusted: false, toleranceMs: 0 });
  });

  it('weighs a generator stall inside a loss episode by the packets it did not offer, with where on the move', () => {
    const v = checkValidity(input({ windows: [window({ 20: 10, 21: 190 }, 50, { 20: 5, 21: 100 })] }));
    expect(v.findings).toEqual([expect.objectContaining({ element: 'tester.generator', check: 'pacing' })]);
    expect(v.findings[0]?.detail).toMatch(/1 stalled and 1 bursting .* \+200 ms from the trigger/);
    // 90 missing + 90 extra packets at 10k/s.
    expect(v.findings[0]?.effectMs).toBeCloseTo(18);
    expect(v.trusted).toBe(false);
  });

  it('notes a stall away from any loss without distrusting the figure', () => {
    const v = checkValidity(input({ windows: [window({ 20: 10, 21: 190 }, 50, { 40: 50 })] }));
    expect(v.findings).toEqual([
      expect.objectContaining({ element: 'tester.generator', check: 'pacing-apart', effectMs: 0 }),
    ]);
    expect(v.trusted).toBe(true);
  });

  it('ignores the partial first and last bins of a window', () => {
    expect(checkValidity(input({ windows: [window({ 0: 3, 49: 7 })] })).findings).toEqual([]);
  });

  it('reports skipped packets, refused sends and late packets', () => {
    const v = checkValidity(input({ selfCheck: { ...CLEAN, skipped: 5, sendErrors: 2, late: 800 } }));
    expect(v.findings.map((f) => `${f.element}/${f.check}`)).toEqual([
      'tester.generator/send-errors',
      'tester.generator/skipped',
      'lab/late',
    ]);
    expect(v.errorBoundMs).toBeCloseTo(80.7);
  });

  it('charges late packets to the path, not the lab, against external systems', () => {
    const v = checkValidity(input({ embeddedLab: false, selfCheck: { ...CLEAN, late: 3 } }));
    expect(v.findings[0]?.element).toBe('path');
  });

  it("calls the embedded lab overloaded when it queued and lost packets outside the switch-over, but not a real system's", () => {
    const degraded = input({ latencyP99Ms: 893, degradation: { lost: 1900, lossDerivedMs: 190 } });
    expect(checkValidity(degraded)).toMatchObject({ trusted: false, errorBoundMs: 190 });
    expect(checkValidity(degraded).findings[0]).toMatchObject({ element: 'lab', check: 'queueing' });
    expect(checkValidity({ ...degraded, embeddedLab: false }).trusted).toBe(true);
  });

  it('notes lab queueing that lost nothing outside the switch-over (a slow guest delays, the figure stands)', () => {
    const v = checkValidity(input({ latencyP99Ms: 92 }));
    expect(v.findings).toEqual([expect.objectContaining({ element: 'lab', check: 'queueing', effectMs: 0 })]);
    expect(v.trusted).toBe(true);
  });
});

describe("checkValidity: the embedded lab's own queue drops", () => {
  it("charges a hop's overflow while the move was measured to the lab, by drops / rate", () => {
    const v = checkValidity(
      input({
        labDrops: hopDrops([
          ['fabric', 1100, 1120, 250],
          ['host compute-1', 1300, 1320, 50],
        ]),
      }),
    );
    expect(v.findings).toEqual([
      expect.objectContaining({ element: 'lab', check: 'hop-drops', effectMs: 30 }),
    ]);
    expect(v.findings[0]?.detail).toContain('fabric 250, host compute-1 50');
    expect(v.trusted).toBe(false);
    expect(v.checked.join('; ')).toContain('queue drops per hop');
  });

  it('counts the loss outside the switch-over once when both the queueing and the hop drops explain it', () => {
    const v = checkValidity(
      input({
        latencyP99Ms: 577,
        degradation: { lost: 3621, lossDerivedMs: 362.1 },
        labDrops: hopDrops([['host compute-1', 1300, 1400, 3621]]),
      }),
    );
    expect(v.findings.map((f) => [f.check, f.effectMs])).toEqual([
      ['queueing', 0],
      ['hop-drops', 362.1],
    ]);
    expect(v.errorBoundMs).toBeCloseTo(362.1);
  });

  it("notes the paused VM's overflow at the switch-over as the migration's own, but not the fabric's", () => {
    const v = checkValidity(
      input({
        labDrops: hopDrops([
          ['host compute-1', 1240, 1260, 80],
          ['fabric', 1240, 1260, 20],
        ]),
      }),
    );
    expect(v.findings).toEqual([
      expect.objectContaining({ check: 'hop-drops', effectMs: 2 }),
      expect.objectContaining({ check: 'hop-drops-paused', effectMs: 0 }),
    ]);
  });

  it('ignores drops outside the figure window (steps 7 and 10 judge those) and an unobserved lab', () => {
    expect(checkValidity(input({ labDrops: hopDrops([['fabric', 400, 420, 900]]) })).findings).toEqual([]);
    const blind = { ...hopDrops([['fabric', 1100, 1120, 900]]), observed: false };
    expect(checkValidity(input({ labDrops: blind })).findings).toEqual([]);
  });
});

describe('generatorIrregularBins', () => {
  it('does not judge rates too low for 10 ms bins', () => {
    const w = window({ 5: 0 });
    expect(generatorIrregularBins(w.timeline!, 500)).toEqual([]);
  });

  it('says whether an irregular bin touches a loss (in it or a neighbour)', () => {
    const w = window({ 5: 0, 30: 20 }, 50, { 6: 3 });
    expect(generatorIrregularBins(w.timeline!, 10_000)).toEqual([
      { atMs: 1050, kind: 'stall', missingOrExtra: 100, nearLoss: true },
      { atMs: 1300, kind: 'stall', missingOrExtra: 80, nearLoss: false },
    ]);
  });
});
