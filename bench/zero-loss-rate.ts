/**
 * Highest zero-loss rate on loopback: a Traffic implementation sends
 * straight to its own sink, one flow of 64-byte datagrams, at a rising rate,
 * then a bisection between the last rate that passed and the first that
 * failed. A trial passes when its measurement window (after a warm-up) lost
 * nothing AND the generator really offered the rate (within 1 %): a sender
 * that cannot keep up is a limit too, and is reported as such.
 */
import type { Traffic } from '../src/ports/traffic.js';
import { monoMs } from '../src/util/clock.js';
import { load1 } from './machine.js';
import { measureWindow } from './window.js';

/** One trial at one rate. */
export interface RateTrial {
  readonly rateHz: number;
  readonly offeredRateHz: number;
  readonly sent: number;
  readonly lost: number;
  readonly passed: boolean;
  /** What failed: 'loss' (the receiving side dropped), 'rate' (the sender fell short), or null. */
  readonly limit: 'loss' | 'rate' | null;
  /** CPU cores busy during the window: this process (all threads) and its children (iperf3). */
  readonly cpuCores: number;
  readonly load1: number;
}

/** How to search. */
export interface SearchOptions {
  readonly create: () => Traffic;
  /** Rates tried in order until one fails. */
  readonly ladderHz: readonly number[];
  /** Bisection steps after the ladder. */
  readonly bisectSteps: number;
  /** Measurement window per trial, ms. */
  readonly windowMs: number;
  /** Give up starting trials after this monotonic ms. */
  readonly deadlineMs: number;
}

/** Run one trial: warm-up 500 ms, measure `windowMs`, stop. */
export async function trial(create: () => Traffic, rateHz: number, windowMs: number): Promise<RateTrial> {
  const { window: w, cpu, wallSeconds } = await measureWindow(create(), { rateHz, windowMs, warmUpMs: 500 });
  const lost = w?.lost ?? Number.NaN;
  const offeredRateHz = w?.offeredRateHz ?? 0;
  const rateOk = offeredRateHz >= rateHz * 0.99;
  const limit = lost !== 0 ? 'loss' : rateOk ? null : 'rate';
  return {
    rateHz,
    offeredRateHz: Math.round(offeredRateHz),
    sent: w?.sent ?? 0,
    lost,
    passed: limit === null,
    limit,
    cpuCores: Math.round(((cpu.self + cpu.children) / wallSeconds) * 100) / 100,
    load1: load1(),
  };
}

/** Ladder then bisection; returns every trial and the highest rate that passed (0 if none). */
export async function highestZeroLossRate(
  opts: SearchOptions,
): Promise<{ bestHz: number; trials: RateTrial[] }> {
  const trials: RateTrial[] = [];
  let pass = 0;
  let fail = Infinity;
  for (const r of opts.ladderHz) {
    if (monoMs() > opts.deadlineMs) break;
    const t = await trial(opts.create, r, opts.windowMs);
    trials.push(t);
    if (t.passed) pass = Math.max(pass, r);
    else {
      fail = r;
      break;
    }
  }
  for (let i = 0; i < opts.bisectSteps && Number.isFinite(fail) && monoMs() < opts.deadlineMs; i++) {
    const r = Math.round((pass + fail) / 2 / 1000) * 1000;
    if (r <= pass || r >= fail) break;
    const t = await trial(opts.create, r, opts.windowMs);
    trials.push(t);
    if (t.passed) pass = r;
    else fail = r;
  }
  return { bestHz: pass, trials };
}
