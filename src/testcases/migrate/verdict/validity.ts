/**
 * Can the run's figures be trusted? The tester checks itself (its receiver's
 * socket drops, its generator's stalls and bursts, packets it gave up on),
 * and on the embedded lab the lab's own overload (queueing far beyond what a
 * forwarder needs) is told apart from migration disruption.
 *
 * Each disturbance is weighed by what it can do to the service disruption
 * figure (RFC 6201 frame-loss method: lost packets / offered rate): its
 * `effectMs` bounds how far it may have moved the figure. A stall far from
 * any loss moves nothing and is kept as a note; a stall inside a loss
 * episode hides the packets it did not offer. The run's error bound is the
 * sum of the effects; beyond the tolerance (criteria.maxMeasurementErrorMs,
 * default the larger of 1 ms and 5 % of the figure) the figures are not
 * trusted and a run whose steps all passed is INCONCLUSIVE, never a clean PASS.
 */
import { describeHopDrops, labDropsIn, type LabHopDrops } from '../../../ports/lab-drops.js';
import type { TesterSelfCheck, TrafficTimeline, WindowStats } from '../../../ports/traffic.js';
import type { Finding, Validity, VimBounds } from '../../../record/verdict.js';

/** A 10 ms bin offering less than this share of the window's rate is a generator stall. */
export const STALL_SHARE = 0.5;
/** More than this share of the rate in one bin is a burst (catching up after a stall). */
export const BURST_SHARE = 1.5;
/** On the embedded lab a p99 one-way latency above this is the lab queueing, not forwarding. */
export const LAB_QUEUEING_P99_MS = 50;
/** Default tolerance: the larger of this and TOLERANCE_SHARE of the figure. */
export const TOLERANCE_FLOOR_MS = 1;
export const TOLERANCE_SHARE = 0.05;

export interface ValidityInput {
  /** Windows the verdict uses (before, during, after the move). */
  readonly windows: readonly WindowStats[];
  /** The window the disruption figure comes from (its rate converts packets to ms); null: none. */
  readonly disruptionWindow: string | null;
  /** The service disruption figure (frame-loss), ms; null: not measured. */
  readonly disruptionMs: number | null;
  /** Loss during the move outside the switch-over: packets and frame-loss ms; null: not placed. */
  readonly degradation: { readonly lost: number; readonly lossDerivedMs: number } | null;
  readonly selfCheck: TesterSelfCheck | null;
  /** Worst p99 one-way latency over the flows, ms; null: not measured. */
  readonly latencyP99Ms: number | null;
  /** The run drove the embedded lab (its overload is then ours to report). */
  readonly embeddedLab: boolean;
  /** Monotonic ms of the trigger, to say where on the move a disturbance was. */
  readonly triggerAtMs: number | null;
  /** The embedded process lab's per-hop queue drops; null: not watched. */
  readonly labDrops: LabHopDrops | null;
  /** Monotonic ms span loss is charged to the switch-over (its events and slack); null: no events. */
  readonly switchOverSpan: readonly [number, number] | null;
  /** criteria.maxMeasurementErrorMs; undefined: the default. */
  readonly toleranceMs?: number | undefined;
  /** The VIM's events that bound the move (no lab timeline); null / absent: none. */
  readonly vim?: VimBounds | null | undefined;
  /** The switch-over inferred from the traffic (longest loss episode), monotonic ms; null: none. */
  readonly inferredSwitchOver?: readonly [number, number] | null | undefined;
}

/** A bin of a window's timeline whose offered packets (received + lost) left the stall / burst shares. */
export interface IrregularBin {
  /** Monotonic ms where the bin starts. */
  readonly atMs: number;
  readonly kind: 'stall' | 'burst';
  /** Packets below (stall) or above (burst) the rate's share of the bin. */
  readonly missingOrExtra: number;
  /** Packets were lost in this bin or a neighbour: the irregularity touches a loss episode. */
  readonly nearLoss: boolean;
}

