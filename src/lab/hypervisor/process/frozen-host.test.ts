// Real time: these tests stop a host process (SIGSTOP) and measure how long
// its client waits; the bounds leave seconds of slack for a loaded machine.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFabric, type ProcessFabric } from '../../fabric/fabric-client.js';
import type { VmSpec } from '../hypervisor.js';
import { startProcessHost, type ProcessComputeHost } from './host-client.js';
import { isAlive, UdpSink } from '../../../../test/fakes/process-lab/test-kit.js';

const capacity = { vCpu: 8, memoryMiB: 512, storageGiB: 100, nics: 8 };
/** The deadline of each call in these tests, ms. */
const CALL_TIMEOUT_MS = 1_000;
/** What a loaded 2-core machine may add to a deadline, ms. */
const SLACK_MS = 3_000;

/** `work`'s outcome and how long it took, or a failure once `limitMs` passed (the old client waited forever). */
async function timed<T>(
  work: Promise<T>,
  limitMs: number,
): Promise<{ ms: number; outcome: PromiseSettledResult<T> }> {
  const t0 = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<'hung'>((resolve) => (timer = setTimeout(() => resolve('hung'), limitMs)));
  const outcome = await Promise.race([
    work.then(
      (value): PromiseSettledResult<T> => ({ status: 'fulfilled', value }),
      (reason: unknown): PromiseSettledResult<T> => ({ status: 'rejected', reason }),
    ),
    limit,
  ]);
  clearTimeout(timer);
  if (outcome === 'hung') throw new Error(`still waiting after ${limitMs} ms`);
  return { ms: performance.now() - t0, outcome };
}

describe('a stopped (SIGSTOP) host process (real time)', () => {
  let fabric: ProcessFabric;
  let sink: UdpSink;
  const started: ProcessComputeHost[] = [];
  let n = 0;

  const startHost = async (): Promise<ProcessComputeHost> => {
    const host = await startProcessHost({
      name: `frozen-${++n}`,
      capacity,
      fabricControl: fabric.controlEndpoint,
      rpc: { callTimeoutMs: CALL_TIMEOUT_MS },
    });
    started.push(host);
    return host;
  };
  const spec = (memoryMiB = 16): VmSpec => ({
    vmId: `vm-${++n}`,
    vCpu: 1,
    memoryMiB,
    storageGiB: 1,
    nics: 1,
    vnf: { egress: sink.endpoint, dirtyPagesPerSec: 2000 },
  });

  beforeAll(async () => {
    fabric = await startFabric();
    sink = await UdpSink.open();
  });

  afterAll(async () => {
    for (const host of started) {
      if (isAlive(host.pid)) process.kill(host.pid, 'SIGCONT');
      await host.shutdown();
    }
    await fabric.shutdown();
    await sink.close();
  });

  it('fails a call with TIMEOUT within its deadline, and shutdown kills it at once', async () => {
    const host = await startHost();
    await host.createVm(spec());
    process.kill(host.pid, 'SIGSTOP');
    const call = await timed(host.inventory(), 20_000);
    expect(call.outcome).toMatchObject({ status: 'rejected', reason: { code: 'TIMEOUT' } });
    expect(call.ms).toBeGreaterThanOrEqual(CALL_TIMEOUT_MS - 50);
    expect(call.ms).toBeLessThan(CALL_TIMEOUT_MS + SLACK_MS);

    const stop = await timed(host.shutdown(), 20_000);
    expect(stop.outcome.status).toBe('fulfilled');
    expect(stop.ms).toBeLessThan(CALL_TIMEOUT_MS + SLACK_MS);
    expect(isAlive(host.pid)).toBe(false);
  });

  it('does not time out an answer that arrived while this process itself was too busy to read it', async () => {
    const host = await startHost();
    const call = host.inventory();
    // Hold this process's event loop past the deadline, as a loaded machine may: the host's
    // answer waits unread in the IPC pipe, and the deadline's timer is due as well.
    const heldUntil = performance.now() + 3 * CALL_TIMEOUT_MS;
    while (performance.now() < heldUntil) {
      // busy
    }
    await expect(call).resolves.toEqual({});
  });

  it("fails a migration's source call when the source stops answering its liveness polls", async () => {
    const [source, dest] = [await startHost(), await startHost()];
    const vm = spec(32);
    await source.createVm(vm);
    await source.startVm(vm.vmId);
    const { migrationEndpoint } = await dest.prepareIncoming(vm);
    // 32 MiB at 2 MB/s: a migration of ~16 s, which must not be bound by the call deadline...
    const migrating = source.migrateOut(vm.vmId, {
      dest: migrationEndpoint,
      mode: 'live',
      bandwidthBytesPerSec: 2e6,
      downtimeLimitMs: 30,
      maxRounds: 30,
    });
    migrating.catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 3 * CALL_TIMEOUT_MS));
    expect(await Promise.race([migrating.then(() => 'settled'), Promise.resolve('running')])).toBe('running');
    // ...but by the source's answers to the polls.
    process.kill(source.pid, 'SIGSTOP');
    const failed = await timed(migrating, 20_000);
    expect(failed.outcome).toMatchObject({ status: 'rejected', reason: { code: 'TIMEOUT' } });
    expect(failed.ms).toBeLessThan(2 * CALL_TIMEOUT_MS + SLACK_MS);
    await dest.destroyVm(vm.vmId);
  });
});
