/**
 * The lab VNFM's LCM operations, run against the lab VIM after the 202
 * (SOL003 §5.4.4.3.1: the operation runs asynchronously, its progress is
 * the VnfLcmOpOcc). Each occurrence goes STARTING -> PROCESSING ->
 * COMPLETED, or FAILED_TEMP with a ProblemDetails `error`; a FAILED_TEMP
 * occurrence blocks the instance until it is rolled back or failed
 * (SOL003 §5.4.14 / §5.4.16, as Tacker does).
 */
import { randomUUID } from 'node:crypto';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { LcmOperationType, VimConnectionInfo } from '../../protocols/sol003/sol003-types.js';
import type { VnfBootConfig } from '../hypervisor/hypervisor.js';
import type { Vim } from '../vim/vim.js';
import { isoNow, monoMs } from '../../util/clock.js';
import { type LabVnfd, swImageIds } from '../../protocols/sol003/vnflab-vnfd.js';
import {
  enterState,
  type LcmOpOccRecord,
  type LcmRecords,
  OPEN_STATES,
  type VnfcRecord,
  type VnfInstanceRecord,
} from './lcm-records.js';
import { problemDetails, ProblemError } from './problem.js';
import type {
  InstantiateVnfRequestBody,
  LabInstantiationParams,
  OperateVnfRequestBody,
  TerminateVnfRequestBody,
  VnfInfoModificationRequestBody,
} from './requests.js';
import { LcmOpFailure, toProblem, VimSteps } from './vim-steps.js';

/** IETF RFC 7396 JSON Merge Patch of an object: null removes a key, objects merge recursively. */
export function mergePatch(
  target: Record<string, unknown>,
  patch: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...target };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else if (typeof value === 'object' && !Array.isArray(value)) {
      const current = out[key];
      out[key] = mergePatch(
        typeof current === 'object' && current !== null && !Array.isArray(current)
          ? (current as Record<string, unknown>)
          : {},
        value as Record<string, unknown>,
      );
    } else out[key] = value;
  }
  return out;
}

/** Where a VNF forwards when instantiation names no egress: the discard port (RFC 863). */
export const DISCARD_EGRESS = { host: '127.0.0.1', port: 9 } as const;

export interface LcmEngineOptions {
  readonly vim: Vim;
  readonly records: LcmRecords;
  readonly vnfds: ReadonlyMap<string, LabVnfd>;
  /** Key of the VIM in vimConnectionInfo when the request names none. */
  readonly vimConnectionId: string;
  readonly defaultDirtyPagesPerSec: number;
  /**
   * Where the instance's VNF asks for its own migration (trigger type `vnf`),
   * handed to the VNF in its boot config; absent: the VNF cannot ask.
   */
  readonly vnfMigrateUrl?: (vnfInstanceId: string) => string;
  /** How long to wait for a server to reach the wanted status after a VIM call. */
  readonly serverWaitTimeoutMs: number;
  /** Called whenever an occurrence enters a state (STARTING included): the notifier's hook. */
  readonly onOpState?: (op: LcmOpOccRecord) => void;
  /** An injected fault (lab.faults `vnfm.OP=failed_temp|failed`): the occurrence ends so instead of running. */
  readonly occurrenceFault?: (
    operation: LcmOpOccRecord['operation'],
  ) => { readonly state: 'FAILED_TEMP' | 'FAILED'; readonly spec: string } | null;
}

/** Work of one operation, run (and, on retry, run again) with the operation's own VIM steps. */
type OpBody = (steps: VimSteps) => Promise<void>;

export class LcmEngine {
  private readonly running = new Set<Promise<void>>();
  /** Aborted by stop(): operations waiting on a server status give up. */
  private readonly stopping = new AbortController();
  /** What each occurrence runs, kept so that retry can run it again (SOL003 §5.4.14). */
  private readonly bodies = new Map<string, OpBody>();

  constructor(private readonly opts: LcmEngineOptions) {}

  /** POST .../instantiate accepted: create the VNFCs' servers (SHUTOFF). */
  instantiate(
    inst: VnfInstanceRecord,
    body: InstantiateVnfRequestBody,
    lab: LabInstantiationParams,
  ): LcmOpOccRecord {
    if (inst.instantiationState !== 'NOT_INSTANTIATED') {
      throw new ProblemError(409, `VNF instance ${inst.id} is already INSTANTIATED`);
    }
    const op = this.begin(inst, 'INSTANTIATE', body);
    this.run(inst, op, async (steps) => {
      // A retry starts over: release what the failed attempt created.
      await this.releaseCreatedServers(op, steps);
      await this.doInstantiate(inst, op, body, lab, steps);
    });
    return op;
  }

