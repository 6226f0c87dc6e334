/**
 * report.html as a person sees it: the product's toHtml renders a real run's
 * record (test/fixtures/report/result-migrate-002.json, from `vnflab run
 * TC_VNF_MIGRATE_002 --config examples/lab.yaml`; -before-schema.json, one
 * recorded before result.json had a schema) and a synthetic PASS one
 * whose instants are a few ms apart, and headless Chromium lays them out:
 * both charts drew, the zoomed one has the phases shaded and the instants
 * marked, no marker label overlaps another or leaves its chart, and the
 * criteria and validity blocks are there. Skips where /usr/bin/chromium is
 * missing (CI installs it, see .ci/run).
 */
import { readFileSync } from 'node:fs';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TcResult } from '../../src/record/result.js';
import { toHtml } from '../../src/report/html.js';
import { syntheticPassResult } from '../fixtures/report/synthetic-pass.js';
import { chromiumMissing, launchChromium } from './chromium.js';

const missing = chromiumMissing();
if (missing !== null) console.warn(`report.html Chromium tests skipped: ${missing}`);

const realRun = JSON.parse(
  readFileSync(new URL('../fixtures/report/result-migrate-002.json', import.meta.url), 'utf8'),
) as TcResult;

/** A real run recorded before result.json had a schema (and before the verdict weighed its findings). */
const olderRun = JSON.parse(
  readFileSync(new URL('../fixtures/report/result-migrate-002-before-schema.json', import.meta.url), 'utf8'),
) as TcResult;

const records: [string, TcResult][] = [
  [`a real TC_VNF_MIGRATE_002 run (${realRun.overallStatus})`, realRun],
  [`a real run recorded before result.json had a schema (${olderRun.overallStatus})`, olderRun],
  ['a synthetic PASS whose pause, switch and completion are 19 and 39 ms apart', syntheticPassResult()],
];

interface Box {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

async function boxOf(l: Locator): Promise<Box> {
  const b = await l.boundingBox();
  if (b === null) throw new Error('not rendered');
  return b;
}

async function boxesOf(l: Locator): Promise<Box[]> {
  return Promise.all((await l.all()).map(boxOf));
}

const overlaps = (a: Box, b: Box): boolean =>
  a.x < b.x + b.width - 0.5 &&
  b.x < a.x + a.width - 0.5 &&
  a.y < b.y + b.height - 0.5 &&
  b.y < a.y + a.height - 0.5;
const inside = (inner: Box, outer: Box): boolean =>
  inner.x >= outer.x - 0.5 &&
  inner.y >= outer.y - 0.5 &&
  inner.x + inner.width <= outer.x + outer.width + 0.5 &&
  inner.y + inner.height <= outer.y + outer.height + 0.5;

/** Every marker label of a chart inside it, and none over another. */
async function expectLabelsClear(chart: Locator): Promise<number> {
  const svg = await boxOf(chart);
  const labels = await boxesOf(chart.locator('text.marker-label'));
  for (const [i, a] of labels.entries()) {
    expect(inside(a, svg), `label ${i} ${JSON.stringify(a)} inside ${JSON.stringify(svg)}`).toBe(true);
    for (const b of labels.slice(i + 1))
      expect(overlaps(a, b), `${JSON.stringify(a)} / ${JSON.stringify(b)}`).toBe(false);
  }
  return labels.length;
}

describe.skipIf(missing !== null)(
  `report.html in headless Chromium${missing === null ? '' : ` (skipped: ${missing})`}`,
  () => {
    let chromium: Awaited<ReturnType<typeof launchChromium>> | undefined;
    let page: Page;

    beforeAll(async () => {
      chromium = await launchChromium();
      page = await chromium.context.newPage();
      await page.setViewportSize({ width: 1150, height: 900 });
    }, 120_000);

    afterAll(async () => {
      await chromium?.close();
    });

    it('the real fixture reached the move (else it cannot show the switch-over)', () => {
      expect(realRun.disruption).not.toBeNull();
      expect(realRun.traffic.windows.some((w) => w.timeline !== undefined)).toBe(true);
    });

    for (const [name, record] of records) {
      it(`draws ${name}: both charts, phases shaded, instants marked, labels clear`, async () => {
        await page.setContent(toHtml(record), { waitUntil: 'load' });

        const run = page.locator('svg#chart-run');
        const zoom = page.locator('svg#chart-zoom');
        for (const chart of [run, zoom]) {
          const b = await boxOf(chart);
          expect(b.width).toBeGreaterThan(100);
          expect(b.height).toBeGreaterThan(100);
        }
        // Bars drew in both charts.
        expect(await run.locator('rect[fill="#4a90d9"]').count()).toBeGreaterThan(0);
        expect(await zoom.locator('rect[fill="#4a90d9"]').count()).toBeGreaterThan(0);

        // The zoomed chart: the switch-over shaded (visible width), other phases beside it, a legend.
        const switchOver = zoom.locator('rect.phase-switchOver');
        expect(await switchOver.count()).toBe(1);
        expect((await boxOf(switchOver)).width).toBeGreaterThan(1);
        expect(await zoom.locator('rect.phase').count()).toBeGreaterThan(1);
        expect(await zoom.locator('g.legend-item').count()).toBe(await zoom.locator('rect.phase').count());
        for (const key of ['trigger', 'pause', 'switch', 'completion'])
          expect(await zoom.locator(`g.marker[data-marker="${key}"]`).count(), key).toBe(1);
        // The pause and the switch lie inside the range: drawn as lines.
        expect(await zoom.locator('g.marker[data-marker="pause"] line').count()).toBe(1);
        expect(await zoom.locator('g.marker[data-marker="switch"] line').count()).toBe(1);

        expect(await expectLabelsClear(zoom)).toBe(4);
        expect(await expectLabelsClear(run)).toBeGreaterThanOrEqual(3);

        // The blocks on top.
        expect((await boxOf(page.locator('#criteria'))).height).toBeGreaterThan(0);
        expect((await boxOf(page.locator('#validity'))).height).toBeGreaterThan(0);
        expect(await page.locator('#validity').innerText()).toMatch(/Trusted|NOT TRUSTED/);
        expect(await page.locator('h1 .verdict').innerText()).toBe(record.overallStatus);
      });
    }
  },
);
