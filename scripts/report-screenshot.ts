/**
 * A PNG of report.html for the docs: renders a result.json with the
 * product's toHtml and screenshots the page in headless Chromium, from the
 * top down to the zoomed chart (the part a lab signs).
 *
 *   npx tsx scripts/report-screenshot.ts results/<run>/result.json docs/report.png
 */
import { readFileSync } from 'node:fs';
import type { TcResult } from '../src/record/result.js';
import { toHtml } from '../src/report/html.js';
import { launchChromium } from '../test/e2e/chromium.js';

const [resultFile, pngFile] = process.argv.slice(2);
if (!resultFile || !pngFile) {
  console.error('usage: tsx scripts/report-screenshot.ts <result.json> <out.png>');
  process.exit(2);
}
const result = JSON.parse(readFileSync(resultFile, 'utf8')) as TcResult;
const chromium = await launchChromium();
try {
  const page = await chromium.context.newPage();
  await page.setViewportSize({ width: 1150, height: 900 });
  await page.setContent(toHtml(result), { waitUntil: 'load' });
  const last = page.locator('svg#chart-zoom, svg#chart-run').last();
  const box = (await last.count()) > 0 ? await last.boundingBox() : null;
  await page.screenshot({
    path: pngFile,
    fullPage: true,
    ...(box ? { clip: { x: 0, y: 0, width: 1150, height: Math.ceil(box.y + box.height + 16) } } : {}),
  });
  console.log(`wrote ${pngFile}`);
} finally {
  await chromium.close();
}
