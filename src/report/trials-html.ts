/**
 * report.html of a set of trials: the statistics of each figure, one row
 * per trial linking to its own report.html, and one chart point per trial
 * (disruption by both methods and the target's downtime, per trial).
 */
import type { TrialFigure, TrialsSummary } from '../record/trials.js';
import { esc, ms, raw, table } from './html-format.js';

const FIGURE_LABEL: Readonly<Record<TrialFigure, string>> = {
  serviceDisruptionMs: 'service disruption (frame loss)',
  timestampMethodMs: 'service disruption (timestamps)',
  switchOverMs: 'switch-over (frame loss)',
  switchOverTimestampMs: 'switch-over (timestamps)',
  degradationMs: 'degradation (frame loss)',
  degradationTimestampMs: 'degradation (timestamps)',
  migrationTimeMs: 'migration time',
  targetDowntimeMs: "target's downtime",
};

/** The figures charted per trial, with their colour. */
const CHARTED: readonly [TrialFigure, string][] = [
  ['serviceDisruptionMs', '#c0392b'],
  ['timestampMethodMs', '#2471a3'],
  ['targetDowntimeMs', '#7d8c8d'],
];

const STYLE = `body{font-family:system-ui,sans-serif;margin:1.5em;color:#222}table{border-collapse:collapse;margin:.5em 0}
td,th{border:1px solid #ccc;padding:.25em .5em;text-align:right}th{background:#f3f3f3}td:first-child{text-align:left}
.PASS{color:#1e8449}.FAIL,.ERROR,.ABORTED{color:#c0392b}.INCONCLUSIVE{color:#b9770e}.muted{color:#777}`;

function chart(s: TrialsSummary): string {
  const w = 640;
  const h = 240;
  const pad = { l: 50, r: 10, t: 10, b: 30 };
  const values = s.trials.flatMap((t) => CHARTED.map(([f]) => t.figures[f])).filter((v) => v !== null);
  if (values.length === 0) return '<p class="muted">no trial measured a disruption</p>';
  const maxY = Math.max(...values) * 1.1 || 1;
  const n = Math.max(s.trials.length, 1);
  const x = (i: number): number => pad.l + ((i + 0.5) * (w - pad.l - pad.r)) / n;
  const y = (v: number): number => h - pad.b - (v / maxY) * (h - pad.t - pad.b);
  const parts: string[] = [
    `<line x1="${pad.l}" y1="${h - pad.b}" x2="${w - pad.r}" y2="${h - pad.b}" stroke="#999"/>`,
    `<line x1="${pad.l}" y1="${pad.t}" x2="${pad.l}" y2="${h - pad.b}" stroke="#999"/>`,
    `<text x="4" y="${pad.t + 10}" font-size="11">${esc(maxY.toFixed(1))} ms</text>`,
    `<text x="4" y="${h - pad.b}" font-size="11">0</text>`,
  ];
  for (const [i, t] of s.trials.entries()) {
    parts.push(`<text x="${x(i)}" y="${h - 10}" font-size="11" text-anchor="middle">${t.n}</text>`);
    for (const [f, colour] of CHARTED) {
      const v = t.figures[f];
      if (v === null) continue;
      parts.push(
        `<circle class="point" data-trial="${t.n}" data-figure="${f}" cx="${x(i).toFixed(1)}" cy="${y(v).toFixed(1)}" r="4" fill="${colour}"><title>trial ${t.n}: ${esc(FIGURE_LABEL[f])} ${v.toFixed(2)} ms</title></circle>`,
      );
    }
  }
  const legend = CHARTED.map(
    ([f, colour]) => `<span style="color:${colour}">&#9679;</span> ${esc(FIGURE_LABEL[f])}`,
  ).join(' &nbsp; ');
  return `<svg width="${w}" height="${h}" role="img" aria-label="figures per trial">${parts.join('')}</svg><p>${legend} (x: trial)</p>`;
}

export function trialsToHtml(s: TrialsSummary): string {
  const stats = table(
    ['figure', 'n', 'mean', 'min', 'max', 'stdev', 'p50', 'p95'],
    Object.entries(s.stats).map(([f, st]) => [
      FIGURE_LABEL[f as TrialFigure],
      st?.n ?? 0,
      ms(st?.mean),
      ms(st?.min),
      ms(st?.max),
      ms(st?.stdev),
      ms(st?.p50),
      ms(st?.p95),
    ]),
  );
  const trials = table(
    [
      'trial',
      'status',
      'disruption',
      'timestamps',
      'switch-over',
      'degradation',
      'migration',
      'downtime',
      'criteria',
    ],
    s.trials.map((t) => [
      raw(`<a href="${esc(t.dir)}/report.html">${t.n}</a>`),
      raw(`<span class="${t.overallStatus}">${esc(t.overallStatus)}</span>`),
      ms(t.figures.serviceDisruptionMs),
      ms(t.figures.timestampMethodMs),
      ms(t.figures.switchOverMs),
      ms(t.figures.degradationMs),
      ms(t.figures.migrationTimeMs, 0),
      ms(t.figures.targetDowntimeMs),
      t.criteria.map((c) => `${c.name} ${c.outcome}`).join(', ') || 'none set',
    ]),
    'class="trials"',
  );
  const counts = Object.entries(s.counts)
    .filter(([, c]) => c > 0)
    .map(([k, c]) => `<span class="${k}">${c} ${esc(k)}</span>`)
    .join(', ');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(s.testCase)} x ${s.trialsRequested} trials ${esc(s.overallStatus)}</title>
<style>${STYLE}</style></head><body>
<h1>${esc(s.testCase)}: ${s.trials.length} of ${s.trialsRequested} trials, <span class="${s.overallStatus}">${esc(s.overallStatus)}</span></h1>
<p>${esc(s.title)}. ${counts}. From ${esc(s.startedAt)} to ${esc(s.endedAt)}.</p>
<h2>Statistics over the trials</h2>${stats}
<h2>Per trial</h2>${chart(s)}${trials}
</body></html>
`;
}
