/**
 * Loss on the migration's own timeline. Each loss episode is placed in a
 * phase by the send times of its packets (a packet is charged to when it was
 * offered, like the traffic windows do):
 *
 *   beforeTrigger | preCopy | switchOver | afterSwitch | afterCompletion
 *                 ^trigger  ^pause       ^switch       ^completion
 *
 * The switch-over is the blackout the plan's "minimal service disruption"
 * is about: from the pause (or a port's unplug, or an offline move's stop)
 * to the path's switch to the destination (or the VIM's equivalent). An
 * episode that overlaps it is the switch-over's loss as a whole, packets
 * queued inside the VNF when it paused included. Any other episode is split
 * over the phases its packets' send times cover. Loss during the move but
 * outside the switch-over is **degradation** (pre-copy or post-switch loss:
 * a live migration should have none).
 */
import type { LossEpisode } from '../../../ports/traffic.js';
import {
  PHASES,
  type LossPlacement,
  type MigrationEvents,
  type Phase,
  type PhaseLoss,
} from '../../../record/verdict.js';

interface Share {
  phase: Phase;
  fraction: number;
}

/**
 * When the target gave no switch-over events, the longest loss episode of
 * the move (by its packets' send span) stands for the switch-over: its
 * bounds are the send times of its first and last lost packets.
 */
export function inferSwitchOver(
  episodes: readonly LossEpisode[],
  triggerAtMs: number,
  completedAtMs: number | null,
): { pausedAtMs: number; switchedAtMs: number } | null {
  let best: LossEpisode | null = null;
  for (const e of episodes) {
    if (e.lastLostSentAtMs < triggerAtMs) continue;
    if (completedAtMs !== null && e.firstLostSentAtMs > completedAtMs) continue;
    if (best === null || e.lost > best.lost) best = e;
  }
  return best === null ? null : { pausedAtMs: best.firstLostSentAtMs, switchedAtMs: best.lastLostSentAtMs };
}

/** Phase bounds in order: [from, to) of each phase; null = open. */
function bounds(ev: MigrationEvents): Record<Phase, [number | null, number | null]> {
  const t = ev.triggerAtMs;
  const p = ev.pausedAtMs;
  const s = ev.switchedAtMs;
  const c = ev.completedAtMs;
  return {
    beforeTrigger: [null, t],
    preCopy: [t, p ?? c],
    switchOver: [p, p === null ? null : (s ?? p)],
    afterSwitch: [s ?? p, c],
    afterCompletion: [c, null],
  };
}

/** The span loss is charged to the switch-over: its events widened by the slack. */
export function chargedSwitchOver(ev: MigrationEvents): [number, number] | null {
  if (ev.pausedAtMs === null) return null;
  return [ev.pausedAtMs - ev.slackMs.before, (ev.switchedAtMs ?? ev.pausedAtMs) + ev.slackMs.after];
}

/** The phase an instant falls in (boundaries belong to the later phase). */
function phaseAt(ms: number, ev: MigrationEvents): Phase {
  if (ms < ev.triggerAtMs) return 'beforeTrigger';
  if (ev.completedAtMs !== null && ms >= ev.completedAtMs) return 'afterCompletion';
  if (ev.pausedAtMs === null) return 'preCopy';
  const [from, to] = chargedSwitchOver(ev)!;
  if (ms < from) return 'preCopy';
  if (ms <= to) return 'switchOver';
  return 'afterSwitch';
}

