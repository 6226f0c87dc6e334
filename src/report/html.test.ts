import { describe, expect, it } from 'vitest';
import {
  emptyTimeRecord,
  emptyTrafficRecord,
  RESULT_SCHEMA_VERSION,
  type TcResult,
} from '../record/result.js';
import { syntheticPassResult } from '../../test/fixtures/report/synthetic-pass.js';
import { toHtml } from './html.js';
import { layoutLabels } from './marker-labels.js';
import { mergeTimelines, timelineSvg } from './timeline-svg.js';

/** One chart's markup (id chart-run or chart-zoom). */
function svgOf(html: string, id: string): string {
  return new RegExp(`<svg id="${id}"[\\s\\S]*?</svg>`).exec(html)?.[0] ?? '';
}
/** The markup between one heading and the next. */
function section(html: string, heading: string): string {
  const from = html.indexOf(`<h2>${heading}</h2>`);
  return from === -1 ? '' : html.slice(from, html.indexOf('<h2>', from + 4));
}

function result(): TcResult {
  const traffic = emptyTrafficRecord();
  traffic.serviceDisruptionMs = 19.1;
  traffic.gapDerivedMs = 20.6;
  traffic.lost = 191;
  traffic.sent = 30_000;
  traffic.disruptionWindow = { name: 'duringMigration', lost: 191, offeredRateHz: 10_000, partial: false };
  traffic.windows = [
    {
      name: 'beforeTrigger',
      openedAtMs: 1000,
      closedAtMs: 2000,
      sent: 10_000,
      received: 10_000,
      lost: 0,
      duplicated: 0,
      reordered: 0,
      offeredRateHz: 10_000,
      timeline: { binMs: 10, startMs: 1000, received: [100, 100], lost: [0, 0], truncated: false },
    },
    {
      name: 'duringMigration',
      openedAtMs: 2000,
      closedAtMs: 3000,
      sent: 10_000,
      received: 9809,
      lost: 191,
      duplicated: 0,
      reordered: 0,
      offeredRateHz: 10_000,
      timeline: {
        binMs: 10,
        startMs: 1020,
        received: [100, 9, 0, 100],
        lost: [0, 91, 100, 0],
        truncated: false,
      },
    },
  ];
  return {
    schemaVersion: RESULT_SCHEMA_VERSION,
    testCase: 'TC_VNF_MIGRATE_002',
    title: 'Migration <live> & traffic',
    overallStatus: 'PASS',
    failure: null,
    complete: true,
    lastSavedAt: '2026-11-25T10:00:05Z',
    startedAt: '2026-11-25T10:00:00Z',
    endedAt: '2026-11-25T10:00:05Z',
    durationMs: 5000,
    tcInput: {},
    environment: {},
    steps: [
      {
        n: 1,
        name: 'instantiateVnf',
        title: 'Instantiate VNF',
        status: 'PASS',
        startedAt: 'x',
        endedAt: 'y',
        durationMs: 12,
        message: null,
      },
    ],
    timeRecord: { ...emptyTimeRecord(), startvResourceMigration: { at: 't', monoMs: 1025 } },
    resourceList: { initialVnfd: null, activeResource: null, afterMigration: null, released: ['old-1'] },
    traffic,
    migration: {
      migrationType: 'LIVE_MIGRATION',
      migrationTypeReason: 'r',
      vResourceType: 'vMemory',
      triggerType: 'vnfm',
      initiatedBy: 'harness',
      migrationId: 'm',
      downtimeMs: 19.9,
      timeline: { pausedAtMs: 1031, resumedAtMs: 1047, switchedAtMs: 1049, firstForwardAtMs: 1050 },
    },
    cleanup: [],
    disruption: null,
    verdict: null,
    vnfInstanceId: 'vnf-1',
  };
}

