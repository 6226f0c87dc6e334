import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMigratorContract } from '../../../test/contracts/migrator.contract.js';
import type { MigrationHandle, MigrationStatus, MigrationSubject } from '../../ports/migrator.js';
import { sleep } from '../../util/clock.js';
import { KubevirtMigrator } from './kubevirt-migrator.js';
import { decodeHandleId } from './migration-handle.js';
import {
  startFakeKubeApi,
  type FakeKubeApi,
  type VmiSpec,
} from '../../../test/fakes/kubevirt/fake-kube-api.js';

const notLive = { reason: 'DisksNotLiveMigratable', message: 'cannot migrate VMI: PVC disk0 is not shared' };

/** A fake cluster and a migrator speaking to it through the kubeconfig's 'fake' context. */
async function startCluster() {
  const kube = await startFakeKubeApi();
  const migrator = new KubevirtMigrator({ kubeconfig: kube.kubeconfigPath, context: 'fake' });
  const subject = (...specs: Partial<VmiSpec>[]): MigrationSubject => {
    const ids = specs.map((s) => {
      const name = `vnfc-${randomUUID().slice(0, 8)}`;
      kube.addVmi({ name, node: kube.nodes[0] ?? '', liveMigratable: true, ...s });
      return name;
    });
    return { vnfInstanceId: randomUUID(), computeResourceIds: ids };
  };
  const close = async (): Promise<void> => {
    await migrator.close();
    await kube.close();
  };
  return { kube, migrator, subject, close };
}

async function settle(migrator: KubevirtMigrator, handle: MigrationHandle): Promise<MigrationStatus> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const status = await migrator.validateMigrationSuccess(handle);
    if (status.state !== 'IN_PROGRESS' || Date.now() > deadline) return status;
    await sleep(10);
  }
}

runMigratorContract({
  name: 'KubevirtMigrator -> client-node -> fake Kubernetes API replaying KubeVirt shapes',
  offline: false,
  // From migrationState's timestamps and the VMIM's phase transitions; no downtime, bytes, rounds.
  reportedFigures: ['totalTimeMs', 'setupTimeMs'],
  // The migration record's and instance action's / the VMIM's and migration state's timestamps.
  vimEvents: true,
  async setup() {
    const c = await startCluster();
    return {
      migrator: c.migrator,
      createLiveSubject: () => Promise.resolve(c.subject({})),
      createNonLiveSubject: () => Promise.resolve(c.subject({ liveMigratable: notLive })),
      allocationIds: (s) => Promise.resolve(s.computeResourceIds.flatMap((vmi) => c.kube.launcherPods(vmi))),
      slowNextMigration: (ms) => {
        c.kube.next = { holdRunningMs: ms };
      },
      failNextMigration: (reason) => {
        c.kube.next = { failWith: reason };
      },
      close: c.close,
    };
  },
});

