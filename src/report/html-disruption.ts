/**
 * Where the move's loss fell (record/verdict.ts LossPlacement): switch-over
 * against degradation by both RFC 6201 methods, each phase with its bounds
 * relative to the trigger, the events that bound them and how precise they
 * are; then the target's own view of its downtime, labelled as such.
 */
import type { TcResult } from '../record/result.js';
import type { EventSource } from '../record/verdict.js';
import { esc, kv, ms, raw, relMs, table } from './html-format.js';
import { PHASE_STYLE } from './phase-style.js';

const SOURCE: Record<EventSource, string> = {
  lab: "the lab's own pause and switch instants (same monotonic clock as the packets' send times)",
  vim: "the hypervisor's or VIM's own figures placed on the move",
  traffic: 'inferred from the traffic: the longest loss episode of the move stands for the switch-over',
};

export function lossSplitSection(r: TcResult): string {
  const d = r.disruption;
  if (d === null)
    return '<p id="loss-split" class="muted">not placed: the run stopped before the migration window was measured</p>';
  const trigger = d.events.triggerAtMs;
  const partial = r.traffic.disruptionWindow?.partial
    ? '<p class="partial-note">From the partial window: measured before the run stopped, not a disruption figure.</p>'
    : '';
  const split = table(
    ['', 'lost', 'frame-loss method', 'timestamp method'],
    [
      [
        'switch-over (the blackout: pause to switch)',
        d.switchOver.lost,
        ms(d.switchOver.lossDerivedMs),
        ms(d.switchOver.gapDerivedMs),
      ],
      [
        'degradation (during the move, outside the switch-over)',
        d.degradation.lost,
        ms(d.degradation.lossDerivedMs),
        ms(d.degradation.gapDerivedMs),
      ],
      ['outside the move (before the trigger, after completion)', d.outsideMove.lost, '', ''],
    ],
    'id="loss-split"',
  );
  const phases = table(
    ['phase', 'from', 'to', 'lost', 'frame-loss ms', 'timestamp ms'],
    d.phases.map((p) => [
      raw(
        `<span class="swatch" style="background:${PHASE_STYLE[p.phase].fill}"></span>${esc(PHASE_STYLE[p.phase].name)}`,
      ),
      relMs(p.fromMs, trigger, 'start of traffic'),
      relMs(p.toMs, trigger, 'end of traffic'),
      p.lost,
      p.lossDerivedMs.toFixed(2),
      p.gapDerivedMs === null ? 'n/a' : p.gapDerivedMs.toFixed(2),
    ]),
    'id="phases"',
  );
  const ev = d.events;
  const events = kv([
    ['source', esc(SOURCE[ev.source])],
    ['precision', `&plusmn;${ev.precisionMs.toFixed(2)} ms`],
    [
      'instants (relative to the trigger)',
      esc(
        `trigger 0; pause ${relMs(ev.pausedAtMs, trigger, 'none')}; switch ${relMs(ev.switchedAtMs, trigger, 'none')}; completion seen ${relMs(ev.completedAtMs, trigger, 'none')}`,
      ),
    ],
    ['used', `<ul>${ev.used.map((u) => `<li>${esc(u)}</li>`).join('')}</ul>`],
  ]);
  return `${partial}${split}<h3>Phases (from / to relative to the trigger)</h3>${phases}<h3>Events used</h3><div id="events">${events}</div>`;
}

/** The target's own downtime figures: its view of the outage, not the service's. */
export function targetViewSection(r: TcResult): string {
  const m = r.migration;
  const trigger = r.disruption?.events.triggerAtMs ?? r.timeRecord.startvResourceMigration?.monoMs ?? null;
  const rows: [string, string][] = [];
  if (m.downtimeMs != null) rows.push(["target's downtime (pause to first forward)", ms(m.downtimeMs)]);
  if (m.hypervisor?.downtimeMs != null)
    rows.push([`${m.hypervisor.name}'s own downtime`, ms(m.hypervisor.downtimeMs)]);
  const tl = m.timeline;
  if (tl)
    rows.push([
      "target's instants (relative to the trigger)",
      esc(
        `paused ${relMs(tl.pausedAtMs, trigger, 'n/a')}; resumed ${relMs(tl.resumedAtMs, trigger, 'n/a')}; switched ${relMs(tl.switchedAtMs, trigger, 'n/a')}; first forward ${relMs(tl.firstForwardAtMs, trigger, 'n/a')}`,
      ),
    ]);
  if (rows.length === 0)
    return '<p id="target-view" class="muted">the target reported no downtime of its own</p>';
  return `<div id="target-view"><p class="muted">The target's view of its own outage; the service figure is the one the traffic measured above.</p>${kv(rows)}</div>`;
}
