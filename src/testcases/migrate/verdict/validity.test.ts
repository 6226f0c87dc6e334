import { describe, expect, it } from 'vitest';
import type { TesterSelfCheck, TrafficTimeline, WindowStats } from '../../../ports/traffic.js';
import { checkValidity, generatorIrregularBins, type ValidityInput } from './validity.js';

const CLEAN: TesterSelfCheck = {
  receiverSocketDrops: 0,
  late: 0,
  skipped: 0,
  maxBurstPackets: 2,
  sendErrors: 0,
};

/** A window at 10k/s (100 packets per 10 ms bin), with `offered` overriding some bins. */
function window(offered: Record<number, number> = {}, bins = 50): WindowStats {
  const received = Array.from({ length: bins }, (_, i) => offered[i] ?? 100);
  const timeline: TrafficTimeline = {
    binMs: 10,
    startMs: 1000,
    received,
    lost: received.map(() => 0),
    truncated: false,
  };
  return {
    name: 'duringMigration',
    openedAtMs: 1000,
    closedAtMs: 1000 + bins * 10,
    sent: received.reduce((a, b) => a + b, 0),
    received: received.reduce((a, b) => a + b, 0),
    lost: 0,
    duplicated: 0,
    reordered: 0,
    offeredRateHz: 10_000,
    timeline,
  };
}

const input = (over: Partial<ValidityInput>): ValidityInput => ({
  windows: [window()],
  selfCheck: CLEAN,
  latencyP99Ms: 0.3,
  embeddedLab: true,
  triggerAtMs: 1000,
  ...over,
});

describe('checkValidity', () => {
  it('trusts a clean run and lists the checks it ran', () => {
    const v = checkValidity(input({}));
    expect(v.trusted).toBe(true);
    expect(v.findings).toEqual([]);
    expect(v.checked.join('; ')).toMatch(/socket drops.*pacing|pacing.*socket drops/s);
  });

  it("names the receiver when the kernel dropped datagrams at the tester's socket", () => {
    const v = checkValidity(input({ selfCheck: { ...CLEAN, receiverSocketDrops: 37 } }));
    expect(v.trusted).toBe(false);
    expect(v.findings[0]).toMatchObject({ element: 'tester.receiver', check: 'socket-drops' });
    expect(v.findings[0]?.detail).toContain('37');
  });

  it('names the generator when it stalled and then burst to catch up, with where on the move', () => {
    const v = checkValidity(input({ windows: [window({ 20: 10, 21: 190 })] }));
    expect(v.findings).toEqual([expect.objectContaining({ element: 'tester.generator', check: 'pacing' })]);
    expect(v.findings[0]?.detail).toMatch(/1 stalled and 1 bursting .* \+200 ms from the trigger/);
  });

  it('ignores the partial first and last bins of a window', () => {
    expect(checkValidity(input({ windows: [window({ 0: 3, 49: 7 })] })).trusted).toBe(true);
  });

  it('reports skipped packets, refused sends and late packets', () => {
    const v = checkValidity(input({ selfCheck: { ...CLEAN, skipped: 5, sendErrors: 2, late: 800 } }));
    expect(v.findings.map((f) => `${f.element}/${f.check}`)).toEqual([
      'tester.generator/send-errors',
      'tester.generator/skipped',
      'lab/late',
    ]);
  });

  it('charges late packets to the path, not the lab, against external systems', () => {
    const v = checkValidity(input({ embeddedLab: false, selfCheck: { ...CLEAN, late: 3 } }));
    expect(v.findings[0]?.element).toBe('path');
  });

  it("calls the embedded lab overloaded when its p99 latency is queueing, but not a real system's", () => {
    expect(checkValidity(input({ latencyP99Ms: 893 })).findings[0]).toMatchObject({
      element: 'lab',
      check: 'queueing',
    });
    expect(checkValidity(input({ latencyP99Ms: 893, embeddedLab: false })).trusted).toBe(true);
  });
});

describe('generatorIrregularBins', () => {
  it('does not judge rates too low for 10 ms bins', () => {
    const w = window({ 5: 0 });
    expect(generatorIrregularBins(w.timeline!, 500)).toEqual({ stalls: [], bursts: [] });
  });
});
