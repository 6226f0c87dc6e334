/**
 * Test fixture: a fake Kubernetes API server (HTTPS on 127.0.0.1, the
 * checked-in test CA, bearer token) serving what a KubeVirt cluster serves
 * the migrator: VMIs, VMIMs and virt-launcher pods. VMIs are built from
 * KubeVirt's own round-trip fixture (`VirtualMachineInstance.roundtrip.json`,
 * kubevirt/api apitesting/testdata/HEAD), so field names and nesting are
 * KubeVirt's; a created VMIM advances through KubeVirt's phases on timers,
 * filling `status.migrationState` and moving the virt-launcher pods as
 * virt-controller / virt-handler do:
 *
 *   Pending -> Scheduling (target pod created) -> Scheduled (pod Running)
 *   -> PreparingTarget (migrationState: nodes, pods, uid, mode)
 *   -> TargetReady -> Running (startTimestamp) -> Succeeded (completed,
 *   endTimestamp, targetNodeDomainReadyTimestamp, VMI nodeName = target,
 *   source pod Succeeded) | Failed
 *   (completed + failed + failureReason, target pod Failed).
 *
 * Deleting an unfinished VMIM aborts it (abortRequested, abortStatus
 * Succeeded, failed; target pod removed) and the VMIM disappears one step
 * later (its finalizer). Admission refuses a VMIM for a missing or not
 * live-migratable VMI and a second in-flight one, as KubeVirt's webhook
 * does. Load from tests only.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = (file: string): string => fileURLToPath(new URL(file, import.meta.url));
/** The test CA shared with the nova driver's tests. */
const NOVA_TESTDATA = '../openstack/';
const CA_FILE = here(`${NOVA_TESTDATA}ca.crt`);
const KEY_FILE = here(`${NOVA_TESTDATA}server.key`);
const CERT_FILE = here(`${NOVA_TESTDATA}server.crt`);
const ROUNDTRIP_FILE = here('./VirtualMachineInstance.roundtrip.json');

type Obj = Record<string, unknown>;

export interface VmiSpec {
  readonly name: string;
  readonly node: string;
  /** true, or the reason and message of LiveMigratable=False. */
  readonly liveMigratable: true | { reason: string; message: string };
  /** Default 'LiveMigration'. */
  readonly migrationMethod?: 'LiveMigration' | 'BlockMigration';
  /** Owning VirtualMachine, if any. */
  readonly ownerVm?: string;
}

export interface NextMigration {
  /** Stay in Running this long (ms) before finishing; Infinity: until finish(). */
  holdRunningMs?: number;
  /** End Failed with this failureReason. */
  failWith?: string;
}

export interface FakeKubeApi {
  readonly server: string;
  readonly namespace: string;
  readonly nodes: readonly string[];
  /** A kubeconfig file for this server (removed on close). */
  readonly kubeconfigPath: string;
  /** Bearer token the server accepts. */
  readonly token: string;
  /** Every request: method and path (with query). */
  readonly requests: { method: string; path: string; body: unknown }[];
  /** Applies to the next VMIM created. */
  next: NextMigration;
  /** Between two phases, ms (default 5). */
  stepMs: number;
  addVmi(spec: VmiSpec): void;
  vmi(name: string): Obj | undefined;
  vmim(name: string): Obj | undefined;
  /** End a VMIM held in Running now. */
  finish(vmimName: string): void;
  /** virt-launcher pods of a VMI that are not finished (what it holds on nodes). */
  launcherPods(vmiName: string): string[];
  /** Hold every request without answering (an API server that hangs). */
  stall: boolean;
  /** Drop `addedNodeSelector` from created VMIMs, as a CRD schema without the field prunes it. */
  pruneAddedNodeSelector: boolean;
  close(): Promise<void>;
}

const nowTime = (): string => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
const randSuffix = (): string => randomUUID().replaceAll('-', '').slice(0, 5);

function status(code: number, reason: string, message: string): Obj {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
}

