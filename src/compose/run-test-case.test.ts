import type { LabHopDrops } from '../ports/lab-drops.js';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../util/errors.js';
import { parseConfig } from '../config/load.js';
import { FakeLab, fakeEnvironment, type Injection } from '../../test/fakes/ports.js';
import { resultSchemaErrors } from '../../test/result-schema.js';
import type { TcResult } from '../record/result.js';
import type { LogLevel } from '../report/reporter.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { monoMs } from '../util/clock.js';
import { runTestCase } from './run-test-case.js';

const config = parseConfig({
  traffic: { validationPeriodMs: 100 },
  timeouts: { pollIntervalMs: 5, maxVnfActivateTimeMs: 200 },
});

async function run(
  lab: FakeLab,
  signal?: AbortSignal,
  withConfig = config,
): Promise<{ result: TcResult; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'vnflab-run-'));
  const { result } = await runTestCase({
    config: withConfig,
    outDir: dir,
    createEnvironment: async (_c, cleanup) => fakeEnvironment(lab, cleanup),
    ...(signal ? { signal } : {}),
  });
  // Whatever happened, the record written conforms to the published schema (docs/result.schema.json).
  expect(resultSchemaErrors(JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8')))).toEqual([]);
  return { result, dir };
}

/** A failure at each step of the spec, through the call that step makes. */
const FAILURE_AT_STEP: Record<number, [string, Injection]> = {
  1: ['vnfm.instantiate', { throws: 'VNFM refused' }],
  2: [
    'vnfm.getVnfState.stopped',
    { answer: { state: 'ERROR', instantiationState: 'INSTANTIATED', error: 'boom' } },
  ],
  3: ['vnfm.start', { throws: 'operate refused' }],
  4: [
    'vnfm.getVnfState.started',
    { answer: { state: 'ERROR', instantiationState: 'INSTANTIATED', error: 'crash' } },
  ],
  5: ['migrator.getMigrationType', { answer: { type: 'OFFLINE_MIGRATION', reason: 'SR-IOV NIC' } }],
  6: ['traffic.startTraffic', { throws: 'no route' }],
  7: ['traffic.anyTrafficLoss.beforeTrigger', { answer: true }],
  8: ['migrator.triggerMigration', { throws: 'NoValidHost' }],
  9: ['migrator.validateMigrationSuccess', { answer: { state: 'FAILED', reason: 'destination died' } }],
  10: ['traffic.anyTrafficLoss.afterMigration', { answer: true }],
  11: ['traffic.calculateServiceDisruptionLength', { answer: null }],
  12: ['traffic.stopTraffic', { throws: 'worker gone' }],
  13: ['vnfm.terminate', { throws: 'VNFM down' }],
};

/** The lab's drop watch saw the fabric drop `n` packets over a span covering any window of the run. */
function fabricDroppedThroughout(n: number, hops: string[]): LabHopDrops {
  return {
    hops,
    totals: { fabric: n },
    intervals: [
      { hop: 'fabric', fromMs: 0, toMs: Number.MAX_SAFE_INTEGER, drops: n, cause: 'queue-overflow' },
    ],
    sampleEveryMs: 250,
    observed: true,
  };
}

describe('runTestCase (fake ports)', () => {
  it("passes when every port behaves, with the spec's time records the right way round", async () => {
    const lab = new FakeLab();
    const { result, dir } = await run(lab);
    expect(result.overallStatus).toBe('PASS');
    expect(result.steps.map((s) => s.status)).toEqual(Array(13).fill('PASS'));
    expect(result.timeRecord.activateTimeMs).toBeGreaterThanOrEqual(0);
    expect(result.timeRecord.instantiationTimeMs).toBeGreaterThanOrEqual(0);
    // The trigger stamp is taken before the trigger call.
    expect(result.timeRecord.startvResourceMigration!.monoMs).toBeLessThanOrEqual(
      result.timeRecord.completevResourceMigration!.monoMs,
    );
    expect(result.resourceList.released).toHaveLength(4);
    expect(result.resourceList.afterMigration?.every((r) => r.host === 'compute-2')).toBe(true);
    expect(result.traffic.serviceDisruptionMs).toBe(5);
    const onDisk = JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8')) as TcResult;
    expect(onDisk.overallStatus).toBe('PASS');
    const log = readFileSync(join(dir, 'TC_VNF_MIGRATE_002.txt'), 'utf8');
    expect(log).toMatch(/ - TC_VNF_MIGRATE_002 - INFO - Starting TC_VNF_MIGRATE_002\n/);
    expect(log).toMatch(/INFO - TC_VNF_MIGRATE_002 - Execution completed successfully\n/);
    expect(existsSync(join(dir, 'junit.xml'))).toBe(true);
    expect(lab.recordExists || lab.instantiated || lab.trafficRunning).toBe(false);
  });

  for (const [stepText, [call, injection]] of Object.entries(FAILURE_AT_STEP)) {
    const step = Number(stepText);
    it(`a failure at step ${step} (${call}) is recorded and everything acquired is released in order`, async () => {
      const lab = new FakeLab();
      lab.journal.injections.set(call, injection);
      const { result, dir } = await run(lab);
      expect(result.overallStatus).not.toBe('PASS');
      expect(result.failure?.step).toBe(step);
      expect(result.steps[step - 1]?.status).toMatch(/FAIL|ERROR/);
      expect(result.steps.slice(0, step - 1).every((s) => s.status === 'PASS')).toBe(true);
      expect(result.steps.slice(step).every((s) => s.status === 'NOT_RUN')).toBe(true);
      // Released whatever it had acquired. A VNF that cannot be terminated (step 13) keeps its
      // record: the cleanup asks, and a VNFM refuses to delete an instantiated VNF's record (409).
      expect(lab.trafficRunning).toBe(false);
      expect(lab.recordExists).toBe(step === 13);
      expect(lab.instantiated).toBe(step === 13);
      // Cleanup order: stop traffic, then terminate, then delete the record.
      const calls = lab.journal.calls;
      expect(calls).toContain('vnfm.deleteVnfRecord');
      const last = (c: string): number => calls.lastIndexOf(c);
      if (step >= 6 && step < 12) expect(last('traffic.stopTraffic')).toBeLessThan(last('vnfm.terminate'));
      if (step < 13) expect(last('vnfm.terminate')).toBeLessThan(last('vnfm.deleteVnfRecord'));
      // The record and the log are on disk even though the run failed.
      const onDisk = JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8')) as TcResult;
      expect(onDisk.failure?.step).toBe(step);
      expect(readFileSync(join(dir, 'TC_VNF_MIGRATE_002.txt'), 'utf8')).toMatch(
        /ERROR - TC_VNF_MIGRATE_002 - Execution completed with errors - /,
      );
    });
  }

  it('an interrupted run is ABORTED and still cleans up', async () => {
    const lab = new FakeLab();
    const ac = new AbortController();
    lab.journal.injections.set('vnfm.getVnfState.started', {
      answer: { state: 'INACTIVE', instantiationState: 'INSTANTIATED', vnfState: 'STOPPED' },
    });
    setTimeout(() => ac.abort(new Error('SIGINT')), 50);
    const { result } = await run(lab, ac.signal);
    expect(result.overallStatus).toBe('ABORTED');
    expect(result.failure?.step).toBe(4);
    expect(lab.recordExists || lab.instantiated).toBe(false);
    expect(result.cleanup.map((c) => c.name)).toEqual([
      'terminate VNF',
      'delete VNF record',
      'close traffic',
    ]);
  });

  // Real time: step 9 must end at its deadline, whatever the migrator does.
  it('a migrator that never answers cannot hold step 9 past maxMigrationTimeMs (real time)', async () => {
    const lab = new FakeLab();
    const { result } = await runTestCase({
      config: { ...config, timeouts: { ...config.timeouts, maxMigrationTimeMs: 300 } },
      outDir: mkdtempSync(join(tmpdir(), 'vnflab-run-')),
      createEnvironment: async (_c, cleanup) => {
        const env = fakeEnvironment(lab, cleanup);
        // A VIM whose hosts hang: the driver's request never comes back (its own timeout is 30 s, retried).
        env.migrator.validateMigrationSuccess = () => new Promise<never>(() => undefined);
        return env;
      },
    });
    expect(result.overallStatus).toBe('FAIL');
    expect(result.failure?.step).toBe(9);
    expect(result.failure?.message).toMatch(/^Timeout - migration completion not reached within 300 ms/);
    expect(result.steps[8]?.durationMs).toBeLessThan(300 + 2_000);
    expect(lab.recordExists || lab.instantiated || lab.trafficRunning).toBe(false);
  }, 15_000);

  it("gives the environment the config file's folder, for the relative paths in the config", async () => {
    const lab = new FakeLab();
    let seen: string | undefined;
    await runTestCase({
      config,
      baseDir: '/etc/vnflab',
      outDir: mkdtempSync(join(tmpdir(), 'vnflab-run-')),
      createEnvironment: async (_c, cleanup, baseDir) => {
        seen = baseDir;
        return fakeEnvironment(lab, cleanup);
      },
    });
    expect(seen).toBe('/etc/vnflab');
  });

  it('a secret variable that is not set is a ConfigError (exit 2) before anything starts or is written', async () => {
    const unset = `VNFLAB_TEST_UNSET_${process.pid}`;
    const outDir = join(mkdtempSync(join(tmpdir(), 'vnflab-run-')), 'out');
    let started = false;
    const nova = parseConfig({
      migrator: {
        driver: 'nova',
        authUrl: 'https://k/v3',
        applicationCredentialId: 'a',
        applicationCredentialSecretEnv: unset,
      },
    });
    const err: unknown = await runTestCase({
      config: nova,
      outDir,
      createEnvironment: () => {
        started = true;
        return Promise.reject(new Error('not reached'));
      },
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toBe(
      `migrator.applicationCredentialSecretEnv: environment variable ${unset} is not set: export ${unset}=<secret> before running vnflab`,
    );
    expect(started).toBe(false);
    expect(existsSync(outDir)).toBe(false);
  });

  it('a full disk under result.json and junit.xml: the run goes on, says so, closes its log, and leaves valid files', async () => {
    const lab = new FakeLab();
    const dir = mkdtempSync(join(tmpdir(), 'vnflab-run-'));
    let recordWrites = 0;
    const enospc = (file: string): Error =>
      Object.assign(new Error(`ENOSPC: no space left on device, write '${file}'`), { code: 'ENOSPC' });
    const errors: string[] = [];
    const { result } = await runTestCase({
      config,
      outDir: dir,
      createEnvironment: async (_c, cleanup) => fakeEnvironment(lab, cleanup),
      // The first save of the record fits; then the disk is full for the record and junit.xml.
      writeFile: async (file, data) => {
        if (file.endsWith('result.json') && ++recordWrites > 1) throw enospc(file);
        if (file.endsWith('junit.xml')) throw enospc(file);
        await writeFileAtomic(file, data);
      },
      reporters: [
        {
          onLog: (level: LogLevel, message: string) => {
            if (level === 'ERROR') errors.push(message);
          },
        },
      ],
    });
    expect(result.overallStatus).toBe('PASS');
    // One line per failure, not one per failed save.
    expect(errors.filter((e) => e.startsWith('the result record could not be saved: ENOSPC'))).toHaveLength(
      1,
    );
    expect(
      errors.filter((e) => /^report sink JUnitReporter failed \(onRunEnd\): ENOSPC/.test(e)),
    ).toHaveLength(1);
    // What is on disk is the last copy that fitted: whole, valid JSON.
    const onDisk = JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8')) as TcResult;
    expect(onDisk.testCase).toBe('TC_VNF_MIGRATE_002');
    expect(existsSync(join(dir, 'junit.xml'))).toBe(false);
    expect(existsSync(join(dir, 'report.html'))).toBe(true);
    const log = readFileSync(join(dir, 'TC_VNF_MIGRATE_002.txt'), 'utf8');
    expect(log).toMatch(/ERROR - the result record could not be saved: ENOSPC/);
    expect(log).toMatch(/INFO - TC_VNF_MIGRATE_002 - Execution completed successfully\n/);
    expect(lab.recordExists || lab.instantiated || lab.trafficRunning).toBe(false);
  });

  it('the record is saved when each step starts and ends; only the last save is complete', async () => {
    const lab = new FakeLab();
    const saved: TcResult[] = [];
    await runTestCase({
      config,
      outDir: mkdtempSync(join(tmpdir(), 'vnflab-run-')),
      createEnvironment: async (_c, cleanup) => fakeEnvironment(lab, cleanup),
      writeFile: async (file, data) => {
        if (file.endsWith('result.json')) saved.push(JSON.parse(data) as TcResult);
      },
    });
    // At start, after set-up, 13 steps x (start, end), at the end.
    expect(saved).toHaveLength(2 + 2 * 13 + 1);
    expect(saved.map((r) => r.complete)).toEqual([...Array<boolean>(saved.length - 1).fill(false), true]);
    const started = saved[2]!;
    expect(started.steps[0]).toMatchObject({ status: 'NOT_RUN', endedAt: null });
    expect(started.steps[0]?.startedAt).not.toBeNull();
    expect(saved[3]!.steps[0]?.status).toBe('PASS');
    expect(saved.every((r) => r.lastSavedAt !== null)).toBe(true);
    expect(saved.at(-1)!.endedAt).not.toBeNull();
  });

  it('Ctrl-C while the lab starts: ABORTED, no step run, and the record says the set-up was interrupted', async () => {
    const ac = new AbortController();
    let setUpSawAbort = false;
    const { result } = await runTestCase({
      config,
      outDir: mkdtempSync(join(tmpdir(), 'vnflab-run-')),
      signal: ac.signal,
      // A lab start that stops when told to, as startLabProcess does.
      createEnvironment: (_c, _cleanup, _baseDir, signal) =>
        new Promise((_resolve, reject) => {
          setTimeout(() => ac.abort(new Error('SIGINT')), 20);
          signal.addEventListener('abort', () => {
            setUpSawAbort = true;
            reject(new Error('the embedded lab exited during start (code 0, signal null)'));
          });
        }),
    });
    expect(setUpSawAbort).toBe(true);
    expect(result.overallStatus).toBe('ABORTED');
    expect(result.failure).toEqual({
      step: null,
      phase: 'setup',
      message: 'interrupted while starting the embedded lab',
    });
    expect(result.steps.every((s) => s.status === 'NOT_RUN')).toBe(true);
    expect(result.complete).toBe(true);
  });

  it('Ctrl-C with the trigger in flight ends step 8 at once; the migration it then starts is aborted on the way out', async () => {
    const lab = new FakeLab();
    const ac = new AbortController();
    let abortedAt = 0;
    let triggerReturnedAt = 0;
    const dir = mkdtempSync(join(tmpdir(), 'vnflab-run-'));
    const { result } = await runTestCase({
      config,
      outDir: dir,
      signal: ac.signal,
      createEnvironment: async (_c, cleanup) => {
        const env = fakeEnvironment(lab, cleanup);
        const trigger = env.migrator.triggerMigration.bind(env.migrator);
        // A VIM that takes 1.5 s to accept the request, and a driver that cannot be interrupted.
        env.migrator.triggerMigration = async (...args) => {
          await new Promise((r) => setTimeout(r, 1_500));
          triggerReturnedAt = performance.now();
          return trigger(...args);
        };
        return env;
      },
      reporters: [
        {
          onStepStart: (step) => {
            if (step.n === 8)
              setTimeout(() => {
                abortedAt = performance.now();
                ac.abort(new Error('SIGINT'));
              }, 50);
          },
        },
      ],
    });
    const step8 = result.steps[7]!;
    expect(step8.status).toBe('ABORTED');
    expect(step8.message).toBe('interrupted while triggering the migration');
    expect(step8.durationMs!).toBeLessThan(1_000);
    expect(Date.parse(step8.endedAt!)).toBeLessThan(Date.parse(step8.startedAt!) + 1_000);
    expect(result.failure).toMatchObject({ step: 8, phase: 'steps' });
    expect(abortedAt).toBeGreaterThan(0);
    // The cleanup waited for the trigger's answer and aborted the migration it had started.
    expect(triggerReturnedAt).toBeGreaterThan(abortedAt);
    expect(result.cleanup.find((c) => c.name === 'abort migration')?.status).toBe('DONE');
    const calls = lab.journal.calls;
    expect(calls.indexOf('migrator.abortMigration')).toBeGreaterThan(
      calls.indexOf('migrator.triggerMigration'),
    );
    expect(lab.recordExists || lab.instantiated || lab.trafficRunning).toBe(false);
  });

  it('two runs started together without outDir: each gets its own results folder', async () => {
    const resultsDir = join(mkdtempSync(join(tmpdir(), 'vnflab-run-')), 'results');
    const runs = await Promise.all(
      [new FakeLab(), new FakeLab()].map((lab) =>
        runTestCase({
          config,
          resultsDir,
          createEnvironment: async (_c, cleanup) => fakeEnvironment(lab, cleanup),
        }),
      ),
    );
    const [a, b] = runs.map((r) => r.outDir);
    expect(a).not.toBe(b);
    for (const run of runs) {
      expect(run.resultFile).toBe(join(run.outDir, 'result.json'));
      expect((JSON.parse(readFileSync(run.resultFile, 'utf8')) as TcResult).overallStatus).toBe('PASS');
      expect(readFileSync(run.logFile, 'utf8').match(/ - Starting TC_VNF_MIGRATE_002\n/g)).toHaveLength(1);
    }
  });

  it('an outDir that cannot hold results is a ConfigError before anything starts', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'vnflab-run-')), 'a-file');
    writeFileSync(file, '');
    let started = false;
    for (const outDir of ['/proc/vnflab-out', file, join(file, 'out')]) {
      const err: unknown = await runTestCase({
        config,
        outDir,
        createEnvironment: () => {
          started = true;
          return Promise.reject(new Error('not reached'));
        },
      }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as Error).message).toMatch(new RegExp(`^outDir ${outDir.replace(/[/.]/g, '\\$&')}: `));
    }
    expect(started).toBe(false);
  });
});

