/**
 * report.html: the run as a test lab would sign it. On top the status, the
 * verdict's one line, the disruption figure (or what a stopped run measured,
 * said as such), the criteria and the figures' validity; then where the
 * loss fell on the move (switch-over against degradation, by phase, with the
 * events used) beside the target's own downtime; the whole run's traffic and
 * the switch-over up close; then every step, window, loss episode, vResource
 * and cleanup action. One self-contained file: no script, no external style.
 */
import { pingPongSection } from './ping-pong.js';
import type { TcResult } from '../record/result.js';
import { writeFileAtomic, type FileWriter } from '../util/atomic-write.js';
import { chartsSection } from './html-charts.js';
import { lossSplitSection, targetViewSection } from './html-disruption.js';
import { esc, ms, num, table } from './html-format.js';
import { criteriaSection, disruptionFigure, statusBadge, validitySection } from './html-verdict.js';
import type { Reporter } from './reporter.js';

const STYLE = `
body{font-family:system-ui,sans-serif;font-size:14px;margin:24px;color:#222;max-width:1100px}
h1{font-size:20px;margin:0 0 4px} h2{font-size:16px;margin:24px 0 8px;border-bottom:1px solid #ddd} h3{font-size:14px;margin:14px 0 6px}
.verdict{display:inline-block;padding:2px 10px;border-radius:4px;color:#fff;font-weight:600}
.verdict.pass{background:#2e7d32}.verdict.fail{background:#c62828}.verdict.inconclusive{background:#e65100}
.verdict.error{background:#6a1b9a}.verdict.aborted{background:#616161}
.summary{font-size:15px;margin:10px 0} .muted{color:#777}
.figure-label{font-weight:600} .figure-value{font-size:26px;font-weight:600;margin:2px 0 6px}
.figure.partial .figure-label{color:#e65100} .figure.partial .figure-value{color:#777}
.partial-note,.untrusted-note{color:#e65100;font-weight:600;margin:0 0 6px}
.figure.untrusted .figure-value{color:#777}
.outcome{font-weight:600}.outcome.pass{color:#2e7d32}.outcome.fail{color:#c62828}.outcome.not_measured{color:#e65100}
.validity{border-left:4px solid #2e7d32;padding:2px 10px} .validity.untrusted{border-color:#e65100}
.validity ul,#events ul{margin:2px 0;padding-left:18px}
.swatch{display:inline-block;width:10px;height:10px;margin-right:6px;border:1px solid #999;vertical-align:middle}
table{border-collapse:collapse;font-size:13px;margin:4px 0} td,th{border:1px solid #ddd;padding:3px 8px;text-align:left;vertical-align:top}
th{background:#f4f4f4} .kv td:first-child{font-weight:600;background:#fafafa}
svg.chart{display:block;margin:6px 0;max-width:100%;height:auto}
`;

export function toHtml(r: TcResult): string {
  const t = r.traffic;
  const m = r.migration;
  const tr = r.timeRecord;
  const resRows = (list: TcResult['resourceList']['activeResource']): (string | number)[][] =>
    (list ?? []).map((v) => [v.kind, v.id, `${v.amount} ${v.unit}`, v.host, v.computeResourceId]);
  const summary = r.verdict?.summary ?? r.failure?.message ?? null;
  const failure =
    r.failure && r.failure.message !== summary
      ? `<p><b>Failure${r.failure.step === null ? '' : ` at step ${r.failure.step}`}:</b> ${esc(r.failure.message)}</p>`
      : '';
  const figureTitle = t.disruptionWindow?.partial ? 'Measured before the run stopped' : 'Service disruption';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(r.testCase)} ${esc(r.overallStatus)}</title>