function sharesOf(e: LossEpisode, ev: MigrationEvents): Share[] {
  const first = e.firstLostSentAtMs;
  const last = e.lastLostSentAtMs;
  const sw = chargedSwitchOver(ev);
  // Inside the switch-over (packets queued in the VNF at the pause included): the blackout's loss, whole.
  if (sw !== null && first >= sw[0] && last <= sw[1]) return [{ phase: 'switchOver', fraction: 1 }];
  if (last <= first) return [{ phase: phaseAt(first, ev), fraction: 1 }];
  // Else split over the phases its send span covers, in proportion to time (the packets were offered at a
  // steady rate); an episode that outlasts the switch-over's slack is blackout only inside it.
  const span = last - first;
  const b = bounds(ev);
  if (sw !== null) {
    b.preCopy = [b.preCopy[0], sw[0]];
    b.switchOver = [sw[0], sw[1]];
    b.afterSwitch = [sw[1], b.afterSwitch[1]];
  }
  const out: Share[] = [];
  for (const [phase, [from, to]] of Object.entries(b) as [Phase, [number | null, number | null]][]) {
    const lo = Math.max(first, from ?? -Infinity);
    const hi = Math.min(last, to ?? Infinity);
    if (hi > lo) out.push({ phase, fraction: (hi - lo) / span });
  }
  return out.length > 0 ? out : [{ phase: phaseAt(first, ev), fraction: 1 }];
}

/** Whole packet counts for shares of whole episodes that keep the total (largest remainder). */
function wholeCounts(shares: readonly number[]): number[] {
  const total = Math.round(shares.reduce((a, b) => a + b, 0));
  const out = shares.map((x) => Math.floor(x + 1e-9));
  let left = total - out.reduce((a, b) => a + b, 0);
  const order = shares.map((x, i) => ({ i, rem: x - Math.floor(x + 1e-9) })).sort((a, b) => b.rem - a.rem);
  for (const { i } of order) {
    if (left <= 0) break;
    out[i] = (out[i] ?? 0) + 1;
    left--;
  }
  return out;
}

/**
 * Place each episode on the migration's timeline. `flows`: the figures are
 * averaged over flows like the window's own disruption figure.
 */
export function placeLoss(
  episodes: readonly LossEpisode[],
  events: MigrationEvents,
  flows = 1,
): LossPlacement {
  const acc = new Map<
    Phase,
    { lost: number; episodes: number; lossMs: number; gapMs: number; gapKnown: boolean }
  >();
  for (const phase of PHASES) acc.set(phase, { lost: 0, episodes: 0, lossMs: 0, gapMs: 0, gapKnown: false });
  for (const e of episodes) {
    const lossMs = e.lossDerivedMs ?? 0;
    const gapMs = e.gapDerivedMs ?? null;
    for (const { phase, fraction } of sharesOf(e, events)) {
      const a = acc.get(phase)!;
      a.lost += e.lost * fraction;
      a.episodes += 1;
      a.lossMs += lossMs * fraction;
      if (gapMs !== null) {
        a.gapMs += gapMs * fraction;
        a.gapKnown = true;
      }
    }
  }
  const b = bounds(events);
  const n = Math.max(1, flows);
  const whole = wholeCounts(PHASES.map((phase) => acc.get(phase)!.lost));
  const phases: PhaseLoss[] = PHASES.map((phase, i) => {
    const a = acc.get(phase)!;
    return {
      phase,
      fromMs: b[phase][0],
      toMs: b[phase][1],
      lost: whole[i] ?? 0,
      episodes: a.episodes,
      lossDerivedMs: a.lossMs / n,
      gapDerivedMs: a.gapKnown ? a.gapMs / n : null,
    };
  });
  const of = (p: Phase): PhaseLoss => phases.find((x) => x.phase === p)!;
  const sum = (ps: PhaseLoss[]): { lost: number; lossDerivedMs: number; gapDerivedMs: number | null } => ({
    lost: ps.reduce((s, x) => s + x.lost, 0),
    lossDerivedMs: ps.reduce((s, x) => s + x.lossDerivedMs, 0),
    gapDerivedMs: ps.some((x) => x.gapDerivedMs !== null)
      ? ps.reduce((s, x) => s + (x.gapDerivedMs ?? 0), 0)
      : null,
  });
  const sw = of('switchOver');
  return {
    events,
    phases,
    switchOver: { lost: sw.lost, lossDerivedMs: sw.lossDerivedMs, gapDerivedMs: sw.gapDerivedMs },
    degradation: sum([of('preCopy'), of('afterSwitch')]),
    outsideMove: { lost: of('beforeTrigger').lost + of('afterCompletion').lost },
  };
}
