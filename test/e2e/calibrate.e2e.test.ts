/**
 * End to end: the built CLI's `vnflab calibrate` (issue 3) prints one JSON
 * array whose rows hold the true outage and both RFC 6201 measurements, each
 * within one inter-packet interval + 0.5 ms of the truth; bad flags exit 2
 * with one line naming the flag and the fix. Needs `npm run build` first
 * (npm test does it).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { MEASURES_REAL_TIME } from '../measures-real-time.js';

const root = resolve(import.meta.dirname, '../..');
const cli = join(root, 'dist/cli/main.js');

function vnflab(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('vnflab calibrate', () => {
  beforeAll(() => {
    if (!existsSync(cli)) throw new Error(`${cli} missing: run 'npm run build' first (npm test does)`);
  });

  it(
    '--json prints one array of rows, both methods within 1/rate + 0.5 ms of their true values [measures real time]',
    MEASURES_REAL_TIME,
    () => {
      const r = vnflab(['calibrate', '--rate', '10000', '--outages', '5,50', '--json']);
      // The whole of stdout is one JSON document (progress goes to stderr).
      const rows = JSON.parse(r.stdout) as unknown;
      expect(Array.isArray(rows), r.stdout).toBe(true);
      expect(rows).toHaveLength(2);
      const boundMs = 1000 / 10_000 + 0.5;
      for (const [i, row] of (rows as Record<string, unknown>[]).entries()) {
        expect(Object.keys(row)).toEqual(
          expect.arrayContaining([
            'outageMs',
            'trueMs',
            'trueGapMs',
            'lossDerivedMs',
            'gapDerivedMs',
            'rateHz',
          ]),
        );
        const num = (key: string): number => {
          const v = row[key];
          expect(typeof v, `${key} in ${JSON.stringify(row)}`).toBe('number');
          return v as number;
        };
        expect(num('outageMs')).toBe([5, 50][i]);
        expect(num('rateHz')).toBe(10_000);
        const trueMs = num('trueMs');
        // The gate drops for at least the interval asked for (its timer cannot end it early).
        expect(trueMs).toBeGreaterThanOrEqual(num('outageMs'));
        expect(Math.abs(num('lossDerivedMs') - trueMs), JSON.stringify(row)).toBeLessThanOrEqual(boundMs);
        // The timestamp method against the silence the gate's egress really had (src/commands/calibrate.ts).
        expect(Math.abs(num('gapDerivedMs') - num('trueGapMs')), JSON.stringify(row)).toBeLessThanOrEqual(
          boundMs,
        );
      }
      expect(r.code, r.stderr).toBe(0);
    },
  );

  it.each([
    [['--rate', 'fast'], /^vnflab: --rate must be a positive number of packets\/s \(e\.g\. --rate 10000\)/],
    [['--rate', '-5'], /^vnflab: --rate /],
    [['--outages', '5,,50'], /^vnflab: --outages must be positive ms separated by commas \(e\.g\. /],
    [['--outages', '0'], /^vnflab: --outages /],
  ])('bad input %j: one line naming the flag and the fix, exit 2, nothing on stdout', (args, message) => {
    const r = vnflab(['calibrate', ...args, '--json']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  });
});