  /** POST .../operate accepted: start or stop every VNFC's server. */
  operate(inst: VnfInstanceRecord, body: OperateVnfRequestBody): LcmOpOccRecord {
    this.requireInstantiated(inst, 'operate');
    const op = this.begin(inst, 'OPERATE', body);
    this.run(inst, op, (steps) => this.doOperate(inst, body, steps));
    return op;
  }

  /** POST .../terminate accepted: (stop and) delete every VNFC's server. */
  terminate(inst: VnfInstanceRecord, body: TerminateVnfRequestBody): LcmOpOccRecord {
    this.requireInstantiated(inst, 'terminate');
    const op = this.begin(inst, 'TERMINATE', body);
    this.run(inst, op, (steps) => this.doTerminate(inst, op, body, steps));
    return op;
  }

  /**
   * PATCH .../vnf_instances/{id} accepted (SOL003 §5.4.3.3.4): a MODIFY_INFO
   * occurrence applies the changes. metadata, extensions and
   * vnfConfigurableProperties are JSON Merge Patches (IETF RFC 7396), as is
   * vimConnectionInfo (a null entry removes that VIM connection).
   */
  modifyInfo(inst: VnfInstanceRecord, body: VnfInfoModificationRequestBody): LcmOpOccRecord {
    const op = this.begin(inst, 'MODIFY_INFO', body);
    this.run(inst, op, () => {
      const changed: Record<string, unknown> = {};
      if (body.vnfInstanceName !== undefined) {
        inst.vnfInstanceName = body.vnfInstanceName;
        changed.vnfInstanceName = body.vnfInstanceName;
      }
      if (body.vnfInstanceDescription !== undefined) {
        inst.vnfInstanceDescription = body.vnfInstanceDescription;
        changed.vnfInstanceDescription = body.vnfInstanceDescription;
      }
      if (body.metadata !== undefined) {
        inst.metadata = mergePatch(inst.metadata, body.metadata);
        changed.metadata = body.metadata;
      }
      if (body.vimConnectionInfo !== undefined) {
        const next: Record<string, VimConnectionInfo> = { ...inst.vimConnectionInfo };
        for (const [key, value] of Object.entries(body.vimConnectionInfo)) {
          if (value === null) delete next[key];
          else next[key] = value;
        }
        inst.vimConnectionInfo = next;
        changed.vimConnectionInfo = body.vimConnectionInfo;
      }
      op.changedInfo = changed;
      return Promise.resolve();
    });
    return op;
  }

  /** POST .../retry (SOL003 §5.4.14): run a FAILED_TEMP occurrence's work again. */
  retry(op: LcmOpOccRecord): void {
    this.requireFailedTemp(op, 'retry');
    const inst = this.opts.records.instances.get(op.vnfInstanceId);
    const body = this.bodies.get(op.id);
    if (!inst || !body) throw new ProblemError(409, `LCM operation ${op.id} cannot be retried any more`);
    op.error = null;
    op.abort = new AbortController();
    this.execute(inst, op, body);
  }

  /**
   * POST .../cancel (SOL003 §5.4.17): only while STARTING, PROCESSING or
   * ROLLING_BACK (409 otherwise). The running step gives up at its next VIM
   * call or status wait; the occurrence then goes to FAILED_TEMP, from where
   * it can be retried, rolled back or failed. The lab's steps have nothing
   * to finish gracefully, so GRACEFUL and FORCEFUL behave alike.
   */
  cancel(op: LcmOpOccRecord, mode: 'GRACEFUL' | 'FORCEFUL'): void {
    if (!['STARTING', 'PROCESSING', 'ROLLING_BACK'].includes(op.operationState)) {
      throw new ProblemError(
        409,
        `cannot cancel LCM operation ${op.id}: it is ${op.operationState}, not STARTING, PROCESSING or ROLLING_BACK`,
      );
    }
    if (op.isCancelPending) throw new ProblemError(409, `LCM operation ${op.id} is already being cancelled`);
    op.isCancelPending = true;
    op.cancelMode = mode;
    op.abort.abort(new LcmOpFailure(409, `LCM operation ${op.id} was cancelled (${mode})`));
  }

