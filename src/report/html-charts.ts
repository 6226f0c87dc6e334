/**
 * report.html's charts from the record: the whole run, and the switch-over
 * up close (the pause, or the inferred switch-over, +-200 ms), both with the
 * instants the verdict used to place the loss.
 */
import type { TrafficTimeline } from '../ports/traffic.js';
import type { TcResult } from '../record/result.js';
import { esc, relMs } from './html-format.js';
import type { TimelineMarker } from './marker-labels.js';
import { mergeTimelines, timelineSvg } from './timeline-svg.js';
import { zoomBins, zoomSvg, type ZoomSpec } from './zoom-svg.js';

/** How far the zoomed chart reaches either side of the switch-over, ms. */
export const ZOOM_MARGIN_MS = 200;

interface Instants {
  readonly triggerAtMs: number | null;
  readonly pausedAtMs: number | null;
  readonly switchedAtMs: number | null;
  readonly completedAtMs: number | null;
  /** The switch-over was inferred from the traffic (no pause instant from the target). */
  readonly inferred: boolean;
}

/** The events the verdict used (record.disruption), else what the record has of them. */
function instants(r: TcResult): Instants {
  const ev = r.disruption?.events;
  if (ev)
    return {
      triggerAtMs: ev.triggerAtMs,
      pausedAtMs: ev.pausedAtMs,
      switchedAtMs: ev.switchedAtMs,
      completedAtMs: ev.completedAtMs,
      inferred: ev.source === 'traffic',
    };
  const tl = r.migration.timeline;
  return {
    triggerAtMs: r.timeRecord.startvResourceMigration?.monoMs ?? null,
    pausedAtMs: tl?.pausedAtMs ?? null,
    switchedAtMs: tl?.switchedAtMs ?? tl?.resumedAtMs ?? null,
    completedAtMs: r.timeRecord.completevResourceMigration?.monoMs ?? null,
    inferred: false,
  };
}

/** The instants as chart markers; `withTimes`: each label carries its time relative to the trigger. */
export function chartMarkers(r: TcResult, withTimes: boolean): TimelineMarker[] {
  const i = instants(r);
  const at = (ms: number): string => (withTimes ? ` ${relMs(ms, i.triggerAtMs)}` : '');
  const out: TimelineMarker[] = [];
  if (i.triggerAtMs !== null)
    out.push({
      atMs: i.triggerAtMs,
      label: withTimes ? 'trigger 0 ms' : 'trigger',
      color: '#7b3fb5',
      key: 'trigger',
    });
  if (i.pausedAtMs !== null)
    out.push({
      atMs: i.pausedAtMs,
      label: `${i.inferred ? 'loss starts (inferred pause)' : 'paused'}${at(i.pausedAtMs)}`,
      color: '#e67e22',
      key: 'pause',
    });
  if (i.switchedAtMs !== null)
    out.push({
      atMs: i.switchedAtMs,
      label: `${i.inferred ? 'loss ends (inferred switch)' : 'switched'}${at(i.switchedAtMs)}`,
      color: '#27ae60',
      key: 'switch',
    });
  if (i.completedAtMs !== null)
    out.push({
      atMs: i.completedAtMs,
      label: `completion seen${at(i.completedAtMs)}`,
      color: '#555',
      key: 'completion',
    });
  return out;
}

/** What the zoomed chart shows, and around what; null when the timeline does not reach it. */
export function zoomSpec(r: TcResult, t: TrafficTimeline): (ZoomSpec & { around: string }) | null {
  const i = instants(r);
  if (i.triggerAtMs === null) return null;
  const centre = i.pausedAtMs;
  const fromMs = (centre ?? i.triggerAtMs) - ZOOM_MARGIN_MS;
  const toMs = (centre === null ? i.triggerAtMs : (i.switchedAtMs ?? centre)) + ZOOM_MARGIN_MS;
  if (zoomBins(t, fromMs, toMs) === null) return null;
  const around =
    centre === null
      ? 'the trigger (no switch-over known: no pause instant from the target and no loss during the move)'
      : i.inferred
        ? 'the inferred switch-over (the longest loss episode of the move; the target reports no pause)'
        : 'the pause';
  return {
    fromMs,
    toMs,
    originMs: i.triggerAtMs,
    phases: (r.disruption?.phases ?? []).map((p) => ({ phase: p.phase, fromMs: p.fromMs, toMs: p.toMs })),
    markers: chartMarkers(r, true),
    around,
  };
}

export function chartsSection(r: TcResult): string {
  const timelines = r.traffic.windows.map((w) => w.timeline).filter((x): x is TrafficTimeline => !!x);
  const merged = mergeTimelines(timelines);
  if (!merged) return '<p class="muted">no per-bin timeline from this traffic driver</p>';
  const z = zoomSpec(r, merged);
  const whole = timelineSvg(merged, chartMarkers(r, false), {
    originMs: instants(r).triggerAtMs,
    highlight: z ? { fromMs: z.fromMs, toMs: z.toMs } : null,
  });
  const zoom = z
    ? `<h3>The switch-over up close: around ${esc(z.around)}, &plusmn;${ZOOM_MARGIN_MS} ms</h3>${zoomSvg(merged, z)}`
    : '<p class="muted">no zoomed chart: no trigger was stamped, or the timeline does not reach the move</p>';
  return `<h3>The whole run</h3>${whole}${zoom}`;
}
