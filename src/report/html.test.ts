import { describe, expect, it } from 'vitest';
import { emptyTimeRecord, emptyTrafficRecord, type TcResult } from '../record/result.js';
import { toHtml } from './html.js';
import { mergeTimelines, timelineSvg } from './timeline-svg.js';

function result(): TcResult {
  const traffic = emptyTrafficRecord();
  traffic.serviceDisruptionMs = 19.1;
  traffic.gapDerivedMs = 20.6;
  traffic.lost = 191;
  traffic.sent = 30_000;
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
    // Lost bins drawn in red, and the lab's pause / switch marked.
    expect(html.match(/fill="#d0021b"/g)).toHaveLength(2);
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
});