/** Bins of a window's timeline whose offered packets (received + lost) fall outside the stall / burst shares. */
export function generatorIrregularBins(timeline: TrafficTimeline, rateHz: number): IrregularBin[] {
  const expected = (rateHz * timeline.binMs) / 1000;
  const out: IrregularBin[] = [];
  // Below ~10 packets a bin, one packet more or less is already a 10 % swing: too coarse to judge.
  if (!(expected >= 10)) return out;
  const n = timeline.received.length;
  const lost = (i: number): number => timeline.lost[i] ?? 0;
  // The first and last bins of a window are partial (its cut falls inside them).
  for (let i = 1; i < n - 1; i++) {
    const offered = (timeline.received[i] ?? 0) + lost(i);
    const atMs = timeline.startMs + i * timeline.binMs;
    const nearLoss = lost(i - 1) + lost(i) + lost(i + 1) > 0;
    if (offered < expected * STALL_SHARE)
      out.push({ atMs, kind: 'stall', missingOrExtra: expected - offered, nearLoss });
    else if (offered > expected * BURST_SHARE)
      out.push({ atMs, kind: 'burst', missingOrExtra: offered - expected, nearLoss });
  }
  return out;
}

function rel(ms: number, triggerAtMs: number | null): string {
  if (triggerAtMs === null) return `at ${ms.toFixed(0)} ms`;
  const d = ms - triggerAtMs;
  return `${d >= 0 ? '+' : ''}${d.toFixed(0)} ms from the trigger`;
}

/** The tolerance on the figure's error bound. */
export function toleranceFor(disruptionMs: number | null, configured: number | undefined): number {
  if (configured !== undefined) return configured;
  return Math.max(TOLERANCE_FLOOR_MS, TOLERANCE_SHARE * (disruptionMs ?? 0));
}