  /** POST .../rollback (SOL003 §5.4.15): undo a FAILED_TEMP instantiation. */
  rollback(op: LcmOpOccRecord): void {
    this.requireFailedTemp(op, 'rollback');
    if (op.operation !== 'INSTANTIATE') {
      throw new ProblemError(409, `the lab VNFM rolls back INSTANTIATE only, not ${op.operation}; use fail`);
    }
    const inst = this.opts.records.instances.get(op.vnfInstanceId);
    op.abort = new AbortController();
    this.enter(op, 'ROLLING_BACK');
    const task = (async () => {
      await nextTurn();
      try {
        await this.releaseCreatedServers(op, this.stepsFor(op));
        if (inst) inst.openOpId = null;
        // SOL003 §5.5.2.13: error stays, explaining why the operation was rolled back.
        this.bodies.delete(op.id);
        this.enter(op, 'ROLLED_BACK');
      } catch (err) {
        op.error = toProblem(err, 'rollback');
        op.isCancelPending = false;
        this.enter(op, 'FAILED_TEMP');
      }
    })();
    this.track(task);
  }

  /**
   * POST .../fail (SOL003 §5.4.16): close a FAILED_TEMP occurrence as FAILED.
   * Unlike a real VNFM, the lab also releases servers a failed
   * instantiation created, so a failed run does not leak lab capacity.
   */
  async fail(op: LcmOpOccRecord): Promise<void> {
    this.requireFailedTemp(op, 'fail');
    try {
      await this.releaseCreatedServers(op, this.stepsFor(op));
    } catch {
      // Best effort: FAILED means "resources may remain".
    }
    this.bodies.delete(op.id);
    const inst = this.opts.records.instances.get(op.vnfInstanceId);
    if (inst?.openOpId === op.id) inst.openOpId = null;
    this.enter(op, 'FAILED');
  }

  /**
   * Stop waiting: operations polling the VIM for a server status fail
   * (FAILED_TEMP, "VNFM shutting down"); VIM calls in flight still finish.
   * Resolves when no operation runs any more.
   */
  async stop(): Promise<void> {
    this.stopping.abort(new LcmOpFailure(503, 'the lab VNFM is shutting down'));
    await this.drain();
  }

