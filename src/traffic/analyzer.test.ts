import { describe, expect, it } from 'vitest';
import { Analyzer } from './analyzer.js';
import { encodePacket } from './packet.js';
import { SharedTrafficState } from './shared-state.js';

const RUN = 7;
const GRACE = 50;

/** A simulated generator writing the shared state, and an analyzer reading it; times are synthetic ms. */
function setup(flows = 1, firstSeq = 0) {
  const state = SharedTrafficState.create({ flows, ringSize: 4096, maxWindows: 8 }, firstSeq);
  const analyzer = new Analyzer(state, { firstSeq, runId: RUN, graceMs: GRACE, capacity: 4096 });
  state.cutWindow();
  state.markStarted(1000);
  const next = Array.from({ length: flows }, () => firstSeq);
  /** Send the next packet of `flow` at `atMs`; returns its datagram. */
  const send = (atMs: number, flow = 0): Buffer => {
    const seq = next[flow] ?? 0;
    next[flow] = seq + 1;
    state.publishSend(flow, seq, atMs);
    return encodePacket({ flow, seq, runId: RUN, sentNs: BigInt(Math.round(atMs * 1e6)) }, 64);
  };
  /** Tick every ms in [fromMs, toMs]. */
  const tickEach = (fromMs: number, toMs: number): void => {
    for (let t = fromMs; t <= toMs; t++) analyzer.tick(t);
  };
  return { state, analyzer, send, tickEach };
}

