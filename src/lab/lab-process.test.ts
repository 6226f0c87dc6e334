import { describe, expect, it } from 'vitest';
import { processGroupMembers, until } from '../../test/fakes/process-lab/test-kit.js';
import { parseConfig } from '../config/load.js';
import { NovaMigrator } from '../drivers/nova/nova-migrator.js';
import { Sol003Vnfm } from '../drivers/sol003/sol003-vnfm.js';
import type { MigrationStatus } from '../ports/migrator.js';
import { labSol003Config } from '../compose/lab-drivers.js';
import { startLabProcess } from './lab-process.js';
import { isAlive as alive } from '../util/pid.js';

describe('the embedded lab in its own process', () => {
  it('by default (oauth2): LabInfo carries the client credentials the VNFM requires; stop ends the process', async () => {
    const lab = await startLabProcess(parseConfig({}).lab);
    const vnfm = new Sol003Vnfm(labSol003Config(lab.info));
    try {
      expect(lab.info.sol003.tokenUrl).toMatch(/\/oauth2\/token$/);
      const anonymous = await fetch(`${lab.info.sol003.baseUrl}/vnf_instances`, {
        headers: { Version: '2.0.0' },
      });
      expect(anonymous.status).toBe(401);
      const vnf = await vnfm.createVnfRecord({ vnfdId: lab.info.vnfdId, vnfInstanceName: 'proc' });
      await vnfm.deleteVnfRecord(vnf);
    } finally {
      await vnfm.close();
      await lab.stop();
    }
    expect(alive(lab.pid)).toBe(false);
  });

  it("with vnfmAuth 'none' stays open, so an unauthenticated driver works", async () => {
    const lab = await startLabProcess(parseConfig({}).lab, { vnfmAuth: 'none' });
    const vnfm = new Sol003Vnfm({ baseUrl: lab.info.sol003.baseUrl });
    try {
      expect(lab.info.sol003.tokenUrl).toBeUndefined();
      expect(labSol003Config(lab.info)).toEqual({ baseUrl: lab.info.sol003.baseUrl });
      const vnf = await vnfm.createVnfRecord({ vnfdId: lab.info.vnfdId, vnfInstanceName: 'proc' });
      await vnfm.deleteVnfRecord(vnf);
    } finally {
      await vnfm.close();
      await lab.stop();
    }
  });
});

/** Processes of the lab's group that still run (a zombie waits only for its parent to reap it). */
const liveMembers = (pgid: number): number[] =>
  processGroupMembers(pgid)
    .filter((p) => p.state !== 'Z')
    .map((p) => p.pid);

