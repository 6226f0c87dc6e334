/**
 * The switch-over up close: the traffic timeline's bins (10 ms, by send
 * time: the finest the timeline records) over a few hundred ms around the
 * pause, the move's phases shaded behind them, the instants marked, and the
 * axis in ms relative to the trigger. Self-contained SVG, no script.
 */
import type { TrafficTimeline } from '../ports/traffic.js';
import type { Phase } from '../record/verdict.js';
import { axisSvg, axisTicks } from './chart-axis.js';
import { esc } from './html-format.js';
import { LABEL_ROW_PX, markerLayer, textWidthPx, type TimelineMarker } from './marker-labels.js';
import { PHASE_STYLE } from './phase-style.js';

export interface ZoomSpec {
  /** The range to show, monotonic ms (widened to whole bins). */
  readonly fromMs: number;
  readonly toMs: number;
  /** The axis origin: the trigger, monotonic ms. */
  readonly originMs: number;
  /** Phase bounds, monotonic ms; null where open-ended. */
  readonly phases: readonly {
    readonly phase: Phase;
    readonly fromMs: number | null;
    readonly toMs: number | null;
  }[];
  readonly markers: readonly TimelineMarker[];
}

/** The bins of `t` that cover [fromMs, toMs]; null when none does. */
export function zoomBins(
  t: TrafficTimeline,
  fromMs: number,
  toMs: number,
): { i0: number; i1: number } | null {
  const i0 = Math.max(0, Math.floor((fromMs - t.startMs) / t.binMs));
  const i1 = Math.min(t.received.length, Math.ceil((toMs - t.startMs) / t.binMs));
  return i1 > i0 ? { i0, i1 } : null;
}

export function zoomSvg(t: TrafficTimeline, z: ZoomSpec, width = 960): string {
  const bins = zoomBins(t, z.fromMs, z.toMs);
  if (bins === null) return '';
  const { i0, i1 } = bins;
  const lo = t.startMs + i0 * t.binMs;
  const hi = t.startMs + i1 * t.binMs;
  const left = 56;
  const plotW = width - left - 28;
  const plotH = 170;
  const xMs = (atMs: number): number => left + ((atMs - lo) / (hi - lo)) * plotW;
  const layer = markerLayer(z.markers, (atMs) => (atMs < lo ? 'left' : atMs > hi ? 'right' : xMs(atMs)), {
    plotLeft: left,
    plotRight: left + plotW,
    width,
  });
  const top = 6 + Math.max(1, layer.rows) * LABEL_ROW_PX + 6;
  const bottom = top + plotH;

  const shaded = z.phases
    .map((p) => ({ p, a: Math.max(p.fromMs ?? -Infinity, lo), b: Math.min(p.toMs ?? Infinity, hi) }))
    .filter(({ p, a, b }) => b > a || (p.phase === 'switchOver' && b === a && p.fromMs !== null));
  const shading = shaded.map(({ p, a, b }) => {
    // A switch-over shorter than a pixel is still shown.
    const w = Math.max(2, xMs(b) - xMs(a));
    return `<rect class="phase phase-${p.phase}" data-phase="${p.phase}" x="${xMs(a).toFixed(1)}" y="${top}" width="${w.toFixed(1)}" height="${plotH}" fill="${PHASE_STYLE[p.phase].fill}"/>`;
  });

  let maxY = 1;
  for (let i = i0; i < i1; i++) maxY = Math.max(maxY, (t.received[i] ?? 0) + (t.lost[i] ?? 0));
  // Headroom above the tallest bin, so the phases' shading shows above the bars.
  const y = (v: number): number => bottom - (v / (maxY * 1.3)) * plotH;
  const binW = plotW / (i1 - i0);
  const barW = binW > 4 ? binW - 1 : binW;
  const bars: string[] = [];
  for (let i = i0; i < i1; i++) {
    const r = t.received[i] ?? 0;
    const l = t.lost[i] ?? 0;
    const x = (left + (i - i0) * binW).toFixed(2);
    if (r > 0)
      bars.push(
        `<rect x="${x}" y="${y(r).toFixed(2)}" width="${barW.toFixed(2)}" height="${(y(0) - y(r)).toFixed(2)}" fill="#4a90d9"/>`,
      );
    if (l > 0)
      bars.push(
        `<rect class="lost" x="${x}" y="${y(r + l).toFixed(2)}" width="${barW.toFixed(2)}" height="${(y(r) - y(r + l)).toFixed(2)}" fill="#d0021b"/>`,
      );
  }

  // Legend under the axis caption: one swatch per shaded phase, wrapped to the width.
  const legend: string[] = [];
  let lx = left;
  let row = 0;
  for (const { p } of shaded) {
    const name = PHASE_STYLE[p.phase].name;
    const w = 14 + textWidthPx(name) + 14;
    if (lx + w > width - 8 && lx > left) {
      lx = left;
      row++;
    }
    const ly = bottom + 40 + row * 16;
    legend.push(
      `<g class="legend-item" data-phase="${p.phase}"><rect x="${lx}" y="${ly - 9}" width="10" height="10" fill="${PHASE_STYLE[p.phase].fill}" stroke="#999" stroke-width="0.5"/>` +
        `<text x="${lx + 14}" y="${ly}" font-size="10">${esc(name)}</text></g>`,
    );
    lx += w;
  }
  const height = bottom + 40 + (legend.length > 0 ? (row + 1) * 16 : 0) + 4;

  return [
    `<svg id="chart-zoom" class="chart" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="DejaVu Sans, Verdana, sans-serif" role="img" aria-label="the switch-over up close: packets received and lost per ${t.binMs} ms bin">`,
    `<rect x="0" y="0" width="${width}" height="${height}" fill="#fff"/>`,
    ...shading,
    ...bars,
    `<line x1="${left}" y1="${bottom}" x2="${left + plotW}" y2="${bottom}" stroke="#333"/>`,
    `<line x1="${left}" y1="${top}" x2="${left}" y2="${bottom}" stroke="#333"/>`,
    `<line x1="${left - 4}" y1="${y(maxY).toFixed(1)}" x2="${left}" y2="${y(maxY).toFixed(1)}" stroke="#333"/>`,
    `<text x="${left - 6}" y="${(y(maxY) + 4).toFixed(1)}" font-size="10" text-anchor="end">${maxY}</text>`,
    `<text x="${left - 6}" y="${bottom}" font-size="10" text-anchor="end">0</text>`,
    `<text x="12" y="${top + plotH / 2}" font-size="10" transform="rotate(-90 12 ${top + plotH / 2})" text-anchor="middle">packets / ${t.binMs} ms bin</text>`,
    axisSvg(axisTicks(lo, hi, z.originMs, 10), z.originMs, 'ms', xMs, bottom),
    layer.render(6, bottom),
    `<text class="axis-caption" x="${left + plotW}" y="${bottom + 26}" font-size="10" text-anchor="end">ms relative to the trigger; ${t.binMs} ms bins by send time (the finest the timeline records); blue received, red lost</text>`,
    ...legend,
    `</svg>`,
  ].join('\n');
}