  /** Resolves when no operation is running any more. */
  async drain(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  private begin(inst: VnfInstanceRecord, operation: LcmOperationType, params: object): LcmOpOccRecord {
    const open = inst.openOpId === null ? undefined : this.opts.records.opOccs.get(inst.openOpId);
    if (open && OPEN_STATES.has(open.operationState)) {
      const hint = open.operationState === 'FAILED_TEMP' ? ' (roll it back or fail it first)' : '';
      throw new ProblemError(
        409,
        `VNF instance ${inst.id} has LCM operation ${open.id} (${open.operation}) in state ${open.operationState}${hint}`,
      );
    }
    const now = isoNow();
    const op: LcmOpOccRecord = {
      id: randomUUID(),
      vnfInstanceId: inst.id,
      operation,
      startTime: now,
      stateEnteredTime: now,
      operationState: 'STARTING',
      operationParams: params as Record<string, unknown>,
      error: null,
      affectedVnfcs: [],
      createdServerIds: [],
      isCancelPending: false,
      abort: new AbortController(),
    };
    this.opts.records.addOpOcc(op);
    inst.openOpId = op.id;
    this.opts.onOpState?.(op);
    return op;
  }

  private run(inst: VnfInstanceRecord, op: LcmOpOccRecord, body: OpBody): void {
    this.bodies.set(op.id, body);
    this.execute(inst, op, body);
  }

  private execute(inst: VnfInstanceRecord, op: LcmOpOccRecord, body: OpBody): void {
    const task = (async () => {
      // The 202 goes out first; the client may see STARTING.
      await nextTurn();
      this.enter(op, 'PROCESSING');
      const fault = this.opts.occurrenceFault?.(op.operation) ?? null;
      if (fault !== null) {
        op.error = problemDetails(500, `lab fault ${fault.spec}: the ${op.operation} operation failed`);
        // FAILED is final (SOL003 §5.6.2.2): the instance is free again; FAILED_TEMP keeps it until rollback or fail.
        if (fault.state === 'FAILED') {
          inst.openOpId = null;
          this.bodies.delete(op.id);
        }
        this.enter(op, fault.state);
        return;
      }
      try {
        await body(this.stepsFor(op));
        if (op.abort.signal.aborted) throw op.abort.signal.reason;
        inst.openOpId = null;
        this.bodies.delete(op.id);
        this.enter(op, 'COMPLETED');
      } catch (err) {
        op.error = toProblem(err, op.operation.toLowerCase());
        op.isCancelPending = false;
        this.enter(op, 'FAILED_TEMP');
      }
    })();
    this.track(task);
  }

  /** VIM steps that give up when the VNFM stops or the occurrence is cancelled. */
  private stepsFor(op: LcmOpOccRecord): VimSteps {
    return new VimSteps(
      this.opts.vim,
      this.opts.serverWaitTimeoutMs,
      AbortSignal.any([this.stopping.signal, op.abort.signal]),
    );
  }

  private enter(op: LcmOpOccRecord, state: LcmOpOccRecord['operationState']): void {
    enterState(op, state);
    this.opts.onOpState?.(op);
  }

  private track(task: Promise<void>): void {
    this.running.add(task);
    void task.finally(() => this.running.delete(task));
  }

  private requireInstantiated(inst: VnfInstanceRecord, what: string): void {
    if (inst.instantiationState !== 'INSTANTIATED') {
      throw new ProblemError(409, `cannot ${what} VNF instance ${inst.id}: it is NOT_INSTANTIATED`);
    }
  }

  private requireFailedTemp(op: LcmOpOccRecord, what: string): void {
    if (op.operationState !== 'FAILED_TEMP') {
      throw new ProblemError(
        409,
        `cannot ${what} LCM operation ${op.id}: it is ${op.operationState}, not FAILED_TEMP`,
      );
    }
  }

  private async doInstantiate(
    inst: VnfInstanceRecord,
    op: LcmOpOccRecord,
    body: InstantiateVnfRequestBody,
    lab: LabInstantiationParams,
    steps: VimSteps,
  ): Promise<void> {
    const vnfd = this.opts.vnfds.get(inst.vnfdId);
    if (!vnfd) throw new LcmOpFailure(422, `VNFD '${inst.vnfdId}' is not known to the lab VNFM`);
    if (body.flavourId !== vnfd.flavourId) {
      throw new LcmOpFailure(
        422,
        `flavourId '${body.flavourId}' is not a deployment flavour of VNFD '${vnfd.vnfdId}' (it declares '${vnfd.flavourId}')`,
      );
    }
    if (lab.swImageId !== undefined && !swImageIds(vnfd).includes(lab.swImageId)) {
      throw new LcmOpFailure(
        422,
        `swImageId '${lab.swImageId}' is not a software image of VNFD '${vnfd.vnfdId}' (swImageDesc: ${swImageIds(vnfd).join(', ')})`,
      );
    }
    const boot: VnfBootConfig = {
      egress: lab.egress ?? DISCARD_EGRESS,
      dirtyPagesPerSec: lab.dirtyPagesPerSec ?? this.opts.defaultDirtyPagesPerSec,
      ...(lab.bytesDirtiedPerPacket !== undefined
        ? { bytesDirtiedPerPacket: lab.bytesDirtiedPerPacket }
        : {}),
      ...(lab.license !== undefined ? { license: lab.license } : {}),
      ...(lab.vnfConfig !== undefined ? { config: lab.vnfConfig } : {}),
      ...(this.opts.vnfMigrateUrl ? { vnfmMigrateUrl: this.opts.vnfMigrateUrl(inst.id) } : {}),
    };
    const vnfcs: VnfcRecord[] = [];
    for (const vdu of vnfd.vdus) {
      const vnfcId = randomUUID();
      const server = await steps.call(`vim.createServer for VDU '${vdu.vduId}'`, () =>
        this.opts.vim.createServer({
          name: `${inst.vnfInstanceName ?? inst.id}-${vdu.vduId}`,
          imageId: vdu.swImageDesc.id,
          flavor: {
            vCpu: vdu.vCpu,
            memoryMiB: lab.memoryMiB ?? vdu.memoryMiB,
            storageGiB: vdu.storageGiB,
            nics: vdu.nics,
            specializedNics: vdu.specializedNics,
          },
          vnf: boot,
          liveMigratable: vdu.migration === 'LIVE',
          ...(lab.computeHost !== undefined ? { host: lab.computeHost } : {}),
          metadata: { vnfInstanceId: inst.id, vnfcId, vduId: vdu.vduId },
        }),
      );
      op.createdServerIds.push(server.id);
      await steps.waitForStatus(server, 'SHUTOFF');
      vnfcs.push({ id: vnfcId, vduId: vdu.vduId, serverId: server.id });
    }
    // Cancelled meanwhile: the servers stay in createdServerIds for rollback / fail.
    steps.checkpoint();
    inst.vimConnectionInfo = body.vimConnectionInfo ?? {
      [this.opts.vimConnectionId]: { vimId: 'vnflab', vimType: 'vnflab.lab.vim' },
    };
    inst.vnfcs = vnfcs;
    inst.flavourId = body.flavourId;
    inst.vnfState = 'STOPPED';
    inst.instantiationState = 'INSTANTIATED';
    op.affectedVnfcs = vnfcs.map((vnfc) => ({
      id: vnfc.id,
      vduId: vnfc.vduId,
      changeType: 'ADDED',
      computeResource: this.computeResource(inst, vnfc),
    }));
    // The instance owns the servers now; a later rollback must not delete them.
    op.createdServerIds = [];
  }

  private async doOperate(
    inst: VnfInstanceRecord,
    body: OperateVnfRequestBody,
    steps: VimSteps,
  ): Promise<void> {
    const starting = body.changeStateTo === 'STARTED';
    for (const vnfc of inst.vnfcs) {
      const server = await steps.requireServer(vnfc.serverId, vnfc.id);
      if (server.status === (starting ? 'ACTIVE' : 'SHUTOFF')) continue;
      // The lab's VNF has no shutdown hook: a GRACEFUL stop is a stop (gracefulStopTimeout unused).
      const after = starting
        ? await steps.call(`vim.startServer ${server.id}`, () => this.opts.vim.startServer(server.id))
        : await steps.call(`vim.stopServer ${server.id}`, () => this.opts.vim.stopServer(server.id));
      await steps.waitForStatus(after, starting ? 'ACTIVE' : 'SHUTOFF');
    }
    steps.checkpoint();
    inst.vnfState = body.changeStateTo;
  }

  private async doTerminate(
    inst: VnfInstanceRecord,
    op: LcmOpOccRecord,
    body: TerminateVnfRequestBody,
    steps: VimSteps,
  ): Promise<void> {
    if (body.terminationType === 'GRACEFUL') {
      // SOL003 §5.5.2.8: GRACEFUL takes the VNF out of service first; after
      // gracefulTerminationTimeout the VNFM proceeds forcefully.
      const deadlineMs = monoMs() + (body.gracefulTerminationTimeout ?? 60) * 1000;
      for (const vnfc of inst.vnfcs) {
        const server = await this.opts.vim.getServer(vnfc.serverId);
        if (server?.status !== 'ACTIVE') continue;
        try {
          const stopped = await this.opts.vim.stopServer(server.id);
          await steps.waitForStatus(stopped, 'SHUTOFF', Math.max(0, deadlineMs - monoMs()));
        } catch {
          // Graceful stop failed or timed out: delete it anyway (forceful).
        }
      }
    }
    for (const vnfc of [...inst.vnfcs]) {
      await steps.call(`vim.deleteServer ${vnfc.serverId}`, () => this.opts.vim.deleteServer(vnfc.serverId));
      inst.vnfcs = inst.vnfcs.filter((v) => v.id !== vnfc.id);
      op.affectedVnfcs.push({
        id: vnfc.id,
        vduId: vnfc.vduId,
        changeType: 'REMOVED',
        computeResource: this.computeResource(inst, vnfc),
      });
    }
    inst.instantiationState = 'NOT_INSTANTIATED';
    inst.flavourId = null;
    inst.vnfState = null;
  }

  private computeResource(inst: VnfInstanceRecord, vnfc: VnfcRecord) {
    return {
      vimConnectionId: Object.keys(inst.vimConnectionInfo)[0] ?? this.opts.vimConnectionId,
      resourceId: vnfc.serverId,
      vimLevelResourceType: 'OS::Nova::Server',
    };
  }

  private async releaseCreatedServers(op: LcmOpOccRecord, steps: VimSteps): Promise<void> {
    while (op.createdServerIds.length > 0) {
      const id = op.createdServerIds[op.createdServerIds.length - 1] ?? '';
      await steps.call(`vim.deleteServer ${id}`, () => this.opts.vim.deleteServer(id));
      op.createdServerIds.pop();
    }
  }
}