describe('KubevirtMigrator on the fake cluster', () => {
  let c: Awaited<ReturnType<typeof startCluster>>;
  beforeAll(async () => {
    c = await startCluster();
  });
  afterAll(() => c.close());

  it('creates a kubevirt.io/v1 VMIM for the VMI, named per attempt, annotated with the VNF instance', async () => {
    const subject = c.subject({});
    const handle = await c.migrator.triggerMigration(subject, 'vMemory');
    const post = c.kube.requests.find((r) => r.method === 'POST');
    expect(post?.path).toBe('/apis/kubevirt.io/v1/namespaces/vnf/virtualmachineinstancemigrations');
    expect(post?.body).toMatchObject({
      apiVersion: 'kubevirt.io/v1',
      kind: 'VirtualMachineInstanceMigration',
      metadata: {
        generateName: `vnflab-${subject.computeResourceIds[0]}-`,
        annotations: { 'vnflab.io/vnf-instance-id': subject.vnfInstanceId },
      },
      spec: { vmiName: subject.computeResourceIds[0] },
    });
    const [leg] = decodeHandleId(handle.id);
    expect(leg?.vmimName.startsWith(`vnflab-${subject.computeResourceIds[0]}-`)).toBe(true);
    expect(leg?.vmimUid).toBe((c.kube.vmim(leg?.vmimName ?? '')?.metadata as { uid: string }).uid);
    expect(await settle(c.migrator, handle)).toEqual({ state: 'COMPLETED' });
  });

  it('reports the migrationState: nodes, whole-second total time, phases; no downtime', async () => {
    const subject = c.subject({ migrationMethod: 'BlockMigration' });
    const handle = await c.migrator.triggerMigration(subject, 'vStorage');
    expect(await settle(c.migrator, handle)).toEqual({ state: 'COMPLETED' });
    const report = await c.migrator.getMigrationReport(handle);
    expect(report).toMatchObject({
      type: 'LIVE',
      fromHost: 'node-a',
      toHost: 'node-b',
      downtimeMs: null,
      bytesTransferred: null,
      rounds: null,
    });
    expect(report.totalTimeMs !== null && report.totalTimeMs % 1000).toBe(0);
    const leg = (report.details?.legs as Record<string, unknown>[])[0];
    expect(leg).toMatchObject({ phase: 'Succeeded', migrationMethod: 'BlockMigration' });
    expect((leg?.phaseTransitionTimestamps as { phase: string }[]).map((t) => t.phase)).toEqual([
      'Pending',
      'Scheduling',
      'Scheduled',
      'PreparingTarget',
      'TargetReady',
      'Running',
      'Succeeded',
    ]);
    expect(leg?.migrationState).toMatchObject({ completed: true, mode: 'PreCopy', sourceNode: 'node-a' });
  });

  it("reports the VMIM's phase transitions and the migration state's timestamps as VIM events", async () => {
    const handle = await c.migrator.triggerMigration(c.subject({}), 'vMemory');
    expect(await settle(c.migrator, handle)).toEqual({ state: 'COMPLETED' });
    const vim = (await c.migrator.getMigrationReport(handle)).vimEvents!;
    const marks = Object.fromEntries(vim.events.map((e) => [e.name, e.marks]));
    expect(marks).toMatchObject({
      'phaseTransitionTimestamps Pending': 'moveStart',
      'phaseTransitionTimestamps Running': 'moveStart',
      'phaseTransitionTimestamps Succeeded': 'moveEnd',
      'migrationState.startTimestamp': 'moveStart',
      'migrationState.targetNodeDomainReadyTimestamp': 'switchOverEnded',
      'migrationState.endTimestamp': 'moveEnd',
    });
    expect(vim.events.every((e) => e.resolutionMs === 1_000 && e.precisionMs === 2_001)).toBe(true);
    // The fake stamps on this host's clock: converted, each lies at most a second (truncation) before now.
    for (const e of vim.events) {
      expect(e.atMs).toBeLessThanOrEqual(vim.clock.monoMs + 1);
      expect(e.atMs).toBeGreaterThan(vim.clock.monoMs - 10_000);
    }
    expect(vim.notOffered).toEqual([]);
  });

  it('sees the phases in between as IN_PROGRESS, and refuses the report until it ends', async () => {
    c.kube.stepMs = 40;
    c.kube.next = { holdRunningMs: Infinity };
    try {
      const handle = await c.migrator.triggerMigration(c.subject({}), 'vMemory');
      const vmimName = decodeHandleId(handle.id)[0]?.vmimName ?? '';
      const phaseNow = (): string =>
        (c.kube.vmim(vmimName)?.status as { phase: string } | undefined)?.phase ?? 'gone';
      const phases = new Set<string>();
      while (phaseNow() !== 'Running') {
        const phase = phaseNow();
        expect(await c.migrator.validateMigrationSuccess(handle)).toEqual({ state: 'IN_PROGRESS' });
        phases.add(phase);
        await sleep(5);
      }
      expect(await c.migrator.validateMigrationSuccess(handle)).toEqual({ state: 'IN_PROGRESS' });
      await expect(c.migrator.getMigrationReport(handle)).rejects.toMatchObject({
        code: 'KUBEVIRT_MIGRATION_IN_PROGRESS',
      });
      c.kube.finish(vmimName);
      expect(await c.migrator.validateMigrationSuccess(handle)).toEqual({ state: 'COMPLETED' });
      // Which short phases a poll lands in depends on the load; all of them come before Running.
      expect(
        [...phases].every((p) =>
          ['Pending', 'Scheduling', 'Scheduled', 'PreparingTarget', 'TargetReady'].includes(p),
        ),
      ).toBe(true);
    } finally {
      c.kube.stepMs = 5;
    }
  });

  it('migrates several VMIs with one VMIM each; FAILED when one of them fails', async () => {
    const subject = c.subject({}, {});
    const handle = await c.migrator.triggerMigration(subject, 'vCPU');
    expect(decodeHandleId(handle.id).map((l) => l.vmiName)).toEqual(subject.computeResourceIds);
    expect(await settle(c.migrator, handle)).toEqual({ state: 'COMPLETED' });

    c.kube.next = { failWith: 'target node out of memory' };
    const again = await c.migrator.triggerMigration(subject, 'vCPU');
    const status = await settle(c.migrator, again);
    expect(status).toEqual({
      state: 'FAILED',
      reason: expect.stringContaining('target node out of memory') as string,
    });
  });

  it('a target host goes into addedNodeSelector as kubernetes.io/hostname', async () => {
    const subject = c.subject({});
    const handle = await c.migrator.triggerMigration(subject, 'vMemory', { targetHost: 'node-c' });
    expect(c.kube.requests.filter((r) => r.method === 'POST').at(-1)?.body).toMatchObject({
      spec: { addedNodeSelector: { 'kubernetes.io/hostname': 'node-c' } },
    });
    expect(await settle(c.migrator, handle)).toEqual({ state: 'COMPLETED' });
    expect((await c.migrator.getMigrationReport(handle)).toHost).toBe('node-c');
  });

  it('refuses a target host when the cluster prunes addedNodeSelector, and leaves no VMIM behind', async () => {
    c.kube.pruneAddedNodeSelector = true;
    // The fake controller must not act on the VMIM before the driver deletes it: at its 5 ms default
    // step a loaded machine let it start the migration first (a race the old blanket retry hid).
    c.kube.stepMs = 200;
    try {
      const subject = c.subject({});
      await expect(
        c.migrator.triggerMigration(subject, 'vMemory', { targetHost: 'node-c' }),
      ).rejects.toMatchObject({ code: 'KUBEVIRT_TARGET_NODE_UNSUPPORTED' });
      const vmi = subject.computeResourceIds[0];
      const deleted = c.kube.requests.filter((r) => r.method === 'DELETE').at(-1);
      expect(deleted?.path).toMatch(new RegExp(`/virtualmachineinstancemigrations/vnflab-${vmi}-`));
      await sleep(30);
      expect(c.kube.vmi(vmi ?? '')?.status).not.toHaveProperty('migrationState');
    } finally {
      c.kube.pruneAddedNodeSelector = false;
      c.kube.stepMs = 5;
    }
  });

  it('deleting the VMIM before it starts is a cancellation, reported from the node the VMI stayed on', async () => {
    c.kube.stepMs = 200;
    try {
      const subject = c.subject({});
      const handle = await c.migrator.triggerMigration(subject, 'vMemory');
      await c.migrator.abortMigration(handle);
      const status = await settle(c.migrator, handle);
      expect(status.state).toBe('FAILED');
      expect(status.state === 'FAILED' && status.reason).toMatch(/cancelled.*before the migration started/);
      expect((await c.migrator.getMigrationReport(handle)).fromHost).toBe('node-a');
    } finally {
      c.kube.stepMs = 5;
    }
  });

  it('GetMigrationType: the LiveMigratable reason, the owning VM, and a VMI that is not Running', async () => {
    const subject = c.subject({ liveMigratable: notLive, ownerVm: 'my-vm' });
    const decision = await c.migrator.getMigrationType(subject);
    expect(decision.type).toBe('NONE');
    expect(decision.reason).toContain('DisksNotLiveMigratable: cannot migrate VMI: PVC disk0 is not shared');
    expect(decision.reason).toContain('VirtualMachine my-vm');
    await expect(c.migrator.triggerMigration(subject, 'vMemory')).rejects.toMatchObject({
      code: 'KUBEVIRT_NOT_MIGRATABLE',
    });
    expect(
      c.kube.requests.some(
        (r) => r.method === 'POST' && JSON.stringify(r.body).includes(subject.computeResourceIds[0] ?? '?'),
      ),
    ).toBe(false);

    const live = c.subject({});
    (c.kube.vmi(live.computeResourceIds[0] ?? '') as { status: { phase: string } }).status.phase =
      'Scheduling';
    expect(await c.migrator.getMigrationType(live)).toEqual({
      type: 'NONE',
      reason: expect.stringContaining('is Scheduling') as string,
    });
  });

  it('mixed subject: NONE with the reason of the VMI that is not live-migratable', async () => {
    const subject = c.subject({}, { liveMigratable: notLive });
    const decision = await c.migrator.getMigrationType(subject);
    expect(decision.type).toBe('NONE');
    expect(decision.reason).toContain(subject.computeResourceIds[1]);
    expect(decision.reason).not.toContain(`${subject.computeResourceIds[0]}:`);
  });

  it('findAllocatedVResources: VMI names and running virt-launcher pods, bare or namespace/name', async () => {
    const subject = c.subject({});
    const [vmi] = subject.computeResourceIds;
    const [pod] = c.kube.launcherPods(vmi ?? '');
    expect(
      await c.migrator.findAllocatedVResources([vmi ?? '', `vnf/${pod}`, 'no-such-thing', `other/${vmi}`]),
    ).toEqual([vmi, `vnf/${pod}`]);
  });

  it('a handle whose VMI is gone is FAILED; a foreign handle id is KUBEVIRT_BAD_HANDLE', async () => {
    const bad = new KubevirtMigrator({
      kubeconfig: c.kube.kubeconfigPath,
      context: 'fake',
      namespace: 'vnf',
    });
    const handle: MigrationHandle = {
      id: 'vnf/x/y/z',
      subject: { vnfInstanceId: 'v', computeResourceIds: ['x'] },
      vResourceType: 'vMemory',
      type: 'LIVE_MIGRATION',
    };
    expect(await bad.validateMigrationSuccess(handle)).toEqual({
      state: 'FAILED',
      reason: 'migration y of VMI vnf/x: the VMI was deleted',
    });
    await expect(bad.validateMigrationSuccess({ ...handle, id: 'garbage' })).rejects.toMatchObject({
      code: 'KUBEVIRT_BAD_HANDLE',
    });
  });

  it("reads the move's progress as the VMIM's phases, in KubeVirt's order", async () => {
    const subject = c.subject({});
    c.kube.next = { holdRunningMs: 300 };
    const handle = await c.migrator.triggerMigration(subject, 'vMemory');
    const phases: string[] = [];
    for (;;) {
      const p = await c.migrator.readMigrationProgress(handle);
      if (p?.phase !== undefined && phases.at(-1) !== p.phase) phases.push(p.phase);
      if ((await c.migrator.validateMigrationSuccess(handle)).state !== 'IN_PROGRESS') break;
      await sleep(5);
    }
    const order = [
      'Pending',
      'Scheduling',
      'Scheduled',
      'PreparingTarget',
      'TargetReady',
      'Running',
      'Succeeded',
    ];
    const bare = phases.map((p) => p.replace(/ \(.*\)$/, ''));
    expect(bare).toContain('Running');
    expect(bare).toEqual([...bare].sort((a, b) => order.indexOf(a) - order.indexOf(b)));
    expect(bare.every((p) => order.includes(p))).toBe(true);
  });
});

