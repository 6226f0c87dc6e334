/**
 * A stall really injected into the tester: the builtin generator and
 * receiver run in a child process that is frozen (SIGSTOP) for 150 ms while
 * they send 10 000 packets/s to themselves, on each socket I/O path. The
 * self-checks must see it: the receiver's thread stall (stamping lateness on
 * dgram's path; on the native path the kernel stamps, so the stall delays no
 * stamp and the verdict says so) and the generator's pacing (a stalled, then
 * bursting 10 ms bin), without losing a packet.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { MEASURES_REAL_TIME } from '../../test/measures-real-time.js';
import type { TrafficTotals } from '../ports/traffic.js';
import { checkValidity } from '../testcases/migrate/verdict/validity.js';
import { sleep } from '../util/clock.js';

const CHILD = `
  import { BuiltinTraffic } from './src/traffic/index.js';
  import { sleep } from './src/util/clock.js';
  const t = new BuiltinTraffic();
  const { sink } = await t.prepare();
  await t.configTrafficLoad('LOW', {
    loadLevels: { LOW: 10000, NORMAL: 10000, MAX: 10000 }, packetSizeBytes: 64, flows: 1, target: sink,
  });
  await t.startTraffic('stalled');
  await sleep(300);
  process.stdout.write('running\\n');
  await sleep(700);
  const totals = await t.stopTraffic();
  await t.close();
  process.stdout.write(JSON.stringify(totals) + '\\n');
`;

async function runFrozen(freezeMs: number, io: 'native' | 'dgram'): Promise<TrafficTotals> {
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', CHILD], {
    cwd: fileURLToPath(new URL('../..', import.meta.url)),
    env: { ...process.env, VNFLAB_TRAFFIC_IO: io },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  const running = new Promise<void>((resolve) =>
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      if (out.includes('running\n')) resolve();
    }),
  );
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  await running;
  child.kill('SIGSTOP');
  await sleep(freezeMs);
  child.kill('SIGCONT');
  expect(await exited).toBe(0);
  const last = out.trim().split('\n').at(-1) ?? '{}';
  return JSON.parse(last) as TrafficTotals;
}

describe('a stall injected into the tester (child frozen with SIGSTOP)', () => {
  it.each(['dgram', 'native'] as const)(
    'is seen by the receiver and the generator (pacing), and loses nothing; stamps late only on dgram (%s I/O) [measures real time]',
    MEASURES_REAL_TIME,
    async (io) => {
      const totals = await runFrozen(150, io);
      const self = totals.selfCheck!;
      expect(self.arrivalStamps).toBe(io === 'native' ? 'kernel' : 'receiver-thread');
      expect(totals.lost).toBe(0);
      // The receiver's thread did not run for the freeze: its longest stall is about that long.
      expect(self.receiverStalls?.count).toBeGreaterThanOrEqual(1);
      expect(self.receiverStalls?.longestMs).toBeGreaterThanOrEqual(120);
      expect(self.receiverStalls?.longestMs).toBeLessThan(1_000);
      // The generator repaid the stall in a burst.
      expect(self.maxBurstPackets).toBeGreaterThan(10);
      const window = totals.windows[0]!;
      const v = checkValidity({
        windows: totals.windows,
        disruptionWindow: window.name,
        disruptionMs: 0,
        degradation: { lost: 0, lossDerivedMs: 0 },
        selfCheck: self,
        latencyP99Ms: null,
        embeddedLab: false,
        triggerAtMs: window.openedAtMs,
        labDrops: null,
        switchOverSpan: null,
      });
      const checks = v.findings.map((f) => f.check);
      // The receiver's stall delays its own stamps (dgram); the kernel's (native) it does not.
      if (io === 'dgram') expect(checks).toContain('stamping-lateness');
      else {
        expect(checks).not.toContain('stamping-lateness');
        expect(v.checked).toContain(
          "receiver arrival stamps: the kernel's (its thread's stalls delay no stamp)",
        );
      }
      expect(checks).toContain('pacing-apart');
      // Nothing was lost, so neither moves a frame-loss figure.
      expect(v.trusted).toBe(true);
    },
  );
});
