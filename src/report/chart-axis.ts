/** The time axis of report.html's charts: ticks at round steps, labelled relative to an origin (the trigger). */

const STEPS_MS = [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10_000, 30_000, 60_000];

export function niceStep(rawMs: number): number {
  return STEPS_MS.find((s) => s >= rawMs) ?? 60_000;
}

/** Tick offsets from `originMs` (multiples of the step) that fall within [fromMs, toMs]. */
export function axisTicks(fromMs: number, toMs: number, originMs: number, targetCount = 8): number[] {
  const step = niceStep((toMs - fromMs) / targetCount);
  const out: number[] = [];
  for (let k = Math.ceil((fromMs - originMs) / step); originMs + k * step <= toMs; k++) out.push(k * step);
  return out;
}

/** "+200", "-1.5", "0": signed, in ms or s. */
export function tickLabel(offsetMs: number, unit: 'ms' | 's', stepMs: number): string {
  const sign = offsetMs > 0 ? '+' : offsetMs < 0 ? '-' : '';
  const abs = Math.abs(offsetMs);
  const v = unit === 'ms' ? String(abs) : (abs / 1000).toFixed(stepMs < 1000 ? 1 : 0);
  return offsetMs === 0 ? '0' : `${sign}${v}`;
}

/** Tick marks and labels under a plot; `xOf` maps monotonic ms to px. */
export function axisSvg(
  offsets: readonly number[],
  originMs: number,
  unit: 'ms' | 's',
  xOf: (atMs: number) => number,
  plotBottom: number,
): string {
  const step = offsets.length > 1 ? offsets[1]! - offsets[0]! : 1000;
  return offsets
    .map((o) => {
      const px = xOf(originMs + o).toFixed(1);
      return (
        `<line x1="${px}" y1="${plotBottom}" x2="${px}" y2="${plotBottom + 4}" stroke="#333"/>` +
        `<text class="tick" x="${px}" y="${plotBottom + 15}" font-size="10" text-anchor="middle">${tickLabel(o, unit, step)}</text>`
      );
    })
    .join('\n');
}