describe('KubevirtMigrator configuration', () => {
  let kube: FakeKubeApi;
  beforeAll(async () => {
    kube = await startFakeKubeApi({ namespace: 'tenant-1' });
  });
  afterAll(() => kube.close());

  it("takes the context's namespace unless one is configured", () => {
    expect(new KubevirtMigrator({ kubeconfig: kube.kubeconfigPath, context: 'fake' }).namespace).toBe(
      'tenant-1',
    );
    expect(
      new KubevirtMigrator({ kubeconfig: kube.kubeconfigPath, context: 'fake', namespace: 'other' })
        .namespace,
    ).toBe('other');
    // The current context ('elsewhere') has no namespace.
    const m = new KubevirtMigrator({ kubeconfig: kube.kubeconfigPath });
    expect(m.namespace).toBe('default');
    expect(m.server).toBe('https://127.0.0.1:1');
  });

  it('KUBEVIRT_CONFIG_INVALID for a missing file or context', () => {
    expect(() => new KubevirtMigrator({ kubeconfig: '/nonexistent/kubeconfig' })).toThrow(
      expect.objectContaining({ code: 'KUBEVIRT_CONFIG_INVALID' }) as Error,
    );
    expect(() => new KubevirtMigrator({ kubeconfig: kube.kubeconfigPath, context: 'nope' })).toThrow(
      /no context nope \(has: fake, elsewhere\)/,
    );
  });

  it('an unreachable API server is KUBEVIRT_API_ERROR, not a hang or a NONE', async () => {
    const m = new KubevirtMigrator({ kubeconfig: kube.kubeconfigPath, context: 'elsewhere' });
    await expect(m.getMigrationType({ vnfInstanceId: 'v', computeResourceIds: ['x'] })).rejects.toMatchObject(
      { code: 'KUBEVIRT_API_ERROR' },
    );
  });

  it('an API server that stops answering fails the call at the request deadline', async () => {
    const m = new KubevirtMigrator({
      kubeconfig: kube.kubeconfigPath,
      context: 'fake',
      requestTimeoutMs: 150,
    });
    kube.stall = true;
    try {
      const failure = m.findAllocatedVResources(['x']);
      await expect(failure).rejects.toMatchObject({ code: 'KUBEVIRT_API_ERROR' });
      await expect(failure).rejects.toThrow(/no answer within 150 ms/);
    } finally {
      kube.stall = false;
    }
  });

  it('a wrong token is KUBEVIRT_API_ERROR 401 with the API message', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vnflab-kc-'));
    try {
      const path = join(dir, 'config');
      writeFileSync(path, readFileSync(kube.kubeconfigPath, 'utf8').replace(kube.token, 'wrong'));
      const m = new KubevirtMigrator({ kubeconfig: path, context: 'fake' });
      const failure = m.findAllocatedVResources(['x']);
      await expect(failure).rejects.toMatchObject({ code: 'KUBEVIRT_API_ERROR', status: 401 });
      await expect(failure).rejects.toThrow(/HTTP 401: Unauthorized/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