export async function startFakeKubeApi(
  opts: { namespace?: string; nodes?: readonly string[] } = {},
): Promise<FakeKubeApi> {
  const namespace = opts.namespace ?? 'vnf';
  const nodes = opts.nodes ?? ['node-a', 'node-b', 'node-c'];
  const token = `fake-${randomUUID()}`;
  const roundtrip = JSON.parse(readFileSync(ROUNDTRIP_FILE, 'utf8')) as Obj;
  const vmis = new Map<string, Obj>();
  const vmims = new Map<string, Obj>();
  const pods = new Map<string, Obj>();
  const timers = new Map<string, NodeJS.Timeout>();
  /** VMIMs held in Running until finish(). */
  const held = new Map<string, () => void>();
  const requests: { method: string; path: string; body: unknown }[] = [];

  const st = (o: Obj): Obj => o.status as Obj;
  const meta = (o: Obj): Obj => o.metadata as Obj;
  const migrationState = (vmi: Obj): Obj | undefined => st(vmi).migrationState as Obj | undefined;

  function makePod(vmi: Obj, node: string, phase: string): string {
    const vmiName = meta(vmi).name as string;
    const name = `virt-launcher-${vmiName}-${randSuffix()}`;
    pods.set(name, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name,
        namespace,
        uid: randomUUID(),
        labels: {
          'kubevirt.io': 'virt-launcher',
          'kubevirt.io/created-by': meta(vmi).uid,
          'vm.kubevirt.io/name': vmiName,
        },
      },
      spec: { nodeName: node, containers: [{ name: 'compute', image: 'virt-launcher' }] },
      status: { phase },
    });
    return name;
  }

  function activePods(vmiName: string): Obj {
    const out: Obj = {};
    for (const p of pods.values()) {
      const m = meta(p);
      if (
        (m.labels as Obj)['vm.kubevirt.io/name'] === vmiName &&
        st(p).phase !== 'Succeeded' &&
        st(p).phase !== 'Failed'
      )
        out[m.uid as string] = (p.spec as Obj).nodeName;
    }
    return out;
  }

  function addVmi(spec: VmiSpec): void {
    // The round-trip object, every placeholder replaced by a value of this lab.
    const vmi = structuredClone(roundtrip);
    const uid = randomUUID();
    vmi.metadata = {
      ...(roundtrip.metadata as Obj),
      name: spec.name,
      namespace,
      uid,
      generateName: undefined,
      deletionTimestamp: undefined,
      deletionGracePeriodSeconds: undefined,
      ownerReferences:
        spec.ownerVm === undefined
          ? []
          : [{ apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachine', name: spec.ownerVm, uid: randomUUID() }],
    };
    const s = st(vmi);
    s.phase = 'Running';
    s.nodeName = spec.node;
    s.reason = '';
    s.migrationMethod = spec.migrationMethod ?? 'LiveMigration';
    const condition = (s.conditions as Obj[])[0] ?? {};
    s.conditions = [
      { ...condition, type: 'Ready', status: 'True', reason: '', message: '' },
      spec.liveMigratable === true
        ? { ...condition, type: 'LiveMigratable', status: 'True', reason: '', message: '' }
        : { ...condition, type: 'LiveMigratable', status: 'False', ...spec.liveMigratable },
    ];
    // A VMI that never migrated has no migrationState.
    delete s.migrationState;
    vmis.set(spec.name, vmi);
    makePod(vmi, spec.node, 'Running');
    s.activePods = activePods(spec.name);
  }

  const setPhase = (vmim: Obj, phase: string): void => {
    const s = st(vmim);
    s.phase = phase;
    (s.phaseTransitionTimestamps as Obj[]).push({ phase, phaseTransitionTimestamp: nowTime() });
  };

  function advance(name: string, step: number, next: NextMigration): void {
    const vmim = vmims.get(name);
    if (vmim === undefined) return;
    const vmiName = (vmim.spec as Obj).vmiName as string;
    const vmi = vmis.get(vmiName);
    if (vmi === undefined) return;
    const s = st(vmim);
    const source = st(vmi).nodeName as string;
    const selector = (vmim.spec as Obj).addedNodeSelector as Obj | undefined;
    const target =
      (selector?.['kubernetes.io/hostname'] as string | undefined) ??
      nodes.find((n) => n !== source) ??
      source;
    let delay = api.stepMs;
    switch (step) {
      case 0:
        setPhase(vmim, 'Scheduling');
        s.targetPod = makePod(vmi, target, 'Pending');
        break;
      case 1:
        setPhase(vmim, 'Scheduled');
        st(pods.get(s.targetPod as string) ?? { status: {} }).phase = 'Running';
        break;
      case 2: {
        setPhase(vmim, 'PreparingTarget');
        const sourcePod = [...pods.values()].find(
          (p) =>
            (p.spec as Obj).nodeName === source &&
            (meta(p).labels as Obj)['vm.kubevirt.io/name'] === vmiName &&
            st(p).phase === 'Running',
        );
        st(vmi).migrationState = {
          migrationUid: meta(vmim).uid,
          sourceNode: source,
          targetNode: target,
          sourcePod: sourcePod === undefined ? '' : meta(sourcePod).name,
          targetPod: s.targetPod,
          targetNodeAddress: '10.0.0.2',
          mode: 'PreCopy',
        };
        st(vmi).activePods = activePods(vmiName);
        break;
      }
      case 3:
        setPhase(vmim, 'TargetReady');
        break;
      case 4:
        setPhase(vmim, 'Running');
        (migrationState(vmi) ?? {}).startTimestamp = nowTime();
        delay = next.holdRunningMs ?? api.stepMs;
        break;
      default: {
        const ms = migrationState(vmi) ?? {};
        ms.endTimestamp = nowTime();
        ms.completed = true;
        const targetPod = pods.get(s.targetPod as string);
        if (next.failWith !== undefined) {
          ms.failed = true;
          ms.failureReason = next.failWith;
          if (targetPod !== undefined) st(targetPod).phase = 'Failed';
          setPhase(vmim, 'Failed');
        } else {
          // virt-handler on the target saw the domain active before the source ended the migration.
          ms.targetNodeDomainReadyTimestamp = ms.endTimestamp;
          ms.targetNodeDomainDetected = true;
          const sourcePod = pods.get(ms.sourcePod as string);
          if (sourcePod !== undefined) st(sourcePod).phase = 'Succeeded';
          st(vmi).nodeName = ms.targetNode;
          setPhase(vmim, 'Succeeded');
        }
        st(vmi).activePods = activePods(vmiName);
        timers.delete(name);
        return;
      }
    }
    if (delay === Infinity) {
      held.set(name, () => advance(name, step + 1, next));
      return;
    }
    timers.set(
      name,
      setTimeout(() => advance(name, step + 1, next), delay),
    );
  }

  function createVmim(body: Obj): { code: number; body: Obj } {
    const spec = body.spec as Obj | undefined;
    const vmiName = spec?.vmiName;
    const m = (body.metadata ?? {}) as Obj;
    if (typeof vmiName !== 'string')
      return { code: 422, body: status(422, 'Invalid', 'spec.vmiName: Required value') };
    const vmi = vmis.get(vmiName);
    // KubeVirt's migration-create admitter (virt-api).
    const deny = (message: string): { code: number; body: Obj } => ({
      code: 400,
      body: status(
        400,
        'BadRequest',
        `admission webhook "migration-create-validator.kubevirt.io" denied the request: ${message}`,
      ),
    });
    if (vmi === undefined) return deny(`the VMI "${vmiName}" does not exist`);
    const live = (st(vmi).conditions as Obj[]).find((c) => c.type === 'LiveMigratable');
    if (live?.status !== 'True')
      return deny(`Cannot migrate VMI, Reason: ${String(live?.reason)}, Message: ${String(live?.message)}`);
    const inflight = [...vmims.values()].find(
      (x) => (x.spec as Obj).vmiName === vmiName && st(x).phase !== 'Succeeded' && st(x).phase !== 'Failed',
    );
    if (inflight !== undefined)
      return deny(
        `in-flight migration detected. Active migration job (${String(meta(inflight).uid)}) is currently already in progress for VMI ${vmiName}.`,
      );
    const name =
      typeof m.name === 'string'
        ? m.name
        : `${typeof m.generateName === 'string' ? m.generateName : 'vmim-'}${randSuffix()}`;
    if (vmims.has(name))
      return {
        code: 409,
        body: status(
          409,
          'AlreadyExists',
          `virtualmachineinstancemigrations.kubevirt.io "${name}" already exists`,
        ),
      };
    const specOut: Obj = { ...spec };
    if (api.pruneAddedNodeSelector) delete specOut.addedNodeSelector;
    const vmim: Obj = {
      apiVersion: 'kubevirt.io/v1',
      kind: 'VirtualMachineInstanceMigration',
      metadata: {
        ...m,
        name,
        namespace,
        uid: randomUUID(),
        creationTimestamp: nowTime(),
        finalizers: ['kubevirt.io/migrationJobFinalize'],
        labels: { ...((m.labels as Obj | undefined) ?? {}), 'kubevirt.io/vmi-name': vmiName },
      },
      spec: specOut,
      status: {
        phase: 'Pending',
        phaseTransitionTimestamps: [{ phase: 'Pending', phaseTransitionTimestamp: nowTime() }],
      },
    };
    vmims.set(name, vmim);
    const next = api.next;
    api.next = {};
    timers.set(
      name,
      setTimeout(() => advance(name, 0, next), api.stepMs),
    );
    return { code: 201, body: vmim };
  }

  function deleteVmim(name: string): { code: number; body: Obj } {
    const vmim = vmims.get(name);
    if (vmim === undefined)
      return {
        code: 404,
        body: status(404, 'NotFound', `virtualmachineinstancemigrations.kubevirt.io "${name}" not found`),
      };
    const phase = st(vmim).phase;
    if (phase === 'Succeeded' || phase === 'Failed') {
      vmims.delete(name);
      return { code: 200, body: vmim };
    }
    clearTimeout(timers.get(name));
    held.delete(name);
    meta(vmim).deletionTimestamp = nowTime();
    const vmi = vmis.get((vmim.spec as Obj).vmiName as string);
    const targetPod = st(vmim).targetPod as string | undefined;
    if (targetPod !== undefined) pods.delete(targetPod);
    if (vmi !== undefined) {
      const ms = migrationState(vmi);
      if (ms !== undefined && ms.migrationUid === meta(vmim).uid) {
        ms.abortRequested = true;
        ms.abortStatus = 'Succeeded';
        ms.failed = true;
        ms.completed = true;
        ms.endTimestamp = nowTime();
      }
      st(vmi).activePods = activePods((vmim.spec as Obj).vmiName as string);
    }
    // The finalizer goes once virt-controller has seen the abort through.
    timers.set(
      name,
      setTimeout(() => {
        vmims.delete(name);
        timers.delete(name);
      }, api.stepMs),
    );
    return { code: 200, body: vmim };
  }

  function route(method: string, path: string, body: unknown): { code: number; body: Obj } {
    const url = new URL(path, 'https://x');
    const kv =
      /^\/apis\/kubevirt\.io\/v1\/namespaces\/([^/]+)\/(virtualmachineinstances|virtualmachineinstancemigrations)(?:\/([^/]+))?$/.exec(
        url.pathname,
      );
    const pod = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)$/.exec(url.pathname);
    const notFound = (what: string, name: string): { code: number; body: Obj } => ({
      code: 404,
      body: status(404, 'NotFound', `${what} "${name}" not found`),
    });
    if (pod !== null && method === 'GET') {
      const p = pod[1] === namespace ? pods.get(pod[2] ?? '') : undefined;
      return p === undefined ? notFound('pods', pod[2] ?? '') : { code: 200, body: p };
    }
    if (kv === null)
      return { code: 404, body: status(404, 'NotFound', 'the server could not find the requested resource') };
    const [, ns, plural, name] = kv;
    const inNs = ns === namespace;
    if (plural === 'virtualmachineinstances' && method === 'GET' && name !== undefined) {
      const vmi = inNs ? vmis.get(name) : undefined;
      return vmi === undefined
        ? notFound('virtualmachineinstances.kubevirt.io', name)
        : { code: 200, body: vmi };
    }
    if (plural === 'virtualmachineinstancemigrations') {
      if (method === 'GET' && name === undefined)
        return {
          code: 200,
          body: {
            apiVersion: 'kubevirt.io/v1',
            kind: 'VirtualMachineInstanceMigrationList',
            metadata: {},
            items: inNs ? [...vmims.values()] : [],
          },
        };
      if (method === 'GET' && name !== undefined) {
        const vmim = inNs ? vmims.get(name) : undefined;
        return vmim === undefined
          ? notFound('virtualmachineinstancemigrations.kubevirt.io', name)
          : { code: 200, body: vmim };
      }
      if (method === 'POST' && name === undefined && inNs) return createVmim(body as Obj);
      if (method === 'DELETE' && name !== undefined && inNs) return deleteVmim(name);
    }
    return { code: 405, body: status(405, 'MethodNotAllowed', `${method} ${url.pathname} is not supported`) };
  }

  const send = (res: ServerResponse, code: number, body: Obj): void => {
    // VMIM bookkeeping kept on the object (targetPod) is not part of the API shape.
    const out =
      body.kind === 'VirtualMachineInstanceMigration'
        ? strip(body)
        : body.kind === 'VirtualMachineInstanceMigrationList'
          ? { ...body, items: (body.items as Obj[]).map(strip) }
          : body;
    res.writeHead(code, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(out));
  };
  const strip = (vmim: Obj): Obj => {
    const { targetPod: _targetPod, ...rest } = st(vmim);
    return { ...vmim, status: rest };
  };

  const server = createServer(
    { key: readFileSync(KEY_FILE), cert: readFileSync(CERT_FILE) },
    (req: IncomingMessage, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const body: unknown = text === '' ? undefined : JSON.parse(text);
        const method = req.method ?? 'GET';
        const path = req.url ?? '/';
        requests.push({ method, path, body });
        if (api.stall) return;
        if (req.headers.authorization !== `Bearer ${token}`)
          return send(res, 401, status(401, 'Unauthorized', 'Unauthorized'));
        const out = route(method, path, body);
        send(res, out.code, out.body);
      });
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const dir = mkdtempSync(join(tmpdir(), 'vnflab-kubeconfig-'));
  const kubeconfigPath = join(dir, 'config');
  const ca = readFileSync(CA_FILE).toString('base64');
  writeFileSync(
    kubeconfigPath,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      '- name: fake',
      '  cluster:',
      `    server: ${url}`,
      `    certificate-authority-data: ${ca}`,
      '- name: elsewhere',
      '  cluster:',
      '    server: https://127.0.0.1:1',
      'users:',
      '- name: vnflab',
      '  user:',
      `    token: ${token}`,
      'contexts:',
      '- name: fake',
      '  context:',
      '    cluster: fake',
      '    user: vnflab',
      `    namespace: ${namespace}`,
      '- name: elsewhere',
      '  context:',
      '    cluster: elsewhere',
      '    user: vnflab',
      'current-context: elsewhere',
      '',
    ].join('\n'),
  );

  const api: FakeKubeApi = {
    server: url,
    namespace,
    nodes,
    kubeconfigPath,
    token,
    requests,
    next: {},
    stepMs: 5,
    pruneAddedNodeSelector: false,
    stall: false,
    addVmi,
    vmi: (name) => vmis.get(name),
    vmim: (name) => vmims.get(name),
    finish: (name) => {
      const go = held.get(name);
      held.delete(name);
      go?.();
    },
    launcherPods: (vmiName) =>
      [...pods.values()]
        .filter(
          (p) => (meta(p).labels as Obj)['vm.kubevirt.io/name'] === vmiName && st(p).phase === 'Running',
        )
        .map((p) => meta(p).name as string)
        .sort(),
    close: async () => {
      for (const t of timers.values()) clearTimeout(t);
      timers.clear();
      rmSync(dir, { recursive: true, force: true });
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return api;
}
