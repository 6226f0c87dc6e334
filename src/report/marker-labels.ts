/**
 * The instants marked on a chart (trigger, pause, switch, completion) and
 * where their labels go: in a band above the plot, each label beside its
 * line, turned to the line's left where it would run past the chart's right
 * edge, and moved down a row where it would overlap another (instants a few
 * ms apart stack instead of printing over each other). Markers outside the
 * chart's range are pinned to the edge they lie beyond, with an arrow.
 */
import { esc } from './html-format.js';

export interface TimelineMarker {
  /** Monotonic ms (the traffic's clock). */
  readonly atMs: number;
  readonly label: string;
  readonly color: string;
  /** Stable name for the markup (data-marker), e.g. 'pause'. */
  readonly key?: string;
}

export const LABEL_FONT_PX = 10;
export const LABEL_ROW_PX = 13;
const GAP_PX = 6;

/**
 * An upper bound of a label's rendered width: per-character advances of
 * DejaVu Sans (the widest common sans face, Chromium's default on Debian),
 * rounded up, so a label never ends up wider than the room it was given.
 */
export function textWidthPx(text: string, fontPx = LABEL_FONT_PX): number {
  let em = 0;
  for (const ch of text) {
    if (/[ijlt.,:;'|!()[\]\- ]/.test(ch)) em += 0.42;
    else if (/[mwMW+=<>~±\u2190-\u21ff\u2212]/.test(ch)) em += 1.0;
    else if (/[A-Z]/.test(ch)) em += 0.8;
    else em += 0.68;
  }
  return Math.ceil(em * fontPx) + 2;
}

export interface LabelItem {
  /** Where the marker's line is, px; for a pinned label, the edge it is pinned to. */
  readonly x: number;
  readonly text: string;
  readonly pin?: 'left' | 'right';
}

export interface PlacedLabel {
  /** The text's x and anchor, as SVG wants them. */
  readonly x: number;
  readonly anchor: 'start' | 'end';
  readonly left: number;
  readonly right: number;
  readonly row: number;
}

/** Place labels within [minX, maxX], in rows so that none overlaps another; same order as `items`. */
export function layoutLabels(items: readonly LabelItem[], minX: number, maxX: number): PlacedLabel[] {
  const boxes = items.map((it) => {
    const w = textWidthPx(it.text);
    // Beside the line, to its right; to its left where the right has no room; pinned ones at their edge.
    let left = it.pin === 'right' ? it.x - w : it.pin === 'left' ? it.x : it.x + 3;
    if (it.pin === undefined && left + w > maxX) left = it.x - 3 - w;
    left = Math.min(Math.max(left, minX), maxX - w);
    return { left, right: left + w, anchor: left + w <= it.x ? ('end' as const) : ('start' as const) };
  });
  const rowsRight: number[] = [];
  const rowOf = new Map<number, number>();
  const order = boxes.map((b, i) => ({ b, i })).sort((p, q) => p.b.left - q.b.left);
  for (const { b, i } of order) {
    let row = rowsRight.findIndex((right) => right + GAP_PX <= b.left);
    if (row === -1) row = rowsRight.push(b.right) - 1;
    else rowsRight[row] = b.right;
    rowOf.set(i, row);
  }
  return boxes.map((b, i) => ({
    // The text starts (or ends) 1 px inside its box: the estimate is an upper bound.
    x: b.anchor === 'end' ? b.right - 1 : b.left + 1,
    anchor: b.anchor,
    left: b.left,
    right: b.right,
    row: rowOf.get(i) ?? 0,
  }));
}

/**
 * The markers' lines and labels. `xOf` gives a marker's px, or 'left' /
 * 'right' when it lies beyond that edge of the chart's range (no line, the
 * label pinned there with an arrow). The rows are known before the vertical
 * layout, so the chart can make room for them above its plot.
 */
export function markerLayer(
  markers: readonly TimelineMarker[],
  xOf: (atMs: number) => number | 'left' | 'right',
  frame: { readonly plotLeft: number; readonly plotRight: number; readonly width: number },
): { rows: number; render(bandTop: number, plotBottom: number): string } {
  const items: LabelItem[] = markers.map((m) => {
    const x = xOf(m.atMs);
    if (x === 'left') return { x: frame.plotLeft, text: `\u2190 ${m.label}`, pin: 'left' };
    if (x === 'right') return { x: frame.plotRight, text: `${m.label} \u2192`, pin: 'right' };
    return { x, text: m.label };
  });
  const placed = layoutLabels(items, 2, frame.width - 2);
  const rows = placed.reduce((n, p) => Math.max(n, p.row + 1), 0);
  // Every line first, then every label on a white ground: a line never runs through a label it crosses.
  const render = (bandTop: number, plotBottom: number): string => {
    const baseline = (row: number): number => bandTop + (row + 1) * LABEL_ROW_PX - 3;
    const lines = markers.map((m, i) => {
      const it = items[i]!;
      const y = baseline(placed[i]!.row);
      const line =
        it.pin === undefined
          ? `<line x1="${it.x.toFixed(1)}" y1="${(y + 3).toFixed(1)}" x2="${it.x.toFixed(1)}" y2="${plotBottom}" stroke="${m.color}" stroke-dasharray="4 2"/>`
          : '';
      return `<g class="marker" data-marker="${esc(m.key ?? m.label)}"${it.pin ? ` data-pinned="${it.pin}"` : ''}>${line}</g>`;
    });
    const labels = markers.map((m, i) => {
      const p = placed[i]!;
      const y = baseline(p.row);
      return (
        `<g class="marker-label-group" data-marker="${esc(m.key ?? m.label)}">` +
        `<rect x="${p.left.toFixed(1)}" y="${(y - 9).toFixed(1)}" width="${(p.right - p.left).toFixed(1)}" height="12" fill="#fff" fill-opacity="0.9"/>` +
        `<text class="marker-label" x="${p.x.toFixed(1)}" y="${y.toFixed(1)}" font-size="${LABEL_FONT_PX}" text-anchor="${p.anchor}" fill="${m.color}">${esc(items[i]!.text)}</text></g>`
      );
    });
    return [...lines, ...labels].join('\n');
  };
  return { rows, render };
}