<style>${STYLE}</style></head><body>
<h1>${esc(r.testCase)} ${statusBadge(r.overallStatus)}</h1>
<div>${esc(r.title)}</div>
<div class="muted">${esc(r.startedAt)} - ${esc(r.endedAt)}; vnfInstanceId ${esc(r.vnfInstanceId ?? 'n/a')}</div>
${summary === null ? '' : `<p id="summary" class="summary"><b>Verdict:</b> ${esc(summary)}</p>`}
${failure}
<h2>${figureTitle}</h2>
${disruptionFigure(r)}
${pingPongSection(r.pingPong)}
<h2>Criteria</h2>
${criteriaSection(r)}
<h2>Validity of the figures</h2>
${validitySection(r.verdict)}
<h2>Where the loss fell on the move</h2>
${lossSplitSection(r)}
<h3>The target's view</h3>
${targetViewSection(r)}
<h2>Traffic</h2>
${chartsSection(r)}
<h2>Migration</h2>
<table class="kv"><tbody>
<tr><td>migration type (step 5)</td><td>${esc(m.migrationType)} - ${esc(m.migrationTypeReason)}</td></tr>
<tr><td>vResourceType / triggerType</td><td>${esc(m.vResourceType)} / ${esc(m.triggerType)}</td></tr>
<tr><td>initiated by</td><td>${esc(m.initiatedBy)}</td></tr>
<tr><td>from host - to host</td><td>${esc(m.fromHost ?? 'n/a')} - ${esc(m.toHost ?? 'n/a')}</td></tr>
<tr><td>total time / setup</td><td>${ms(m.totalTimeMs)} / ${ms(m.setupTimeMs)}</td></tr>
<tr><td>rounds / bytes moved</td><td>${num(m.rounds)} / ${num(m.bytesTransferred)}</td></tr>
<tr><td>memory verified</td><td>${esc(m.memoryVerified ?? 'n/a')}</td></tr>
</tbody></table>
<h2>Steps</h2>
${table(
  ['#', 'step', 'status', 'started', 'duration', 'message'],
  r.steps.map((s) => [
    s.n,
    s.title,
    s.status,
    s.startedAt ?? '',
    s.durationMs === null ? '' : `${s.durationMs.toFixed(1)} ms`,
    s.message ?? '',
  ]),
)}
<h2>Time record</h2>
<table class="kv"><tbody>
<tr><td>instantiationTime</td><td>${ms(tr.instantiationTimeMs, 1)}</td></tr>
<tr><td>activateTime</td><td>${ms(tr.activateTimeMs, 1)}</td></tr>
<tr><td>startvResourceMigration</td><td>${esc(tr.startvResourceMigration?.at ?? 'n/a')}</td></tr>
<tr><td>completevResourceMigration</td><td>${esc(tr.completevResourceMigration?.at ?? 'n/a')}</td></tr>
<tr><td>migration time (trigger to completion seen)</td><td>${ms(tr.migrationTimeMs, 1)}</td></tr>
</tbody></table>
<h2>Traffic windows</h2>
${table(
  [
    'window',
    'sent',
    'received',
    'lost',
    'duplicated',
    'reordered',
    'offered rate',
    'latency p50 / p99 / max',
  ],
  t.windows.map((w) => [
    w.name,
    w.sent,
    w.received,
    w.lost,
    w.duplicated,
    w.reordered,
    `${w.offeredRateHz.toFixed(1)} /s`,
    (w.latency ?? []).map((l) => `${ms(l.p50Ms, 3)} / ${ms(l.p99Ms, 3)} / ${ms(l.maxMs, 3)}`).join('; ') ||
      'n/a',
  ]),
)}
<h2>Loss episodes (migration window)</h2>
${table(
  ['flow', 'first lost seq', 'last lost seq', 'lost', 'gap (timestamp)', 'frame-loss'],
  t.episodes.map((e) => [e.flow, e.firstLostSeq, e.lastLostSeq, e.lost, ms(e.gapMs), ms(e.lossDerivedMs)]),
)}
<h2>vResources</h2>
<h3>active (step 4)</h3>
${table(['kind', 'id', 'amount', 'host', 'server'], resRows(r.resourceList.activeResource))}
<h3>after migration</h3>
${table(['kind', 'id', 'amount', 'host', 'server'], resRows(r.resourceList.afterMigration))}
<h3>released</h3>
${table(
  ['id'],
  (r.resourceList.released ?? []).map((id) => [id]),
)}
<h2>Cleanup</h2>
${table(
  ['action', 'status', 'duration', 'message'],
  r.cleanup.map((c) => [c.name, c.status, `${c.durationMs.toFixed(1)} ms`, c.message ?? '']),
)}
<h2>Environment and inputs</h2>
<pre>${esc(JSON.stringify({ environment: r.environment, tcInput: r.tcInput }, null, 2))}</pre>
</body></html>
`;
}

export class HtmlReporter implements Reporter {
  constructor(
    readonly file: string,
    private readonly write: FileWriter = writeFileAtomic,
  ) {}
  onRunEnd(result: TcResult): Promise<void> {
    return this.write(this.file, toHtml(result));
  }
}