describe('Analyzer', () => {
  it('settles packets after the grace period: received, and lost against what was sent', () => {
    const { analyzer, send, tickEach } = setup();
    for (let i = 0; i < 100; i++) {
      const t = 1000 + i;
      analyzer.onDatagram(send(t), t + 0.5);
      analyzer.tick(t + 0.6);
    }
    for (let i = 0; i < 10; i++) send(1100 + i); // never arrive
    tickEach(1110, 1140);
    // Sent less than the grace period ago: not judged yet.
    expect(analyzer.windowCounts(0)).toMatchObject({ sent: 110, received: 100, lost: 0 });
    tickEach(1141, 1200);
    expect(analyzer.windowCounts(0)).toMatchObject({ sent: 110, received: 100, lost: 10 });
    expect(analyzer.disruptionData(0).episodes).toEqual([
      expect.objectContaining({
        firstLostSeq: 100,
        lastLostSeq: 109,
        firstLostSentAtMs: 1100,
        lastLostSentAtMs: 1109,
        gapMs: null,
      }),
    ]);
  });

  it('missingUnsettled: what was sent up to an instant and has neither arrived nor been judged', () => {
    const { analyzer, send, tickEach } = setup();
    const held: Buffer[] = [];
    for (let i = 0; i < 100; i++) {
      const d = send(1000 + i);
      if (i >= 80 && i < 85)
        held.push(d); // delayed
      else analyzer.onDatagram(d, 1000 + i + 0.5);
      analyzer.tick(1000 + i + 0.6);
    }
    expect(analyzer.missingUnsettled(0, 1079)).toBe(0);
    expect(analyzer.missingUnsettled(0, 1099)).toBe(5);
    // The delayed ones arrive within their grace period: nothing missing, nothing lost.
    held.forEach((d, i) => analyzer.onDatagram(d, 1101 + i));
    expect(analyzer.missingUnsettled(0, 1099)).toBe(0);
    send(1100); // never arrives
    expect(analyzer.missingUnsettled(0, 1100)).toBe(1);
    tickEach(1101, 1200);
    // Judged lost: no longer missing-unsettled, now counted.
    expect(analyzer.missingUnsettled(0, 1100)).toBe(0);
    expect(analyzer.windowCounts(0)).toMatchObject({ lost: 1 });
  });

  it('a stalled receiver does not call the packets waiting in its socket lost', () => {
    const { analyzer, send, tickEach } = setup();
    analyzer.tick(1000);
    const queued = Array.from({ length: 100 }, (_, i) => send(1000 + i));
    // The receiver thread wakes up 200 ms later with 100 datagrams waiting.
    analyzer.tick(1200);
    expect(analyzer.windowCounts(0).lost).toBe(0);
    queued.forEach((d, i) => analyzer.onDatagram(d, 1200 + i * 0.01));
    tickEach(1201, 1210);
    expect(analyzer.windowCounts(0)).toMatchObject({ received: 100, lost: 0 });
    tickEach(1211, 1300);
    expect(analyzer.windowCounts(0)).toMatchObject({ received: 100, lost: 0, final: false });
    expect(analyzer.diagnostics()).toMatchObject({
      stalls: 1,
      longestStallMs: 200,
      stallSpans: [{ fromMs: 1000, toMs: 1200 }],
    });
  });

  it('keeps the 50 longest stalls of the receiver thread, in time order', () => {
    const { analyzer } = setup();
    let t = 1000;
    analyzer.tick(t);
    for (let i = 0; i < 60; i++) {
      t += 11 + i; // stalls of 11..70 ms
      analyzer.tick(t);
      t += 1;
      analyzer.tick(t);
    }
    const d = analyzer.diagnostics();
    expect(d.stalls).toBe(60);
    expect(d.longestStallMs).toBe(70);
    expect(d.stallSpans).toHaveLength(50);
    expect(Math.min(...d.stallSpans.map((s) => s.toMs - s.fromMs))).toBe(21);
    expect(d.stallSpans.map((s) => s.fromMs)).toEqual(
      [...d.stallSpans.map((s) => s.fromMs)].sort((a, b) => a - b),
    );
  });

  it('while datagrams keep coming, judges by the newest send time seen, not by the clock', () => {
    const { analyzer, send, tickEach } = setup();
    // A path (or a busy receiver) that delays everything by 100 ms, twice the grace period; 150-159 are lost.
    for (let seq = 0; seq < 300; seq++) {
      const d = send(1000 + seq);
      if (seq < 150 || seq >= 160) analyzer.onDatagram(d, 1100 + seq);
      analyzer.tick(1100 + seq);
    }
    // The newest send time seen is 1299: judged up to 1249; the uniform delay is not loss.
    expect(analyzer.windowCounts(0)).toMatchObject({ received: 290, lost: 10, late: 0 });
    expect(analyzer.disruptionData(0)).toMatchObject({ sent: 250, lost: 10 });
    tickEach(1400, 1410); // quiet: the socket is drained, the clock decides
    expect(analyzer.disruptionData(0)).toMatchObject({ sent: 300, lost: 10 });
  });

  it('a packet overtaken by packets sent more than the grace period after it is late (and stays lost)', () => {
    const { analyzer, send } = setup();
    const held = send(1000);
    for (let seq = 1; seq < 100; seq++) {
      analyzer.onDatagram(send(1000 + seq), 1000 + seq + 0.5);
      analyzer.tick(1000 + seq + 0.6);
    }
    analyzer.onDatagram(held, 1100);
    expect(analyzer.windowCounts(0)).toMatchObject({ lost: 1, late: 1 });
  });

  it('charges packets to the window they were sent in, by sequence number', () => {
    const { state, analyzer, send, tickEach } = setup();
    const first = Array.from({ length: 50 }, (_, i) => send(1000 + i));
    state.cutWindow();
    const second = Array.from({ length: 50 }, (_, i) => send(1050 + i));
    // Nothing of window 0 arrives before the cut is known; 40-49 never arrive.
    [...first.slice(0, 40), ...second].forEach((d, i) => analyzer.onDatagram(d, 1100 + i * 0.01));
    expect(analyzer.isClosed(0)).toBe(true);
    expect(analyzer.isClosed(1)).toBe(false);
    expect(analyzer.isFinal(0)).toBe(false);
    tickEach(1101, 1200);
    expect(analyzer.windowCounts(0)).toMatchObject({ sent: 50, received: 40, lost: 10, final: true });
    expect(analyzer.windowCounts(1)).toMatchObject({ sent: 50, received: 50, lost: 0, final: false });
  });

  it('forces a closed window final when asked, never the open one of a running generator', () => {
    const { state, analyzer, send } = setup();
    for (let i = 0; i < 20; i++) send(1000 + i);
    expect(analyzer.forceSettle(0)).toBe(false);
    state.cutWindow();
    expect(analyzer.forceSettle(0)).toBe(true);
    expect(analyzer.windowCounts(0)).toMatchObject({ sent: 20, lost: 20, final: true });
    state.markStopped(1100);
    expect(analyzer.forceSettle(1)).toBe(true);
    expect(analyzer.isFinal(1)).toBe(true);
  });

  it('measures the offered rate from send times, per flow summed', () => {
    const { state, analyzer, send, tickEach } = setup(2);
    for (let i = 0; i < 100; i++) {
      // Flow 0 at 1000/s, flow 1 at 500/s.
      analyzer.onDatagram(send(1000 + i), 1000 + i + 0.5);
      if (i % 2 === 0) analyzer.onDatagram(send(1000 + i, 1), 1000 + i + 0.5);
    }
    tickEach(1100, 1200);
    expect(analyzer.sendRateHz(0)).toBeCloseTo(1000 + (49 / 98) * 1000, 6);
    state.cutWindow();
    state.markStopped(1100);
    tickEach(1201, 1300);
    expect(analyzer.sendRateHz(0)).toBeCloseTo(1500, 6);
    expect(analyzer.sendRateHz(null)).toBeCloseTo(1500, 6);
  });

  it('DoesTrafficFlow: every flow had a datagram within the window', () => {
    const { analyzer, send } = setup(2);
    analyzer.onDatagram(send(1000, 0), 1000.5);
    expect(analyzer.flowing(1050, 100)).toBe(false);
    analyzer.onDatagram(send(1010, 1), 1010.5);
    expect(analyzer.flowing(1050, 100)).toBe(true);
    expect(analyzer.flowing(1101, 100)).toBe(false);
  });

  it('one-way latency per flow and a received/lost timeline per window, merged over the run', () => {
    const { state, analyzer, send, tickEach } = setup(2);
    // Window 0: flow 0 at 0.5 ms latency except one packet at 7 ms; flow 1 at 2 ms; flow 0 loses 20-29.
    for (let i = 0; i < 100; i++) {
      const t = 1000 + i;
      const d0 = send(t, 0);
      if (i < 20 || i >= 30) analyzer.onDatagram(d0, t + (i === 50 ? 7 : 0.5));
      analyzer.onDatagram(send(t, 1), t + 2);
      analyzer.tick(t + 0.6);
    }
    state.cutWindow();
    for (let i = 0; i < 50; i++) {
      const t = 1100 + i;
      analyzer.onDatagram(send(t, 0), t + 1);
      analyzer.onDatagram(send(t, 1), t + 1);
    }
    state.markStopped(1150);
    tickEach(1150, 1300);
    const w0 = analyzer.windowDetail(0);
    expect(w0.latency).toHaveLength(2);
    expect(w0.latency[0]).toMatchObject({ flow: 0, count: 90, minMs: 0.5, maxMs: 7 });
    // Percentiles are bucket upper edges: 500 us lies in the bucket 500..501 us.
    // Of 90 packets the 99th percentile is the 90th value: the 7 ms outlier.
    expect(w0.latency[0]).toMatchObject({ p50Ms: 0.501, p99Ms: 7 });
    expect(w0.latency[1]).toMatchObject({ flow: 1, count: 100, minMs: 2, maxMs: 2 });
    // Send times 1000..1099 in 10 ms bins, both flows; flow 0's loss in bins 1020 and 1030 (send times 1020-1029).
    expect(w0.timeline).toMatchObject({ binMs: 10, startMs: 1000 });
    expect(w0.timeline?.received).toEqual([20, 20, 10, 20, 20, 20, 20, 20, 20, 20]);
    expect(w0.timeline?.lost).toEqual([0, 0, 10, 0, 0, 0, 0, 0, 0, 0]);
    const run = analyzer.windowDetail(null);
    expect(run.latency[0]).toMatchObject({ count: 140, maxMs: 7 });
    expect(run.timeline?.received).toHaveLength(15);
    expect(run.timeline?.received.reduce((a, b) => a + b, 0)).toBe(290);
    expect(run.timeline?.lost.reduce((a, b) => a + b, 0)).toBe(10);
  });

  it('32-bit wrap on the wire: loss at start and end, an episode and reordering across 2^32, duplicates', () => {
    const firstSeq = 2 ** 32 - 50;
    const { state, analyzer, send, tickEach } = setup(1, firstSeq);
    const sent = Array.from({ length: 100 }, (_, i) => send(1000 + i));
    // Lost: the first 5 (start), 2^32-3 .. 2^32+2 (across the wrap), the last 5 (end, never followed).
    // 2^32-5 is delayed behind 2^32+3 (reordered across the episode); 2^32+10 arrives twice.
    const seqOf = (i: number): number => firstSeq + i;
    const lost = (seq: number): boolean =>
      seq < firstSeq + 5 || (seq >= 2 ** 32 - 3 && seq <= 2 ** 32 + 2) || seq >= firstSeq + 95;
    const order: number[] = [];
    for (let i = 0; i < 100; i++) {
      const seq = seqOf(i);
      if (lost(seq) || seq === 2 ** 32 - 5) continue;
      order.push(i);
      if (seq === 2 ** 32 + 3) order.push(45); // 2^32-5 arrives late, after the episode
      if (seq === 2 ** 32 + 10) order.push(i);
    }
    order.forEach((i, k) => analyzer.onDatagram(sent[i] ?? Buffer.alloc(0), 1100 + k * 0.01));
    state.markStopped(1100);
    tickEach(1101, 1200);
    expect(analyzer.windowCounts(0)).toMatchObject({
      sent: 100,
      received: 84,
      lost: 16,
      duplicated: 1,
      reordered: 1,
      late: 0,
      final: true,
    });
    const episodes = analyzer.disruptionData(0).episodes;
    expect(episodes.map((e) => [e.firstLostSeq, e.lastLostSeq, e.lost])).toEqual([
      [firstSeq, firstSeq + 4, 5],
      [2 ** 32 - 3, 2 ** 32 + 2, 6],
      [firstSeq + 95, firstSeq + 99, 5],
    ]);
    expect(episodes.map((e) => e.gapMs === null)).toEqual([true, false, true]);
  });

  it('ignores and counts datagrams that are not of this run', () => {
    const { analyzer } = setup(1);
    analyzer.onDatagram(Buffer.from('hello, not a vnflab packet at all!'), 1000);
    analyzer.onDatagram(encodePacket({ flow: 0, seq: 0, runId: RUN + 1, sentNs: 0n }, 64), 1000);
    analyzer.onDatagram(encodePacket({ flow: 3, seq: 0, runId: RUN, sentNs: 0n }, 64), 1000);
    expect(analyzer.diagnostics()).toMatchObject({ foreign: 1, otherRun: 1, badFlow: 1 });
    expect(analyzer.windowCounts(0).received).toBe(0);
  });
});