describe('HTML report', () => {
  it('shows the verdict, both RFC 6201 values beside the VIM downtime, escaped text and the timeline', () => {
    const html = toHtml(result());
    expect(html).toContain('<span class="verdict pass">PASS</span>');
    expect(html).toContain('19.10 ms');
    expect(html).toContain('20.60 ms');
    expect(html).toContain('19.90 ms');
    expect(html).toContain('Migration &lt;live&gt; &amp; traffic');
    expect(html).toMatch(/<svg[^>]*aria-label="packets received and lost per 10 ms"/);
    // Lost bins drawn in red in the whole run's chart, and the lab's pause / switch marked.
    expect(svgOf(html, 'chart-run').match(/fill="#d0021b"/g)).toHaveLength(2);
    expect(html).toContain('>paused<');
    expect(html).toContain('>switched<');
    expect(html).toContain('old-1');
  });

  it('merges window timelines on one time axis, summing overlapping bins', () => {
    const merged = mergeTimelines(result().traffic.windows.map((w) => w.timeline!));
    expect(merged).toEqual({
      binMs: 10,
      startMs: 1000,
      received: [100, 100, 100, 9, 0, 100],
      lost: [0, 0, 0, 91, 100, 0],
      truncated: false,
    });
  });

  it('draws nothing red when nothing was lost', () => {
    const svg = timelineSvg(
      { binMs: 10, startMs: 0, received: [5, 5, 5], lost: [0, 0, 0], truncated: false },
      [],
    );
    expect(svg).not.toContain('#d0021b');
    expect(svg.match(/fill="#4a90d9"/g)).toHaveLength(3);
  });

  it('puts the status, the verdict line, the criteria table and the validity block on top', () => {
    const html = toHtml(syntheticPassResult());
    const top = html.slice(0, html.indexOf('<h2>Where the loss fell'));
    expect(top).toContain('<span class="verdict pass">PASS</span>');
    expect(top).toContain('<b>Verdict:</b> every step passed; 2 criteria met');
    expect(top).toMatch(
      /<table id="criteria"><thead><tr><th>criterion<\/th><th>what<\/th><th>value<\/th><th>limit<\/th><th>outcome<\/th>/,
    );
    expect(top).toContain(
      '<td>maxServiceDisruptionMs</td><td>service disruption over the move (frame-loss method)</td><td>19.10 ms</td><td>50.00 ms</td>',
    );
    expect(top).toContain('<td>0 packets (default)</td>');
    expect(top).toContain('<div id="validity" class="validity trusted">');
    expect(top).toContain('<li>receiver socket drops (kernel counter)</li>');
    expect(top).not.toContain('Not trusted');
    // The figure with its own window's counts.
    expect(section(html, 'Service disruption')).toContain(
      "191 lost of 8700 sent at 10000.0 packets/s in window 'duringMigration'",
    );
  });

  it('says when no criterion was set, and colours each status', () => {
    const r = syntheticPassResult();
    r.verdict = { ...r.verdict!, criteria: [], disruptionJudged: false };
    expect(toHtml(r)).toContain('none set: the disruption was measured, not judged');
    for (const status of ['FAIL', 'INCONCLUSIVE', 'ERROR', 'ABORTED'] as const) {
      r.overallStatus = status;
      expect(toHtml(r)).toContain(`<span class="verdict ${status.toLowerCase()}">${status}</span>`);
    }
  });

  it('names each finding of an untrusted run with its element and detail', () => {
    const r = syntheticPassResult();
    r.overallStatus = 'INCONCLUSIVE';
    r.verdict = {
      ...r.verdict!,
      validity: {
        trusted: false,
        errorBoundMs: 1.2,
        toleranceMs: 1,
        findings: [
          {
            element: 'tester.receiver',
            check: 'socket-drops',
            detail: 'the kernel dropped 12 datagrams at +815 ms',
            effectMs: 1.2,
          },
        ],
        checked: ['receiver socket drops (kernel counter)'],
      },
    };
    const html = toHtml(r);
    expect(section(html, 'Service disruption')).toContain('Not trusted: the tester or the lab was disturbed');
    const v = section(html, 'Validity of the figures');
    expect(v).toContain('class="validity untrusted"');
    expect(v).toContain('NOT TRUSTED');
    expect(v).toContain(
      '<td>tester.receiver</td><td>socket-drops</td><td>the kernel dropped 12 datagrams at +815 ms</td>',
    );
  });

  it("labels a partial window as such, never as a service disruption, with that window's counts", () => {
    const r = syntheticPassResult();
    r.overallStatus = 'FAIL';
    r.traffic.disruptionWindow = { name: 'duringMigration', lost: 191, offeredRateHz: 10_000, partial: true };
    r.traffic.lost = 4242; // the run's totals: not the figure's
    const html = toHtml(r);
    expect(html).not.toContain('<h2>Service disruption</h2>');
    const figure = section(html, 'Measured before the run stopped');
    expect(figure).toContain('measured before the run stopped (partial window, not a disruption figure)');
    expect(figure).not.toMatch(/service disruption/i);
    expect(figure).toContain("191 lost of 8700 sent at 10000.0 packets/s in window 'duringMigration'");
    expect(figure).not.toContain('4242');
    expect(section(html, 'Where the loss fell on the move')).toContain('From the partial window');
  });

  it('splits the loss: switch-over against degradation, each phase relative to the trigger, the events and the target view', () => {
    const s = section(toHtml(syntheticPassResult()), 'Where the loss fell on the move');
    expect(s).toContain(
      '<td>switch-over (the blackout: pause to switch)</td><td>191</td><td>19.10 ms</td><td>19.00 ms</td>',
    );
    expect(s).toContain(
      '<td>degradation (during the move, outside the switch-over)</td><td>0</td><td>0.00 ms</td><td>n/a</td>',
    );
    expect(s).toMatch(
      /switch-over \(pause to switch\)<\/td><td>\+812\.0 ms<\/td><td>\+831\.1 ms<\/td><td>191<\/td><td>19\.10<\/td><td>19\.00<\/td>/,
    );
    expect(s).toMatch(/before the trigger<\/td><td>start of traffic<\/td><td>\+0\.0 ms<\/td>/);
    expect(s).toContain('&plusmn;0.10 ms');
    expect(s).toContain('<li>switch-over start: the lab paused the VM</li>');
    expect(s).toContain("target's downtime (pause to first forward)</td><td>19.60 ms");
    expect(s).toContain("The target's view of its own outage");
  });

  it('draws the switch-over up close: phases shaded, instants marked, axis relative to the trigger in 10 ms bins', () => {
    const zoom = svgOf(toHtml(syntheticPassResult()), 'chart-zoom');
    for (const phase of ['preCopy', 'switchOver', 'afterSwitch', 'afterCompletion'])
      expect(zoom).toContain(`class="phase phase-${phase}"`);
    expect(zoom).not.toContain('phase-beforeTrigger'); // 812 ms before the pause: out of range
    expect(zoom).toContain('data-marker="pause"');
    expect(zoom).toContain('>paused +812.0 ms<');
    expect(zoom).toContain('>switched +831.1 ms<');
    expect(zoom).toContain('>completion seen +870.0 ms<');
    // The trigger is out of range: pinned to the left edge with an arrow, no line.
    expect(zoom).toContain('<g class="marker" data-marker="trigger" data-pinned="left"></g>');
    expect(zoom).toMatch(
      /data-marker="trigger"><rect[^>]*\/><text class="marker-label"[^>]*>\u2190 trigger 0 ms</,
    );
    expect(zoom).toContain('>+800<');
    expect(zoom).toContain('10 ms bins by send time');
    expect(zoom.match(/class="legend-item"/g)).toHaveLength(4);
  });

  it('says what is missing when the run stopped before the move', () => {
    const r = syntheticPassResult();
    r.overallStatus = 'FAIL';
    r.verdict = null;
    r.disruption = null;
    r.timeRecord.startvResourceMigration = null;
    r.traffic.disruptionWindow = null;
    r.traffic.serviceDisruptionMs = null;
    const html = toHtml(r);
    expect(html).toContain('No disruption figure: the run stopped before the migration window was measured.');
    expect(html).toContain('not judged: the run did not conclude');
    expect(html).toContain('not placed: the run stopped before the migration window was measured');
    expect(svgOf(html, 'chart-run')).not.toBe('');
    expect(svgOf(html, 'chart-zoom')).toBe('');
    expect(html).toContain('no zoomed chart');
  });

  it('says an inferred switch-over is inferred', () => {
    const r = syntheticPassResult();
    r.disruption = { ...r.disruption!, events: { ...r.disruption!.events, source: 'traffic' } };
    const html = toHtml(r);
    expect(html).toContain('around the inferred switch-over');
    expect(svgOf(html, 'chart-zoom')).toContain('>loss starts (inferred pause) +812.0 ms<');
  });
});

describe('marker labels', () => {
  const overlap = (a: { left: number; right: number; row: number }, b: typeof a): boolean =>
    a.row === b.row && a.left < b.right && b.left < a.right;

  it('stacks labels of close instants in rows instead of overlapping them', () => {
    const placed = layoutLabels(
      [
        { x: 400, text: 'paused +812.0 ms' },
        { x: 405, text: 'switched +831.1 ms' },
        { x: 430, text: 'completion seen +870.0 ms' },
      ],
      2,
      958,
    );
    expect(new Set(placed.map((p) => p.row)).size).toBe(3);
    for (const a of placed) for (const b of placed) if (a !== b) expect(overlap(a, b)).toBe(false);
  });

  it('turns a label left at the right edge and keeps pinned labels inside', () => {
    const [edge, pinned] = layoutLabels(
      [
        { x: 950, text: 'completion seen +1650.0 ms' },
        { x: 932, text: 'completion seen \u2192', pin: 'right' },
      ],
      2,
      958,
    );
    expect(edge!.anchor).toBe('end');
    expect(edge!.right).toBeLessThanOrEqual(958);
    expect(pinned!.right).toBeLessThanOrEqual(958);
    expect(edge!.row).not.toBe(pinned!.row);
  });
});