describe('runTestCase verdict (fake ports)', () => {
  const episode = (fromMs: number, lost: number) => ({
    flow: 0,
    firstLostSeq: 1,
    lastLostSeq: lost,
    lost,
    gapMs: null,
    firstLostSentAtMs: fromMs,
    lastLostSentAtMs: fromMs + (lost - 1) * 0.1,
    lossDerivedMs: lost * 0.1,
    resolutionMs: 0.1,
  });
  const disruption = (episodes: unknown[]) => ({
    lossDerivedMs: 5,
    gapDerivedMs: 5.1,
    resolutionMs: 0.1,
    lost: 50,
    offeredRateHz: 10_000,
    episodes,
  });

  it('FAILs a run whose every step passed when a criterion fails, naming it and both numbers (result, JUnit)', async () => {
    const lab = new FakeLab();
    const strict = parseConfig({ ...config, criteria: { maxServiceDisruptionMs: 2 } });
    const { result, dir } = await run(lab, undefined, strict);
    expect(result.steps.every((s) => s.status === 'PASS')).toBe(true);
    expect(result.overallStatus).toBe('FAIL');
    expect(result.failure).toMatchObject({
      step: null,
      phase: 'verdict',
      criterion: 'maxServiceDisruptionMs',
    });
    expect(result.failure?.message).toContain('5.00 ms, limit 2.00 ms');
    expect(result.verdict?.criteria.find((c) => c.name === 'maxServiceDisruptionMs')).toMatchObject({
      value: 5,
      limit: 2,
      outcome: 'FAIL',
    });
    const junit = readFileSync(join(dir, 'junit.xml'), 'utf8');
    expect(junit).toContain('<property name="criterion.maxServiceDisruptionMs.outcome" value="FAIL"/>');
    expect(junit).toMatch(
      /<failure type="criterion" message="maxServiceDisruptionMs: .*5\.00 ms, limit 2\.00 ms/,
    );
  });

  it('FAILs loss in the pre-copy by the default criterion on loss outside the switch-over', async () => {
    const lab = new FakeLab();
    // Two episodes sent during the move (stamped when the trigger reaches the fake VIM). The fake VIM
    // gives no pause instant, so the longer episode stands for the switch-over and the shorter one is
    // loss outside it.
    let triggeredAtMs = 0;
    const hit = lab.journal.hit.bind(lab.journal);
    lab.journal.hit = (call: string) => {
      if (call === 'migrator.triggerMigration') triggeredAtMs = monoMs();
      return hit(call);
    };
    lab.journal.injections.set('traffic.calculateServiceDisruptionLength', {
      answer: {
        ...disruption([]),
        get episodes() {
          const at = (dt: number, lost: number) => ({
            ...episode(triggeredAtMs + dt, lost),
            lastLostSentAtMs: triggeredAtMs + dt,
          });
          return [at(0.001, 40), at(0.002, 3)];
        },
      },
    });
    const { result } = await run(lab);
    expect(result.disruption?.events.source).toBe('traffic');
    expect(result.disruption?.switchOver.lost).toBe(40);
    expect(result.disruption?.degradation.lost).toBe(3);
    expect(result.overallStatus).toBe('FAIL');
    expect(result.failure?.criterion).toBe('maxLossOutsideSwitchOverPackets');
  });

  it('makes a run INCONCLUSIVE, not PASS, when the tester says its receiver dropped datagrams', async () => {
    const lab = new FakeLab();
    lab.journal.injections.set('traffic.stopTraffic', {
      answer: {
        selfCheck: { receiverSocketDrops: 12, late: 0, skipped: 0, maxBurstPackets: 1, sendErrors: 0 },
      },
    });
    const { result, dir } = await run(lab);
    expect(result.steps.every((s) => s.status === 'PASS')).toBe(true);
    expect(result.overallStatus).toBe('INCONCLUSIVE');
    expect(result.verdict?.validity.findings[0]).toMatchObject({ element: 'tester.receiver' });
    expect(result.failure?.message).toContain('12 datagrams');
    expect(readFileSync(join(dir, 'junit.xml'), 'utf8')).toContain('<error type="INCONCLUSIVE"');
    expect(readFileSync(join(dir, 'TC_VNF_MIGRATE_002.txt'), 'utf8')).toContain(
      'Measurement disturbed (tester.receiver)',
    );
  });

  it("makes step 7 INCONCLUSIVE, naming the lab's overflowing queues, when they dropped every lost packet", async () => {
    const lab = new FakeLab();
    // Drops from long before to long after the run: whatever the window, the fabric dropped 888 in it.
    lab.hopDrops = fabricDroppedThroughout(888, ['fabric', 'host compute-1']);
    lab.journal.injections.set('traffic.anyTrafficLoss.beforeTrigger', { answer: 888 });
    const { result, dir } = await run(lab);
    expect(result.failure?.step).toBe(7);
    expect(result.steps[6]?.status).toBe('INCONCLUSIVE');
    expect(result.overallStatus).toBe('INCONCLUSIVE');
    expect(result.failure?.message).toMatch(
      /888 of 888 packets .*the embedded lab's own queues dropped 888 in this window \(fabric 888.*this is not the VNF's loss; the step cannot judge the VNF/,
    );
    expect(lab.journal.calls).toContain('labDrops.start');
    expect(result.traffic.labDrops?.totals).toEqual({ fabric: 888 });
    expect(readFileSync(join(dir, 'junit.xml'), 'utf8')).toContain(
      '<error type="INCONCLUSIVE" message="Traffic lost',
    );
  });

  it('fails step 7 when the VNF lost more than the lab dropped, saying how many the lab accounts for', async () => {
    const lab = new FakeLab();
    lab.hopDrops = fabricDroppedThroughout(888, ['fabric']);
    lab.journal.injections.set('traffic.anyTrafficLoss.beforeTrigger', { answer: 900 });
    const { result } = await run(lab);
    expect(result.steps[6]?.status).toBe('FAIL');
    expect(result.overallStatus).toBe('FAIL');
    expect(result.failure?.message).toMatch(
      /900 of 900 packets .*at most 888 of the lost packets are not the VNF's$/,
    );
  });

  it('makes a run INCONCLUSIVE, naming the hop, when the lab dropped packets while the move was measured', async () => {
    const lab = new FakeLab();
    lab.hopDrops = fabricDroppedThroughout(40, ['fabric']);
    const { result } = await run(lab);
    expect(result.steps.every((s) => s.status === 'PASS')).toBe(true);
    expect(result.overallStatus).toBe('INCONCLUSIVE');
    expect(result.verdict?.validity.findings[0]).toMatchObject({
      element: 'lab',
      check: 'hop-drops',
      effectMs: 4,
    });
  });

  it('says on a run with no criterion set that the disruption was measured, not judged', async () => {
    const { result, dir } = await run(new FakeLab());
    expect(result.overallStatus).toBe('PASS');
    expect(result.verdict?.disruptionJudged).toBe(false);
    expect(readFileSync(join(dir, 'TC_VNF_MIGRATE_002.txt'), 'utf8')).toContain('measured, not judged');
  });
});
