/**
 * The traffic timeline as an SVG chart: packets received and lost per bin
 * (10 ms by default) by send time, with the run's instants marked (trigger,
 * the lab's pause and switch-over, completion seen). Self-contained markup,
 * no script, so the HTML report opens anywhere.
 */
import type { TrafficTimeline } from '../ports/traffic.js';

export interface TimelineMarker {
  readonly atMs: number;
  readonly label: string;
  readonly color: string;
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

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

export function timelineSvg(
  t: TrafficTimeline,
  markers: readonly TimelineMarker[],
  width = 960,
  height = 220,
): string {
  const pad = { left: 56, right: 12, top: 16, bottom: 40 };
  const plotW = width - pad.left - pad.right;
  const plotH = height - pad.top - pad.bottom;
  const n = t.received.length;
  const totals = t.received.map((r, i) => r + (t.lost[i] ?? 0));
  const maxY = Math.max(1, ...totals);
  const x = (bin: number): number => pad.left + (bin / Math.max(1, n)) * plotW;
  const y = (v: number): number => pad.top + plotH - (v / maxY) * plotH;
  const barW = Math.max(0.5, plotW / Math.max(1, n));
  const bars: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = t.received[i] ?? 0;
    const l = t.lost[i] ?? 0;
    if (r > 0)
      bars.push(
        `<rect x="${x(i).toFixed(2)}" y="${y(r).toFixed(2)}" width="${barW.toFixed(2)}" height="${(y(0) - y(r)).toFixed(2)}" fill="#4a90d9"/>`,
      );
    if (l > 0)
      bars.push(
        `<rect x="${x(i).toFixed(2)}" y="${y(r + l).toFixed(2)}" width="${barW.toFixed(2)}" height="${(y(r) - y(r + l)).toFixed(2)}" fill="#d0021b"/>`,
      );
  }
  const spanMs = n * t.binMs;
  const ticks: string[] = [];
  const stepMs = niceStep(spanMs / 8);
  for (let ms = 0; ms <= spanMs; ms += stepMs) {
    const px = pad.left + (ms / Math.max(1, spanMs)) * plotW;
    ticks.push(
      `<line x1="${px.toFixed(1)}" y1="${pad.top + plotH}" x2="${px.toFixed(1)}" y2="${pad.top + plotH + 4}" stroke="#333"/>`,
    );
    ticks.push(
      `<text x="${px.toFixed(1)}" y="${pad.top + plotH + 16}" font-size="10" text-anchor="middle">${(ms / 1000).toFixed(stepMs < 1000 ? 1 : 0)} s</text>`,
    );
  }
  const marks = markers
    .filter((m) => m.atMs >= t.startMs && m.atMs <= t.startMs + spanMs)
    .map((m, i) => {
      const px = pad.left + ((m.atMs - t.startMs) / Math.max(1, spanMs)) * plotW;
      return (
        `<line x1="${px.toFixed(1)}" y1="${pad.top}" x2="${px.toFixed(1)}" y2="${pad.top + plotH}" stroke="${m.color}" stroke-dasharray="4 2"/>` +
        `<text x="${(px + 3).toFixed(1)}" y="${pad.top + 10 + (i % 3) * 11}" font-size="10" fill="${m.color}">${esc(m.label)}</text>`
      );
    });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="packets received and lost per ${t.binMs} ms">`,
    `<rect x="0" y="0" width="${width}" height="${height}" fill="#fff"/>`,
    ...bars,
    `<line x1="${pad.left}" y1="${pad.top + plotH}" x2="${pad.left + plotW}" y2="${pad.top + plotH}" stroke="#333"/>`,
    `<line x1="${pad.left}" y1="${pad.top}" x2="${pad.left}" y2="${pad.top + plotH}" stroke="#333"/>`,
    `<text x="${pad.left - 6}" y="${pad.top + 4}" font-size="10" text-anchor="end">${maxY}</text>`,
    `<text x="${pad.left - 6}" y="${pad.top + plotH}" font-size="10" text-anchor="end">0</text>`,
    `<text x="12" y="${pad.top + plotH / 2}" font-size="10" transform="rotate(-90 12 ${pad.top + plotH / 2})" text-anchor="middle">packets / ${t.binMs} ms</text>`,
    ...ticks,
    ...marks,
    `<text x="${pad.left + plotW}" y="${height - 6}" font-size="10" text-anchor="end">by send time; blue received, red lost${t.truncated ? ' (truncated)' : ''}</text>`,
    `</svg>`,
  ].join('\n');
}

function niceStep(raw: number): number {
  const steps = [10, 20, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10_000, 30_000, 60_000];
  return steps.find((s) => s >= raw) ?? 60_000;
}
