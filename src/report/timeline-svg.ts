/**
 * The traffic timeline of the whole run as an SVG chart: packets received
 * and lost per bin (10 ms by default) by send time, with the run's instants
 * marked (trigger, the lab's pause and switch-over, completion seen) and the
 * zoomed range shaded. Self-contained markup, no script, so the HTML report
 * opens anywhere.
 */
import type { TrafficTimeline } from '../ports/traffic.js';
import { axisSvg, axisTicks } from './chart-axis.js';
import { LABEL_ROW_PX, markerLayer, type TimelineMarker } from './marker-labels.js';

export type { TimelineMarker } from './marker-labels.js';

/** Merge window timelines of equal bin width into one series on a common start. */
export function mergeTimelines(parts: readonly TrafficTimeline[]): TrafficTimeline | null {
  const usable = parts.filter((t) => t.received.length > 0);
  const first = usable[0];
  if (!first) return null;
  const binMs = first.binMs;
  const same = usable.filter((t) => t.binMs === binMs);
  const startMs = Math.min(...same.map((t) => t.startMs));
  const endBin = Math.max(...same.map((t) => Math.round((t.startMs - startMs) / binMs) + t.received.length));
  const received = new Array<number>(endBin).fill(0);
  const lost = new Array<number>(endBin).fill(0);
  for (const t of same) {
    const offset = Math.round((t.startMs - startMs) / binMs);
    t.received.forEach((v, i) => (received[offset + i] = (received[offset + i] ?? 0) + v));
    t.lost.forEach((v, i) => (lost[offset + i] = (lost[offset + i] ?? 0) + v));
  }
  return { binMs, startMs, received, lost, truncated: same.some((t) => t.truncated) };
}

export interface TimelineChartOptions {
  /** Axis origin, monotonic ms (the trigger); null: the timeline's start. */
  readonly originMs?: number | null;
  /** A range to shade (the zoomed chart's), monotonic ms. */
  readonly highlight?: { readonly fromMs: number; readonly toMs: number } | null;
  readonly width?: number;
  readonly plotHeight?: number;
}

export function timelineSvg(
  t: TrafficTimeline,
  markers: readonly TimelineMarker[],
  opts: TimelineChartOptions = {},
): string {
  const width = opts.width ?? 960;
  const plotH = opts.plotHeight ?? 150;
  const left = 56;
  const plotW = width - left - 28;
  const n = t.received.length;
  const spanMs = Math.max(1, n * t.binMs);
  const endMs = t.startMs + spanMs;
  const xMs = (atMs: number): number => left + ((atMs - t.startMs) / spanMs) * plotW;
  const layer = markerLayer(
    markers,
    (atMs) => (atMs < t.startMs ? 'left' : atMs > endMs ? 'right' : xMs(atMs)),
    { plotLeft: left, plotRight: left + plotW, width },
  );
  const top = 6 + Math.max(1, layer.rows) * LABEL_ROW_PX + 6;
  const bottom = top + plotH;
  const height = bottom + 38;
  const maxY = Math.max(1, ...t.received.map((r, i) => r + (t.lost[i] ?? 0)));
  const y = (v: number): number => bottom - (v / maxY) * plotH;
  const barW = Math.max(0.5, plotW / Math.max(1, n));
  const bars: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = t.received[i] ?? 0;
    const l = t.lost[i] ?? 0;
    const x = (left + (i / n) * plotW).toFixed(2);
    if (r > 0)
      bars.push(
        `<rect x="${x}" y="${y(r).toFixed(2)}" width="${barW.toFixed(2)}" height="${(y(0) - y(r)).toFixed(2)}" fill="#4a90d9"/>`,
      );
    if (l > 0)
      bars.push(
        `<rect x="${x}" y="${y(r + l).toFixed(2)}" width="${barW.toFixed(2)}" height="${(y(r) - y(r + l)).toFixed(2)}" fill="#d0021b"/>`,
      );
  }
  const hl = opts.highlight;
  const band =
    hl && hl.toMs > t.startMs && hl.fromMs < endMs
      ? `<rect class="zoom-band" x="${xMs(Math.max(hl.fromMs, t.startMs)).toFixed(1)}" y="${top - 2}" width="${Math.max(2, xMs(Math.min(hl.toMs, endMs)) - xMs(Math.max(hl.fromMs, t.startMs))).toFixed(1)}" height="${plotH + 4}" fill="none" stroke="#b8860b" stroke-width="1.5"/>`
      : '';
  const origin = opts.originMs ?? t.startMs;
  const unit = spanMs > 2000 ? 's' : 'ms';
  const from = opts.originMs == null ? 'since the traffic started' : 'relative to the trigger';
  return [
    `<svg id="chart-run" class="chart" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="DejaVu Sans, Verdana, sans-serif" role="img" aria-label="packets received and lost per ${t.binMs} ms">`,
    `<rect x="0" y="0" width="${width}" height="${height}" fill="#fff"/>`,
    ...bars,
    band,
    `<line x1="${left}" y1="${bottom}" x2="${left + plotW}" y2="${bottom}" stroke="#333"/>`,
    `<line x1="${left}" y1="${top}" x2="${left}" y2="${bottom}" stroke="#333"/>`,
    `<text x="${left - 6}" y="${top + 4}" font-size="10" text-anchor="end">${maxY}</text>`,
    `<text x="${left - 6}" y="${bottom}" font-size="10" text-anchor="end">0</text>`,
    `<text x="12" y="${top + plotH / 2}" font-size="10" transform="rotate(-90 12 ${top + plotH / 2})" text-anchor="middle">packets / ${t.binMs} ms</text>`,
    axisSvg(axisTicks(t.startMs, endMs, origin), origin, unit, xMs, bottom),
    layer.render(6, bottom),
    `<text x="${left + plotW}" y="${height - 6}" font-size="10" text-anchor="end">${unit} ${from}, by send time; blue received, red lost${hl ? '; boxed: the range zoomed below' : ''}${t.truncated ? ' (truncated)' : ''}</text>`,
    `</svg>`,
  ].join('\n');
}
