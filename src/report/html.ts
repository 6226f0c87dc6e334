/**
 * report.html: the run as a test lab would file it - verdict, the disruption
 * by both RFC 6201 methods beside the VIM's own downtime, the traffic
 * timeline, every step with its times, the windows, loss episodes, vResources
 * before and after, and what cleanup did. One self-contained file.
 */
import type { TrafficTimeline } from '../ports/traffic.js';
import type { TcResult } from '../record/result.js';
import { writeFileAtomic, type FileWriter } from '../util/atomic-write.js';
import type { Reporter } from './reporter.js';
import { mergeTimelines, timelineSvg, type TimelineMarker } from './timeline-svg.js';

const esc = (v: string | number | boolean | null | undefined): string =>
  String(v ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
const ms = (v: number | null | undefined, digits = 2): string =>
  v === null || v === undefined ? 'n/a' : `${v.toFixed(digits)} ms`;
const num = (v: number | null | undefined): string => (v === null || v === undefined ? 'n/a' : String(v));

function table(head: readonly string[], rows: readonly (readonly (string | number | null)[])[]): string {
  if (rows.length === 0) return '<p class="muted">none</p>';
  return `<table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

function markers(r: TcResult): TimelineMarker[] {
  const out: TimelineMarker[] = [];
  const tr = r.timeRecord;
  if (tr.startvResourceMigration)
    out.push({ atMs: tr.startvResourceMigration.monoMs, label: 'trigger', color: '#7b3fb5' });
  const tl = r.migration.timeline;
  if (tl?.pausedAtMs != null) out.push({ atMs: tl.pausedAtMs, label: 'paused', color: '#e67e22' });
  if (tl?.switchedAtMs != null) out.push({ atMs: tl.switchedAtMs, label: 'switched', color: '#27ae60' });
  if (tr.completevResourceMigration)
    out.push({ atMs: tr.completevResourceMigration.monoMs, label: 'completion seen', color: '#555' });
  return out;
}

export function toHtml(r: TcResult): string {
  const t = r.traffic;
  const m = r.migration;
  const verdictClass = r.overallStatus === 'PASS' ? 'pass' : 'fail';
  const timelines = t.windows.map((w) => w.timeline).filter((x): x is TrafficTimeline => x !== undefined);
  const merged = mergeTimelines(timelines);
  const tr = r.timeRecord;
  const resRows = (list: TcResult['resourceList']['activeResource']): (string | number)[][] =>
    (list ?? []).map((v) => [v.kind, v.id, `${v.amount} ${v.unit}`, v.host, v.computeResourceId]);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(r.testCase)} ${esc(r.overallStatus)}</title>
<style>
body{font-family:system-ui,sans-serif;margin:24px;color:#222;max-width:1100px}
h1{font-size:20px;margin:0 0 4px} h2{font-size:16px;margin:24px 0 8px;border-bottom:1px solid #ddd}
.verdict{display:inline-block;padding:2px 10px;border-radius:4px;color:#fff;font-weight:600}
.pass{background:#2e7d32}.fail{background:#c62828}.muted{color:#777}
table{border-collapse:collapse;font-size:13px;margin:4px 0} td,th{border:1px solid #ddd;padding:3px 8px;text-align:left;vertical-align:top}
th{background:#f4f4f4} .kv td:first-child{font-weight:600;background:#fafafa}
</style></head><body>
<h1>${esc(r.testCase)} <span class="verdict ${verdictClass}">${esc(r.overallStatus)}</span></h1>
<div>${esc(r.title)}</div>
<div class="muted">${esc(r.startedAt)} - ${esc(r.endedAt)}; vnfInstanceId ${esc(r.vnfInstanceId ?? 'n/a')}</div>
${r.failure ? `<p><b>Failure${r.failure.step === null ? '' : ` at step ${r.failure.step}`}:</b> ${esc(r.failure.message)}</p>` : ''}
<h2>Service disruption</h2>
<table class="kv"><tbody>
<tr><td>serviceDisruptionMs (RFC 6201 frame-loss: lost / offered rate)</td><td>${ms(t.serviceDisruptionMs)}</td></tr>
<tr><td>timestamp method (gap around the loss)</td><td>${ms(t.gapDerivedMs)}</td></tr>
<tr><td>resolution</td><td>${ms(t.resolutionMs, 3)}</td></tr>
<tr><td>downtime measured by the VIM / hypervisor</td><td>${ms(m.downtimeMs)}</td></tr>
<tr><td>lost / sent</td><td>${num(t.lost)} / ${num(t.sent)} at ${t.rateHz === null ? 'n/a' : `${t.rateHz.toFixed(1)} packets/s`} (${esc(t.loadLevel ?? '')} load)</td></tr>
</tbody></table>
${merged ? timelineSvg(merged, markers(r)) : '<p class="muted">no per-bin timeline from this traffic driver</p>'}
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
