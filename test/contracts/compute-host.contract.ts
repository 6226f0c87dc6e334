/**
 * The lab's ComputeHost contract (src/lab/hypervisor/hypervisor.ts): one
 * suite every compute host runs (hono's `common.case.test.ts` pattern, see
 * STYLE.md). What it checks is what LabVim and its migration runs
 * (migration-run.ts) rely on: a VM's vResources under ids unique across the
 * lab, capacity refusals, the CREATED / RUNNING / STOPPED lifecycle,
 * idempotent destroy, errors with stable codes for unknown VMs, both ends of
 * a live and an offline migration (prepareIncoming, migrateOut, waitIncoming),
 * cancel leaving the source running, and shutdown.
 * This module imports vitest: load it from test files only.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { monoNs, sleep } from '../../src/util/clock.js';
import type {
  ComputeHost,
  IncomingResult,
  MigrationParams,
  MigrationProgress,
  SourceMigrationResult,
  VmInfo,
  VmSpec,
  VResourceAllocation,
} from '../../src/lab/hypervisor/hypervisor.js';

type ParamsWithoutDest = Omit<MigrationParams, 'dest' | 'mode'>;

/** The hosts under test, built once per suite. */
export interface ComputeHostContractFixture {
  /** Two empty hosts of one lab with the same capacity; migrations go from the first to the second. */
  readonly hosts: readonly [ComputeHost, ComputeHost];
  /** A small VmSpec the hosts accept (room for several on each host). */
  spec(vmId: string): VmSpec;
  /**
   * Arrange for the next migration (prepared after this call) to last
   * seconds; returns parameters to use for it. The cancel test is skipped
   * without it.
   */
  slowNextMigration?(): Partial<ParamsWithoutDest>;
  /**
   * Send `count` datagrams to the VM's data endpoint; the VNF forwards them
   * to the spec's egress. The forwarding test is skipped without it.
   */
  sendTo?(vm: VmInfo, count: number): Promise<void>;
  /** Release everything the fixture started (the hosts may already be shut down). */
  close(): Promise<void>;
}

export interface ComputeHostContractOptions {
  readonly name: string;
  create(): Promise<ComputeHostContractFixture>;
  /** Parameters of an ordinary migration (default: 128 MiB/s, 300 ms downtime limit, 30 rounds). */
  readonly migrationParams?: Partial<ParamsWithoutDest>;
  /** Longest a destination may take to report its outcome after the source is done, ms (default 10 000). */
  readonly incomingTimeoutMs?: number;
  /** Skip the whole suite, saying why. */
  readonly skip?: string | false;
  /**
   * The host's forward counter also counts frames the guest sends by itself
   * (the QEMU host counts its egress tap, where the guest's ARP and QEMU's
   * self-announce pass too): "nothing forwarded" cannot be checked there.
   */
  readonly forwardCounterCountsOwnFrames?: boolean;
}

const DEFAULT_PARAMS: ParamsWithoutDest = {
  bandwidthBytesPerSec: 128 * 1024 * 1024,
  downtimeLimitMs: 300,
  maxRounds: 30,
};

/** Sum of the allocations of one kind. */
const amountOf = (list: readonly VResourceAllocation[], kind: VResourceAllocation['kind']): number =>
  list.filter((a) => a.kind === kind).reduce((n, a) => n + a.amount, 0);

const ids = (list: readonly VResourceAllocation[]): string[] => list.map((a) => a.id).sort();