// Real time: the lab's processes must be gone within a bound after a stop or a kill.
describe('nothing of the lab outlives it, a SIGSTOPped host included (real time)', () => {
  const config = parseConfig({ lab: { rpcTimeoutMs: 1_000 } }).lab;

  it("stop() ends every process of the lab's group within a bound", async () => {
    const lab = await startLabProcess(config, { vnfmAuth: 'none' });
    const frozen = lab.info.hosts[0]?.pid ?? -1;
    // The main process leads its own group, which its hosts and fabric joined.
    expect(liveMembers(lab.pid).sort()).toEqual(expect.arrayContaining([lab.pid, frozen]));
    expect(liveMembers(lab.pid).length).toBe(2 + lab.info.hosts.length); // main, fabric, hosts
    process.kill(frozen, 'SIGSTOP');
    const t0 = performance.now();
    await lab.stop();
    expect(performance.now() - t0).toBeLessThan(20_000);
    await until(() => liveMembers(lab.pid).length === 0, 5_000, 'the lab process group empty');
  });

  it("when the lab's main process is SIGKILLed, the harness kills what is left of its group", async () => {
    const lab = await startLabProcess(config, { vnfmAuth: 'none' });
    const frozen = lab.info.hosts[0]?.pid ?? -1;
    process.kill(frozen, 'SIGSTOP');
    process.kill(lab.pid, 'SIGKILL');
    // Asked to stop once it died but before this process has seen it go (the event loop held, as a
    // busy harness would): the stop request meets a closed channel (EPIPE), which must not throw.
    const heldUntil = performance.now() + 200;
    while (performance.now() < heldUntil) {
      // hold the event loop: no 'exit' or 'disconnect' event is seen meanwhile
    }
    await lab.stop();
    // The stopped host included (a zombie until its new parent reaps it is no process left running).
    await until(() => liveMembers(lab.pid).length === 0, 5_000, 'the lab process group empty');
  });

  it('a source host stopped during a migration: the migration fails, the APIs answer, stop leaves nothing', async () => {
    const rpcTimeoutMs = 1_000;
    // 128 MiB at 2 MiB/s: a migration of a minute, the source stopped in the middle of it.
    const lab = await startLabProcess(
      parseConfig({ lab: { rpcTimeoutMs, migrationBandwidthMiBps: 2 } }).lab,
      { vnfmAuth: 'none' },
    );
    const vnfm = new Sol003Vnfm({ baseUrl: lab.info.sol003.baseUrl });
    const migrator = new NovaMigrator({ ...lab.info.keystone });
    const within = async <T>(work: Promise<T>, ms: number, what: string): Promise<T> => {
      let timer: NodeJS.Timeout | undefined;
      const limit = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what}: still waiting after ${ms} ms`)), ms);
      });
      try {
        return await Promise.race([work, limit]);
      } finally {
        clearTimeout(timer);
      }
    };
    try {
      const vnf = await vnfm.createVnfRecord({ vnfdId: lab.info.vnfdId, vnfInstanceName: 'frozen' });
      const done = async (op: { id: string }): Promise<void> =>
        expect((await vnfm.awaitLcmOperation(op.id, { timeoutMs: 30_000 })).state).toBe('COMPLETED');
      await done(await vnfm.instantiate(vnf, { flavourId: 'default', swImageId: 'sw-vnflab-udp-fwd-1.0' }));
      await done(await vnfm.start(vnf));
      const resources = await vnfm.getVResourceList(vnf);
      const subject = {
        vnfInstanceId: vnf.vnfInstanceId,
        computeResourceIds: [...new Set(resources.map((r) => r.computeResourceId))],
      };
      const source = lab.info.hosts.find((h) => h.name === resources[0]?.host)?.pid ?? -1;
      const handle = await migrator.triggerMigration(subject, 'vMemory');
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect((await migrator.validateMigrationSuccess(handle)).state).toBe('IN_PROGRESS');
      process.kill(source, 'SIGSTOP');

      // The migration fails (the source's liveness polls go unanswered; the rollback's calls time out)...
      const t0 = performance.now();
      const failed = await within(
        (async (): Promise<MigrationStatus> => {
          for (;;) {
            const status = await migrator.validateMigrationSuccess(handle);
            if (status.state !== 'IN_PROGRESS') return status;
            await new Promise((resolve) => setTimeout(resolve, 100));
          }
        })(),
        20_000,
        'the migration to end',
      );
      expect(failed.state).toBe('FAILED');
      expect(performance.now() - t0).toBeLessThan(6 * rpcTimeoutMs + 5_000);
      // ...and Nova and SOL003 answer about a VNF on the stopped host, within a call deadline or so.
      const t1 = performance.now();
      await within(vnfm.getVnfState(vnf), 10_000, 'SOL003 GET vnf_instance');
      await within(migrator.findAllocatedVResources(['x']), 10_000, 'Nova GET servers/detail');
      expect(performance.now() - t1).toBeLessThan(2 * rpcTimeoutMs + 5_000);
    } finally {
      await vnfm.close();
      await migrator.close();
      const t2 = performance.now();
      await lab.stop();
      expect(performance.now() - t2).toBeLessThan(20_000);
    }
    await until(() => liveMembers(lab.pid).length === 0, 5_000, 'the lab process group empty');
  });
});