export function checkValidity(v: ValidityInput): Validity {
  const findings: Finding[] = [];
  const checked: string[] = [];
  const figureWindow = v.windows.find((w) => w.name === v.disruptionWindow) ?? null;
  const rateHz = figureWindow?.offeredRateHz ?? v.windows.at(-1)?.offeredRateHz ?? 0;
  /** Packets as ms of the frame-loss figure (lost / offered rate); null: no rate to convert by. */
  const asMs = (packets: number): number | null => (rateHz > 0 ? (packets * 1000) / rateHz : null);
  const add = (f: Finding): void => void findings.push(f);

  const s = v.selfCheck;
  if (s) {
    if (s.receiverSocketDrops !== null) {
      checked.push('receiver socket drops (kernel counter)');
      if (s.receiverSocketDrops > 0)
        add({
          element: 'tester.receiver',
          check: 'socket-drops',
          detail: `the kernel dropped ${s.receiverSocketDrops} datagrams at the receiver's socket (its receive queue was full): they count as lost though the path delivered them`,
          effectMs: asMs(s.receiverSocketDrops),
        });
    }
    checked.push('generator send errors and skipped packets');
    if ((s.sendErrors ?? 0) > 0)
      add({
        element: 'tester.generator',
        check: 'send-errors',
        detail: `${s.sendErrors} sends were refused by the OS`,
        effectMs: asMs(s.sendErrors ?? 0),
      });
    if ((s.skipped ?? 0) > 0)
      add({
        element: 'tester.generator',
        check: 'skipped',
        detail: `the generator fell behind and skipped ${s.skipped} packets (not offered, not lost): the offered rate was not held`,
        effectMs: asMs(s.skipped ?? 0),
      });
    if (s.arrivalStamps === 'kernel') {
      // SO_TIMESTAMPNS: each datagram is stamped when the kernel queues it; the thread's stalls delay reads only.
      checked.push("receiver arrival stamps: the kernel's (its thread's stalls delay no stamp)");
    } else if (s.receiverStalls) {
      checked.push('receiver stamping lateness (stalls of its thread)');
      const st = s.receiverStalls;
      if (st.count > 0) {
        const longest = st.spans.reduce<{ fromMs: number; toMs: number } | null>(
          (a, b) => (a === null || b.toMs - b.fromMs > a.toMs - a.fromMs ? b : a),
          null,
        );
        const span = v.switchOverSpan;
        const atSwitch = span ? st.spans.filter((x) => x.toMs > span[0] && x.fromMs < span[1]).length : 0;
        add({
          element: 'tester.receiver',
          check: 'stamping-lateness',
          detail: `the receiver's thread stalled ${st.count} times, the longest ${st.longestMs.toFixed(1)} ms${longest ? ` ${rel(longest.fromMs, v.triggerAtMs)}` : ''}${atSwitch > 0 ? `, ${atSwitch} across the switch-over` : ''}: arrival stamps may be late by up to that, so the latency figures and the timestamp method carry that error; the frame-loss figure does not (the packets waited in its socket)`,
          effectMs: 0,
        });
      }
    }
    if (s.late !== null) {
      checked.push('packets delayed past the grace period');
      if (s.late > 0)
        add({
          element: v.embeddedLab ? 'lab' : 'path',
          check: 'late',
          detail: `${s.late} packets arrived after the grace period (delayed, not dropped, but counted lost): ${v.embeddedLab ? 'the embedded lab or the machine queued them (overload)' : 'the path queued them'}`,
          effectMs: asMs(s.late),
        });
    }
  }

  let timed = false;
  const irregular: IrregularBin[] = [];
  for (const w of v.windows) {
    if (!w.timeline || !(w.offeredRateHz > 0)) continue;
    timed = true;
    irregular.push(...generatorIrregularBins(w.timeline, w.offeredRateHz));
  }
  if (timed) {
    checked.push(
      `generator pacing per 10 ms bin (stall < ${STALL_SHARE * 100} %, burst > ${BURST_SHARE * 100} % of the rate), weighed where it touches a loss episode`,
    );
    const describe = (bins: IrregularBin[]): string => {
      const stalls = bins.filter((b) => b.kind === 'stall').length;
      const first = Math.min(...bins.map((b) => b.atMs));
      return `${stalls} stalled and ${bins.length - stalls} bursting 10 ms bins, the first ${rel(first, v.triggerAtMs)}`;
    };
    const touching = irregular.filter((b) => b.nearLoss);
    const apart = irregular.filter((b) => !b.nearLoss);
    if (touching.length > 0)
      add({
        element: 'tester.generator',
        check: 'pacing',
        detail: `the generator's offered rate left its bounds inside loss episodes: ${describe(touching)}; packets not offered there (or bunched) shift the frame-loss figure`,
        effectMs: asMs(touching.reduce((a, b) => a + b.missingOrExtra, 0)),
      });
    if (apart.length > 0)
      add({
        element: 'tester.generator',
        check: 'pacing-apart',
        detail: `the generator's offered rate left its bounds away from any loss: ${describe(apart)}; no packet was lost there, so the figure is not moved`,
        effectMs: 0,
      });
  }

  // The lab's own queue drops while the figure's window was open. A paused VM's socket fills during the
  // switch-over: that is the migration's own loss; anything else is the lab's overload, counted as lost.
  const overload: Record<string, number> = {};
  const paused: Record<string, number> = {};
  if (v.labDrops?.observed) {
    checked.push(
      `the embedded lab's own queue drops per hop (kernel counters, sampled every ${v.labDrops.sampleEveryMs} ms)`,
    );
    const during = figureWindow
      ? labDropsIn(v.labDrops, figureWindow.openedAtMs, figureWindow.closedAtMs ?? Infinity)
      : {};
    const atSwitch = v.switchOverSpan ? labDropsIn(v.labDrops, v.switchOverSpan[0], v.switchOverSpan[1]) : {};
    for (const [hop, n] of Object.entries(during)) {
      const atPause = hop.startsWith('host ') ? Math.min(n, atSwitch[hop] ?? 0) : 0;
      if (atPause > 0) paused[hop] = atPause;
      if (n - atPause > 0) overload[hop] = n - atPause;
    }
  }
  const overloadTotal = Object.values(overload).reduce((a, b) => a + b, 0);
  const overloadMs = asMs(overloadTotal) ?? 0;

  if (v.embeddedLab && v.latencyP99Ms !== null) {
    checked.push(`embedded lab queueing (p99 one-way latency <= ${LAB_QUEUEING_P99_MS} ms)`);
    if (v.latencyP99Ms > LAB_QUEUEING_P99_MS) {
      // Queueing alone delays packets; it disturbs the figure where it lost some: the loss during the
      // move outside the switch-over (the blackout itself is the lab's pause) and the late packets above.
      const degradation = v.degradation;
      const degraded = degradation !== null && degradation.lost > 0;
      add({
        element: 'lab',
        check: 'queueing',
        detail: `p99 one-way latency through the embedded lab was ${v.latencyP99Ms.toFixed(1)} ms (a forwarder needs < 1 ms): the lab was overloaded${degraded ? `, and ${degradation.lost} packets were lost during the move outside the switch-over` : '; no loss outside the switch-over, so the figure is not moved'}`,
        // The lab's queue drops (below) are part of that loss: each packet counts once.
        effectMs: degraded ? Math.max(0, degradation.lossDerivedMs - overloadMs) : 0,
      });
    }
  }

  if (overloadTotal > 0)
    add({
      element: 'lab',
      check: 'hop-drops',
      detail: `the embedded lab's own queues overflowed while the move was measured: ${describeHopDrops(overload)} packets dropped (the lab was overloaded; they count as lost but are not the migration's)`,
      effectMs: asMs(overloadTotal),
    });
  if (Object.keys(paused).length > 0)
    add({
      element: 'lab',
      check: 'hop-drops-paused',
      detail: `the paused VM's queue overflowed during the switch-over: ${describeHopDrops(paused)} packets (the migration's own loss)`,
      effectMs: 0,
    });

  if (v.vim && v.vim.switchOverWithin !== null) {
    checked.push("the switch-over taken from the traffic lies within the VIM's own events of the move");
    if (v.vim.switchOverWithin === false && v.inferredSwitchOver) {
      const [from, to] = v.inferredSwitchOver;
      const where = (ms: number | null): string =>
        ms === null
          ? 'none'
          : v.triggerAtMs === null
            ? `${ms.toFixed(0)} ms`
            : `${(ms - v.triggerAtMs).toFixed(0)} ms after the trigger`;
      // The service disruption figure counts every loss of the move's window whichever phase it falls in:
      // not moved. In doubt is which loss is the blackout (switch-over vs degradation), said here.
      add({
        element: 'path',
        check: 'switch-over-outside-vim-events',
        detail: `the longest loss episode of the move (taken for the switch-over: ${where(from)} to ${where(to)}) lies outside what the VIM's events allow (after ${where(v.vim.switchOverNotBeforeMs)}, over by ${where(v.vim.switchOverEndedByMs)}, each widened by its precision): the loss is likely the path's, not the move's blackout, or the VIM's clocks are further off than clockOffsetAllowanceMs; the switch-over / degradation split is in doubt`,
        effectMs: 0,
      });
    }
  }

  const toleranceMs = toleranceFor(v.disruptionMs, v.toleranceMs);
  const unbounded = findings.some((f) => f.effectMs === null);
  const errorBoundMs = unbounded ? null : findings.reduce((a, f) => a + (f.effectMs ?? 0), 0);
  const trusted = errorBoundMs !== null && errorBoundMs <= toleranceMs;
  return { trusted, errorBoundMs, toleranceMs, findings, checked };
}

/** The findings that moved (or may have moved) the figure, for the verdict's summary. */
export function disturbing(v: Validity): Finding[] {
  return v.findings.filter((f) => f.effectMs === null || f.effectMs > 0);
}
