// Synthetic packet traces for the tracker and disruption tests: a flow at a
// constant rate, with chosen packets lost, delayed (reordered) or duplicated.
import type { TraceFlow } from '../../../src/traffic/disruption.js';

export interface SyntheticFlow {
  rateHz: number;
  sent: number;
  firstSeq?: number;
  /** Send time of firstSeq, ms. */
  startMs?: number;
  /** One-way delay of every packet, ms. */
  latencyMs?: number;
  /** 64-bit sequence numbers that never arrive. */
  lost?: (seq: number) => boolean;
  /** Extra delay of some packets (reordering), ms. */
  delayMs?: ReadonlyMap<number, number>;
  /** Packets delivered twice (the copy 0.01 ms after the original). */
  duplicated?: ReadonlySet<number>;
  /** Send times other than the even schedule (a generator that stalled), ms. */
  sentAtMs?: (seq: number) => number;
}

export function syntheticTrace(f: SyntheticFlow): TraceFlow & { firstSeq: number } {
  const firstSeq = f.firstSeq ?? 0;
  const startMs = f.startMs ?? 1000;
  const intervalMs = 1000 / f.rateHz;
  const sentAtMs = f.sentAtMs ?? ((seq: number): number => startMs + (seq - firstSeq) * intervalMs);
  const arrivals: { seq: number; arrivedAtMs: number }[] = [];
  for (let seq = firstSeq; seq < firstSeq + f.sent; seq++) {
    if (f.lost?.(seq)) continue;
    const at = sentAtMs(seq) + (f.latencyMs ?? 0.5) + (f.delayMs?.get(seq) ?? 0);
    arrivals.push({ seq: seq % 2 ** 32, arrivedAtMs: at });
    if (f.duplicated?.has(seq)) arrivals.push({ seq: seq % 2 ** 32, arrivedAtMs: at + 0.01 });
  }
  arrivals.sort((a, b) => a.arrivedAtMs - b.arrivedAtMs);
  return { firstSeq, sent: f.sent, sentAtMs, arrivals };
}

export const between =
  (first: number, last: number) =>
  (seq: number): boolean =>
    seq >= first && seq <= last;
