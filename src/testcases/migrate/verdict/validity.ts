/**
 * Can the run's figures be trusted? The tester checks itself (its receiver's
 * socket drops, its generator's stalls and bursts, packets it gave up on),
 * and on the embedded lab the lab's own overload (queueing far beyond what a
 * forwarder needs) is told apart from migration disruption. A finding makes
 * a run INCONCLUSIVE, never a clean PASS: the number was disturbed by the
 * measurement or by the lab, not (only) by the system under test.
 */
import type { TesterSelfCheck, TrafficTimeline, WindowStats } from '../../../ports/traffic.js';
import type { Finding, Validity } from '../../../record/verdict.js';

/** A 10 ms bin offering less than this share of the window's rate is a generator stall. */
export const STALL_SHARE = 0.5;
/** More than this share of the rate in one bin is a burst (catching up after a stall). */
export const BURST_SHARE = 1.5;
/** On the embedded lab a p99 one-way latency above this is the lab queueing, not forwarding. */
export const LAB_QUEUEING_P99_MS = 50;

export interface ValidityInput {
  /** Windows the verdict uses (before, during, after the move). */
  readonly windows: readonly WindowStats[];
  readonly selfCheck: TesterSelfCheck | null;
  /** Worst p99 one-way latency over the flows, ms; null: not measured. */
  readonly latencyP99Ms: number | null;
  /** The run drove the embedded lab (its overload is then ours to report). */
  readonly embeddedLab: boolean;
  /** Monotonic ms of the trigger, to say where on the move a disturbance was. */
  readonly triggerAtMs: number | null;
}

/** Bins of a window's timeline whose offered packets (received + lost) fall outside the stall / burst shares. */
export function generatorIrregularBins(
  timeline: TrafficTimeline,
  rateHz: number,
): { stalls: number[]; bursts: number[] } {
  const expected = (rateHz * timeline.binMs) / 1000;
  const stalls: number[] = [];
  const bursts: number[] = [];
  // Below ~10 packets a bin, one packet more or less is already a 10 % swing: too coarse to judge.
  if (!(expected >= 10)) return { stalls, bursts };
  const n = timeline.received.length;
  // The first and last bins of a window are partial (its cut falls inside them).
  for (let i = 1; i < n - 1; i++) {
    const offered = (timeline.received[i] ?? 0) + (timeline.lost[i] ?? 0);
    const at = timeline.startMs + i * timeline.binMs;
    if (offered < expected * STALL_SHARE) stalls.push(at);
    else if (offered > expected * BURST_SHARE) bursts.push(at);
  }
  return { stalls, bursts };
}

function rel(ms: number, triggerAtMs: number | null): string {
  if (triggerAtMs === null) return `at ${ms.toFixed(0)} ms`;
  const d = ms - triggerAtMs;
  return `${d >= 0 ? '+' : ''}${d.toFixed(0)} ms from the trigger`;
}

export function checkValidity(v: ValidityInput): Validity {
  const findings: Finding[] = [];
  const checked: string[] = [];
  const s = v.selfCheck;
  if (s) {
    if (s.receiverSocketDrops !== null) {
      checked.push('receiver socket drops (kernel counter)');
      if (s.receiverSocketDrops > 0)
        findings.push({
          element: 'tester.receiver',
          check: 'socket-drops',
          detail: `the kernel dropped ${s.receiverSocketDrops} datagrams at the receiver's socket (its receive queue was full): they count as lost though the path delivered them`,
        });
    }
    checked.push('generator send errors and skipped packets');
    if ((s.sendErrors ?? 0) > 0)
      findings.push({
        element: 'tester.generator',
        check: 'send-errors',
        detail: `${s.sendErrors} sends were refused by the OS`,
      });
    if ((s.skipped ?? 0) > 0)
      findings.push({
        element: 'tester.generator',
        check: 'skipped',
        detail: `the generator fell behind and skipped ${s.skipped} packets (not offered, not lost): the offered rate was not held`,
      });
    if (s.late !== null) {
      checked.push('packets delayed past the grace period');
      if (s.late > 0)
        findings.push({
          element: v.embeddedLab ? 'lab' : 'path',
          check: 'late',
          detail: `${s.late} packets arrived after the grace period (delayed, not dropped, but counted lost): ${v.embeddedLab ? 'the embedded lab or the machine queued them (overload)' : 'the path queued them'}`,
        });
    }
  }
  let stallBins = 0;
  let burstBins = 0;
  let firstIrregular: number | null = null;
  let timed = false;
  for (const w of v.windows) {
    if (!w.timeline || !(w.offeredRateHz > 0)) continue;
    timed = true;
    const { stalls, bursts } = generatorIrregularBins(w.timeline, w.offeredRateHz);
    stallBins += stalls.length;
    burstBins += bursts.length;
    for (const at of [...stalls, ...bursts])
      firstIrregular = firstIrregular === null ? at : Math.min(firstIrregular, at);
  }
  if (timed) {
    checked.push(
      `generator pacing per 10 ms bin (stall < ${STALL_SHARE * 100} %, burst > ${BURST_SHARE * 100} % of the rate)`,
    );
    if (stallBins + burstBins > 0 && firstIrregular !== null)
      findings.push({
        element: 'tester.generator',
        check: 'pacing',
        detail: `the generator's offered rate left its bounds in ${stallBins} stalled and ${burstBins} bursting 10 ms bins, the first ${rel(firstIrregular, v.triggerAtMs)}`,
      });
  }
  if (v.embeddedLab && v.latencyP99Ms !== null) {
    checked.push(`embedded lab queueing (p99 one-way latency <= ${LAB_QUEUEING_P99_MS} ms)`);
    if (v.latencyP99Ms > LAB_QUEUEING_P99_MS)
      findings.push({
        element: 'lab',
        check: 'queueing',
        detail: `p99 one-way latency through the embedded lab was ${v.latencyP99Ms.toFixed(1)} ms (a forwarder needs < 1 ms): the lab was overloaded`,
      });
  }
  return { trusted: findings.length === 0, findings, checked };
}
