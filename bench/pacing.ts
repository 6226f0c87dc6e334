/**
 * Pacing of the builtin generator (issue 3: offered rate within 0.1 % of the
 * target over any 1 s window, bursts bounded). One flow to its own sink;
 * the window's timeline counts every packet sent (received + lost) per 10 ms
 * bin of send time, so every 1 s span of 100 whole bins is checked, not
 * only the average. The largest back-to-back burst and the packets skipped
 * (a lag beyond what the pacer repays) come from the generator.
 */
import { BuiltinTraffic } from '../src/traffic/builtin-traffic.js';
import type { TrafficIo } from '../src/traffic/udp-batch.js';
import { load1 } from './machine.js';
import { measureWindow } from './window.js';

/** How one rate was held. */
export interface PacingResult {
  readonly io: TrafficIo;
  readonly rateHz: number;
  /** 1 s spans checked (one per 10 ms bin). */
  readonly spans: number;
  /** Largest |sent in a 1 s span - rate| / rate, %. */
  readonly worstSpanErrorPct: number;
  /** Share of the spans within 0.1 %. */
  readonly spansWithinPct: number;
  readonly maxBurstPackets: number;
  readonly skipped: number;
  readonly load1: number;
}

export async function pacing(io: TrafficIo, rateHz: number, windowMs: number): Promise<PacingResult> {
  const { window: measured, totals } = await measureWindow(new BuiltinTraffic({ io }), {
    rateHz,
    windowMs,
    warmUpMs: 300,
  });
  const tl = measured?.timeline;
  // Whole bins only: the first and last are cut by the window's edges.
  const sent = (tl?.received ?? []).map((r, i) => r + (tl?.lost[i] ?? 0)).slice(1, -1);
  const perSpan = (1000 / (tl?.binMs ?? 10)) | 0;
  let worst = 0;
  let spans = 0;
  let within = 0;
  let sum = sent.slice(0, perSpan).reduce((a, b) => a + b, 0);
  for (let i = perSpan; i <= sent.length; i++) {
    const err = Math.abs(sum - rateHz) / rateHz;
    worst = Math.max(worst, err);
    spans++;
    if (err <= 0.001) within++;
    sum += (sent[i] ?? 0) - (sent[i - perSpan] ?? 0);
  }
  return {
    io,
    rateHz,
    spans,
    worstSpanErrorPct: Math.round(worst * 1e5) / 1e3,
    spansWithinPct: spans === 0 ? 0 : Math.round((within / spans) * 1000) / 10,
    maxBurstPackets: totals.maxBurstPackets,
    skipped: totals.skipped,
    load1: load1(),
  };
}