async function within<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export function runComputeHostContract(opts: ComputeHostContractOptions): void {
  const params = { ...DEFAULT_PARAMS, ...opts.migrationParams };
  const incomingMs = opts.incomingTimeoutMs ?? 10_000;

  describe.skipIf(Boolean(opts.skip))(
    `ComputeHost contract: ${opts.name}${opts.skip ? ` (skipped: ${opts.skip})` : ''}`,
    () => {
      let fx: ComputeHostContractFixture;
      let created: string[] = [];
      beforeAll(async () => {
        fx = await opts.create();
      });
      afterEach(async () => {
        for (const vmId of created.reverse())
          for (const host of fx.hosts) await host.destroyVm(vmId).catch(() => undefined);
        created = [];
      });
      afterAll(async () => {
        await fx?.close();
      });

      /** A fresh VM id, destroyed on both hosts after the test. */
      const vmId = (label: string): string => {
        const id = `${label}-${randomUUID()}`;
        created.push(id);
        return id;
      };

      async function running(host: ComputeHost, label: string): Promise<VmInfo> {
        const id = vmId(label);
        await host.createVm(fx.spec(id));
        return host.startVm(id);
      }

      /** Both ends of one migration from `from` to `to`, to the outcome of each. */
      async function migrate(
        from: ComputeHost,
        to: ComputeHost,
        id: string,
        mode: MigrationParams['mode'],
        over: Partial<ParamsWithoutDest> = {},
      ): Promise<{
        prepared: VmInfo;
        sent: SourceMigrationResult;
        arrived: IncomingResult;
        progress: MigrationProgress[];
      }> {
        const { migrationEndpoint, vm: prepared } = await to.prepareIncoming(fx.spec(id));
        const incoming = to.waitIncoming(id);
        const progress: MigrationProgress[] = [];
        const sent = await from.migrateOut(id, { ...params, ...over, dest: migrationEndpoint, mode }, (p) =>
          progress.push(p),
        );
        const arrived = await within(incoming, incomingMs, `incoming migration of ${id}`);
        return { prepared, sent, arrived, progress };
      }

      it('has a name and a capacity, and starts empty', async () => {
        const [a, b] = fx.hosts;
        expect(a.name).not.toBe('');
        expect(b.name).not.toBe(a.name);
        for (const host of fx.hosts) {
          for (const field of ['vCpu', 'memoryMiB', 'storageGiB', 'nics'] as const)
            expect(host.capacity[field]).toBeGreaterThan(0);
          expect(await host.inventory()).toEqual({});
        }
      });

      it("creates a VM not yet running, holding its spec's vResources under ids unique across hosts", async () => {
        const [a, b] = fx.hosts;
        const id = vmId('create');
        const spec = fx.spec(id);
        const vm = await a.createVm(spec);
        expect(vm).toMatchObject({ vmId: id, host: a.name, state: 'CREATED' });
        expect(amountOf(vm.allocations, 'vCPU')).toBe(spec.vCpu);
        expect(amountOf(vm.allocations, 'vMemory')).toBe(spec.memoryMiB);
        expect(amountOf(vm.allocations, 'vStorage')).toBe(spec.storageGiB);
        expect(amountOf(vm.allocations, 'vNIC')).toBe(spec.nics);
        expect(new Set(ids(vm.allocations)).size).toBe(vm.allocations.length);
        expect(ids((await a.inventory())[id] ?? [])).toEqual(ids(vm.allocations));
        expect(await a.getVm(id)).toMatchObject({ vmId: id, host: a.name, state: 'CREATED' });

        const other = vmId('create-other');
        const onB = await b.createVm(fx.spec(other));
        const onA = await a.createVm(fx.spec(vmId('create-third')));
        const all = [...vm.allocations, ...onB.allocations, ...onA.allocations].map((x) => x.id);
        expect(new Set(all).size).toBe(all.length);
        expect(Object.keys(await b.inventory())).toEqual([other]);
      });

      it('refuses a VM it already holds (VM_EXISTS) and one it has no room for (CAPACITY_EXCEEDED), taking nothing', async () => {
        const [a] = fx.hosts;
        const id = vmId('dup');
        await a.createVm(fx.spec(id));
        const before = await a.inventory();
        await expect(a.createVm(fx.spec(id))).rejects.toMatchObject({ code: 'VM_EXISTS' });
        const big = vmId('big');
        await expect(
          a.createVm({ ...fx.spec(big), memoryMiB: a.capacity.memoryMiB + 1 }),
        ).rejects.toMatchObject({ code: 'CAPACITY_EXCEEDED' });
        expect(await a.inventory()).toEqual(before);
        expect(await a.getVm(big)).toBeNull();
      });

      it('starts, stops and starts a VM again; destroy frees it, and is harmless twice or for a stranger', async () => {
        const [a] = fx.hosts;
        const id = vmId('life');
        await a.createVm(fx.spec(id));
        expect((await a.startVm(id)).state).toBe('RUNNING');
        expect((await a.getVm(id))?.state).toBe('RUNNING');
        expect((await a.stopVm(id)).state).toBe('STOPPED');
        expect((await a.getVm(id))?.state).toBe('STOPPED');
        expect((await a.startVm(id)).state).toBe('RUNNING');
        await a.destroyVm(id);
        expect(await a.getVm(id)).toBeNull();
        expect((await a.inventory())[id]).toBeUndefined();
        await a.destroyVm(id);
        await a.destroyVm(`stranger-${randomUUID()}`);
      });

      it('answers for an unknown VM: null from getVm, VM_NOT_FOUND from the calls that act on one', async () => {
        const [a, b] = fx.hosts;
        const ghost = `ghost-${randomUUID()}`;
        expect(await a.getVm(ghost)).toBeNull();
        await expect(a.startVm(ghost)).rejects.toMatchObject({ code: 'VM_NOT_FOUND' });
        await expect(a.stopVm(ghost)).rejects.toMatchObject({ code: 'VM_NOT_FOUND' });
        await expect(a.waitIncoming(ghost)).rejects.toMatchObject({ code: 'VM_NOT_FOUND' });
        // Any well-formed destination: the VM is looked up first.
        const dest = { host: '127.0.0.1', port: 9 };
        await expect(a.migrateOut(ghost, { ...params, dest, mode: 'live' })).rejects.toMatchObject({
          code: 'VM_NOT_FOUND',
        });
        // Not prepared for it: nothing incoming.
        const id = vmId('not-incoming');
        await b.createVm(fx.spec(id));
        await expect(b.waitIncoming(id)).rejects.toMatchObject({ code: 'VM_NOT_FOUND' });
      });

      it('live-migrates a running VM: the destination holds new vResources and runs it, the source is paused for good', async () => {
        const [a, b] = fx.hosts;
        const source = await running(a, 'live');
        const id = source.vmId;
        const { prepared, sent, arrived, progress } = await migrate(a, b, id, 'live');

        expect(prepared).toMatchObject({ vmId: id, host: b.name, state: 'INCOMING' });
        const fresh = ids(prepared.allocations);
        expect(fresh.filter((x) => ids(source.allocations).includes(x))).toEqual([]);

        expect(sent.ok).toBe(true);
        expect(sent.rounds).toBeGreaterThanOrEqual(1);
        expect(sent.bytesTransferred).toBeGreaterThan(0);
        expect(sent.pausedAtNs).not.toBeNull();
        const pausedAtNs = BigInt(sent.pausedAtNs ?? '0');
        expect(BigInt(sent.startedAtNs)).toBeLessThanOrEqual(pausedAtNs);
        expect(pausedAtNs).toBeLessThanOrEqual(BigInt(sent.completedAtNs));
        for (const p of progress) {
          expect(p.transferredBytes).toBeGreaterThanOrEqual(0);
          expect(p.remainingBytes).toBeLessThanOrEqual(p.totalBytes);
        }

        expect(arrived).toMatchObject({ vmId: id, ok: true });
        expect(arrived.resumedAtNs).not.toBeNull();
        expect(BigInt(arrived.resumedAtNs ?? '0')).toBeGreaterThanOrEqual(pausedAtNs);
        if (sent.memoryDigest !== null && arrived.memoryDigest !== null)
          expect(arrived.memoryDigest).toBe(sent.memoryDigest);

        expect(await b.getVm(id)).toMatchObject({ host: b.name, state: 'RUNNING' });
        expect(ids((await b.inventory())[id] ?? [])).toEqual(fresh);
        expect((await a.getVm(id))?.state).toBe('PAUSED');
        // Its memory went to the destination: running it here too would split the VNF in two.
        await expect(a.startVm(id)).rejects.toMatchObject({ code: 'INVALID_STATE' });

        // The VIM releases the source once the destination runs.
        await a.destroyVm(id);
        expect((await a.inventory())[id]).toBeUndefined();
        expect(ids((await b.inventory())[id] ?? [])).toEqual(fresh);
        // Nothing was sent to it: no forwarded datagram after the pause.
        if (!opts.forwardCounterCountsOwnFrames)
          expect(await b.firstForwardAfter(id, String(pausedAtNs), 50)).toBeNull();
        expect((await b.stopVm(id)).state).toBe('STOPPED');
      });

      it('migrates a stopped VM offline: it arrives stopped, with nothing resumed', async () => {
        const [a, b] = fx.hosts;
        const id = (await running(a, 'offline')).vmId;
        await a.stopVm(id);
        const { sent, arrived } = await migrate(a, b, id, 'offline');
        expect(sent.ok).toBe(true);
        expect(arrived).toMatchObject({ vmId: id, ok: true, resumedAtNs: null });
        expect((await b.getVm(id))?.state).toBe('STOPPED');
        await a.destroyVm(id);
        expect((await b.startVm(id)).state).toBe('RUNNING');
      });

      it('refuses to live-migrate a VM that is not running (INVALID_STATE); the source keeps it as it was', async () => {
        const [a, b] = fx.hosts;
        const id = vmId('not-running');
        const vm = await a.createVm(fx.spec(id));
        const { migrationEndpoint } = await b.prepareIncoming(fx.spec(id));
        await expect(
          a.migrateOut(id, { ...params, dest: migrationEndpoint, mode: 'live' }),
        ).rejects.toMatchObject({ code: 'INVALID_STATE' });
        expect(await a.getVm(id)).toMatchObject({ state: 'CREATED' });
        expect(ids((await a.inventory())[id] ?? [])).toEqual(ids(vm.allocations));
        await b.destroyVm(id);
        expect((await b.inventory())[id]).toBeUndefined();
      });

      it('cancels a running migration: the source keeps running and holding its vResources, a later migration succeeds', async (ctx) => {
        const slow = fx.slowNextMigration?.bind(fx);
        if (slow === undefined) return ctx.skip();
        const [a, b] = fx.hosts;
        const source = await running(a, 'cancel');
        const id = source.vmId;
        const over = slow();
        const { migrationEndpoint } = await b.prepareIncoming(fx.spec(id));
        const incoming = b.waitIncoming(id);
        const progress: MigrationProgress[] = [];
        const outgoing = a.migrateOut(
          id,
          { ...params, ...over, dest: migrationEndpoint, mode: 'live' },
          (p) => progress.push(p),
        );
        // Under way once the source says so (the call may take a while to reach a loaded host).
        const deadline = Date.now() + 5_000;
        while ((await a.getVm(id))?.state !== 'MIGRATING_OUT' && Date.now() < deadline) await sleep(10);
        expect((await a.getVm(id))?.state).toBe('MIGRATING_OUT');
        await a.cancelMigration(id);
        const sent = await within(outgoing, 10_000, 'cancelled migrateOut');
        expect(sent.ok).toBe(false);
        expect(sent.reason).toMatch(/cancel/i);
        expect((await a.getVm(id))?.state).toBe('RUNNING');
        expect(ids((await a.inventory())[id] ?? [])).toEqual(ids(source.allocations));
        // The destination does not claim a VM that never arrived.
        expect((await within(incoming, incomingMs, 'incoming after cancel')).ok).toBe(false);
        await b.destroyVm(id);
        expect((await b.inventory())[id]).toBeUndefined();

        const again = await migrate(a, b, id, 'live');
        expect(again.sent.ok).toBe(true);
        expect(again.arrived.ok).toBe(true);
      });

      it('forwards what reaches its data endpoint and tells when it first forwarded', async (ctx) => {
        const sendTo = fx.sendTo?.bind(fx);
        if (sendTo === undefined) return ctx.skip();
        const [a] = fx.hosts;
        const vm = await running(a, 'forward');
        expect(vm.dataEndpoint).not.toBeNull();
        const beforeNs = monoNs();
        await sendTo(vm, 20);
        const deadline = Date.now() + 5_000;
        let counters = vm.counters;
        while (counters.forwarded < 20 && Date.now() < deadline) {
          await sleep(10);
          counters = (await a.getVm(vm.vmId))?.counters ?? counters;
        }
        expect(counters.received).toBe(20);
        expect(counters.forwarded).toBe(20);
        const first = await a.firstForwardAfter(vm.vmId, String(beforeNs), 1_000);
        expect(first).not.toBeNull();
        expect(BigInt(first ?? '0')).toBeGreaterThan(beforeNs);
        expect(BigInt(first ?? '0')).toBeLessThanOrEqual(monoNs());
      });

      // Last: the hosts are gone afterwards.
      it('shuts down, freeing every VM; a second shutdown is harmless', async () => {
        const [a, b] = fx.hosts;
        await running(a, 'at-shutdown');
        created = [];
        for (const host of [a, b]) {
          await host.shutdown();
          await host.shutdown();
          // Either it no longer answers or it holds nothing.
          const left = await host.inventory().then(
            (inv) => Object.keys(inv),
            () => [],
          );
          expect(left).toEqual([]);
        }
      });
    },
  );
}
