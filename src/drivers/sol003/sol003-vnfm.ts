/**
 * The Vnfm port over ETSI GS NFV-SOL 003 VNF LCM API 2.0.0 (Tacker's v2
 * API, and the embedded lab's VNFM). Task operations return once the VNFM
 * accepted them (202 + Location), with the occurrence read once; callers
 * poll it with getLcmOperation or wait with {@link Sol003Vnfm.awaitLcmOperation},
 * which follows the VNFM's notifications when a callback address is
 * configured (SOL003 §5.4.18 subscription, §5.4.20 notification endpoint)
 * and polls with backoff otherwise.
 */
import type {
  InstantiateRequest,
  LcmOperation,
  VResource,
  VnfDataPlane,
  Vnfm,
  VnfRecord,
  VnfStateReport,
  VnfdResources,
} from '../../ports/vnfm.js';
import { COMPUTE_METADATA_KEY } from '../../protocols/sol003/vnflab-metadata.js';
import { labVnfdSchema } from '../../protocols/sol003/vnflab-vnfd.js';
import { sleep } from '../../util/clock.js';
import type { Sol003Auth } from './auth.js';
import { Sol003Error } from './errors.js';
import { type RetryPolicy, Sol003HttpClient, type TlsOptions } from './http-client.js';
import { NotificationListener } from './notification-listener.js';
import { OpOccTracker } from './op-tracker.js';
import { newestOf, toDataPlane, toLcmOperation, toVResources, toVnfStateReport } from './mapping.js';
import { buildInstantiateRequest, buildOperateRequest, buildTerminateRequest } from './requests.js';
import { asVnfInstance, asVnfLcmOpOcc } from './responses.js';
import {
  type LcmOperationStateType,
  SOL003_LCM_API_VERSION,
  type VimConnectionInfo,
  type VnfInstance,
  type VnfLcmOpOcc,
} from '../../protocols/sol003/sol003-types.js';
import { labVnfdResources, readVnfdFile, VnfdFileError } from './vnfd-resources.js';

export interface Sol003VnfmConfig {
  /** `{apiRoot}/vnflcm/v2` */
  readonly baseUrl: string;
  /** Sent in the Version header. Default 2.0.0. */
  readonly apiVersion?: string;
  /** Per request. Default 30 000 ms. */
  readonly requestTimeoutMs?: number;
  readonly auth?: Sol003Auth;
  /**
   * VNFD resource file (lab VNFD JSON/YAML or SOL001 TOSCA YAML) for
   * getVnfdVResourceList; without it the driver asks the lab VNFM's
   * `{apiRoot}/vnflab/v1/vnfds/{vnfdId}`.
   */
  readonly vnfdFile?: string;
  /** GET retries on connection errors and 5xx. Default 4 attempts, 100 ms doubling to 2 s. */
  readonly retry?: Partial<RetryPolicy>;
  /**
   * When terminate or delete is refused (409) because an occurrence of the
   * instance is FAILED_TEMP, roll it back (INSTANTIATE) or fail it (others),
   * then ask again - so cleanup works after a failed operation, as
   * SOL003 requires such occurrences to be resolved first. Default true.
   */
  readonly resolveFailedOperations?: boolean;
  /** How long to wait for a rollback to finish. Default 60 000 ms. */
  readonly rollbackTimeoutMs?: number;
  /** TLS to the VNFM: verification is on unless `verify: false`; `caFile` trusts a private CA. */
  readonly tls?: TlsOptions;
  /**
   * Track occurrences by notification: the driver listens at `callbackUrl`
   * (port 0 = any free port), subscribes to VnfLcmOperationOccurrenceNotification
   * with HTTP Basic credentials of its own, and unsubscribes on close.
   * Without it (or when the VNFM refuses the subscription) it polls.
   */
  readonly notifications?: {
    readonly callbackUrl: string;
    readonly listenHost?: string;
    readonly listenPort?: number;
  };
  /** Polling of awaitLcmOperation: first interval, growth factor, ceiling. Default 100 ms x1.5 up to 2000 ms. */
  readonly poll?: { readonly initialMs?: number; readonly factor?: number; readonly maxMs?: number };
  /**
   * When an awaited occurrence ends FAILED_TEMP, roll it back (SOL003 §5.4.15)
   * and report ROLLED_BACK with the original error. Default false: report
   * FAILED_TEMP and leave the decision (retry, rollback, fail) to the caller.
   */
  readonly rollbackOnFailedTemp?: boolean;
  /**
   * Sent in every InstantiateVnfRequest: the VIM(s) the VNFM deploys on, as
   * the v2 map keyed by vimConnectionId (Tacker's v2 API requires it unless
   * a default VIM is registered).
   */
  readonly vimConnectionInfo?: Readonly<Record<string, VimConnectionInfo>>;
  /**
   * A VNFM without the operate resource (Tacker's v2 API): 'noop-if-in-state'
   * (default) accepts start / stop when the VNF already is in that state (a
   * Tacker VNF runs once instantiated) and fails otherwise; 'error' always fails.
   */
  readonly operateUnsupported?: 'noop-if-in-state' | 'error';
}

/** How the driver learns that occurrences changed. */
export type TrackingMode = 'notification' | 'polling';

/** Id prefix of an operate the VNFM has no resource for but that had nothing to do. */
const NOOP_PREFIX = 'vnflab-noop:';

const FINAL_STATES: ReadonlySet<LcmOperationStateType> = new Set([
  'COMPLETED',
  'FAILED_TEMP',
  'FAILED',
  'ROLLED_BACK',
]);

export class Sol003Vnfm implements Vnfm {
  readonly name = 'sol003';
  private readonly http: Sol003HttpClient;
  private readonly baseUrl: string;
  private readonly apiRoot: string;
  private readonly vnfdCache = new Map<string, VnfdResources>();
  private tracking: Promise<void> | null = null;
  private listener: NotificationListener | null = null;
  private tracker: OpOccTracker | null = null;
  /** The subscription this driver created (deleted on close). */
  private subscriptionUrl: string | null = null;
  private closed = false;
  /** How occurrences are tracked now. */
  trackingMode: TrackingMode = 'polling';
  /** Why notification tracking is not in use although configured. */
  trackingProblem: string | null = null;

  constructor(private readonly config: Sol003VnfmConfig) {
    this.baseUrl = config.baseUrl.replace(/\/+$/, '');
    this.apiRoot = this.baseUrl.replace(/\/vnflcm\/v\d+$/, '');
    this.http = new Sol003HttpClient({
      apiVersion: config.apiVersion ?? SOL003_LCM_API_VERSION,
      requestTimeoutMs: config.requestTimeoutMs ?? 30_000,
      ...(config.auth !== undefined ? { auth: config.auth } : {}),
      ...(config.tls !== undefined ? { tls: config.tls } : {}),
      retry: { attempts: 4, baseDelayMs: 100, maxDelayMs: 2000, ...config.retry },
    });
  }

  /**
   * Start notification tracking now (it otherwise starts with the first task).
   * Never throws: a failure leaves the driver polling, with `trackingProblem` set.
   */
  startTracking(): Promise<void> {
    this.tracking ??= this.subscribe();
    return this.tracking;
  }

  /**
   * Wait until the occurrence reaches a final state (COMPLETED, FAILED_TEMP,
   * FAILED, ROLLED_BACK) and return it; SOL003_OPERATION_TIMEOUT after
   * `timeoutMs`. FAILED_TEMP is rolled back first when `rollbackOnFailedTemp`
   * is set (the result then is ROLLED_BACK, or FAILED_TEMP if the VNFM
   * refused, each with the operation's error).
   */
  async awaitLcmOperation(
    id: string,
    opts: { timeoutMs: number; signal?: AbortSignal },
  ): Promise<LcmOperation> {
    const op = await this.waitFinal(id, opts.timeoutMs, opts.signal);
    if (op.state !== 'FAILED_TEMP' || this.config.rollbackOnFailedTemp !== true) return op;
    const occUrl = `${this.baseUrl}/vnf_lcm_op_occs/${encodeURIComponent(id)}`;
    try {
      await this.http.request('POST', `${occUrl}/rollback`);
    } catch (err) {
      if (err instanceof Sol003Error && err.status === 409) {
        return { ...op, error: `${op.error ?? 'FAILED_TEMP'} (rollback refused: ${err.detail})` };
      }
      throw err;
    }
    const after = await this.waitFinal(id, this.config.rollbackTimeoutMs ?? 60_000, opts.signal);
    return { ...after, ...(op.error !== undefined ? { error: op.error } : {}) };
  }

  async createVnfRecord(req: {
    vnfdId: string;
    vnfInstanceName: string;
    description?: string;
  }): Promise<VnfRecord> {
    const url = `${this.baseUrl}/vnf_instances`;
    const answer = await this.http.request('POST', url, {
      vnfdId: req.vnfdId,
      vnfInstanceName: req.vnfInstanceName,
      ...(req.description !== undefined ? { vnfInstanceDescription: req.description } : {}),
    });
    const inst = asVnfInstance(answer.body, 'POST', url);
    return {
      vnfInstanceId: inst.id,
      vnfdId: inst.vnfdId,
      vnfInstanceName: inst.vnfInstanceName ?? req.vnfInstanceName,
    };
  }

  instantiate(vnf: VnfRecord, req: InstantiateRequest): Promise<LcmOperation> {
    const body = buildInstantiateRequest(req);
    return this.task(
      vnf,
      'instantiate',
      this.config.vimConnectionInfo !== undefined
        ? { ...body, vimConnectionInfo: this.config.vimConnectionInfo }
        : body,
    );
  }

  start(vnf: VnfRecord): Promise<LcmOperation> {
    return this.operate(vnf, 'STARTED');
  }

  stop(vnf: VnfRecord): Promise<LcmOperation> {
    return this.operate(vnf, 'STOPPED');
  }

  terminate(vnf: VnfRecord, opts: { gracefulTimeoutS?: number } = {}): Promise<LcmOperation> {
    return this.resolvingFailedOperations(vnf, () =>
      this.task(vnf, 'terminate', buildTerminateRequest(opts.gracefulTimeoutS)),
    );
  }

  async deleteVnfRecord(vnf: VnfRecord): Promise<void> {
    await this.resolvingFailedOperations(vnf, () =>
      this.http.request('DELETE', this.instanceUrl(vnf.vnfInstanceId)),
    );
  }

  async getLcmOperation(id: string): Promise<LcmOperation> {
    if (id.startsWith(NOOP_PREFIX)) return { id, operation: 'OPERATE', state: 'COMPLETED' };
    const url = `${this.baseUrl}/vnf_lcm_op_occs/${encodeURIComponent(id)}`;
    return this.asPortOperation(await this.getOpOcc(url), url);
  }

  async getVnfState(vnf: VnfRecord): Promise<VnfStateReport> {
    const inst = await this.getInstance(vnf);
    return toVnfStateReport(inst, newestOf(await this.opOccsOf(vnf.vnfInstanceId)));
  }

  async getVResourceList(vnf: VnfRecord): Promise<VResource[]> {
    const inst = await this.getInstance(vnf);
    const needsVnfd = (inst.instantiatedVnfInfo?.vnfcResourceInfo ?? []).some(
      (vnfc) => vnfc.metadata?.[COMPUTE_METADATA_KEY] === undefined,
    );
    const vnfd = needsVnfd ? await this.getVnfdVResourceList(inst.vnfdId).catch(() => null) : null;
    return toVResources(inst, vnfd);
  }

  async getVnfdVResourceList(vnfdId: string): Promise<VnfdResources> {
    const cached = this.vnfdCache.get(vnfdId);
    if (cached) return cached;
    const resources =
      this.config.vnfdFile !== undefined ? await this.vnfdFromFile(vnfdId) : await this.vnfdFromLab(vnfdId);
    this.vnfdCache.set(vnfdId, resources);
    return resources;
  }

  async getDataPlane(vnf: VnfRecord): Promise<VnfDataPlane | null> {
    return toDataPlane(await this.getInstance(vnf));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.tracking?.catch(() => undefined);
    if (this.subscriptionUrl !== null) {
      // Leave no subscription pointing at an endpoint that is going away.
      await this.http.request('DELETE', this.subscriptionUrl).catch(() => undefined);
    }
    this.tracker?.close();
    await this.listener?.close();
    this.http.close();
  }

  private async subscribe(): Promise<void> {
    const n = this.config.notifications;
    if (!n || this.closed) return;
    try {
      this.listener = await NotificationListener.start({
        callbackUrl: n.callbackUrl,
        ...(n.listenHost !== undefined ? { listenHost: n.listenHost } : {}),
        ...(n.listenPort !== undefined ? { listenPort: n.listenPort } : {}),
      });
      this.tracker = new OpOccTracker(this.listener);
      const url = `${this.baseUrl}/subscriptions`;
      const answer = await this.http.request('POST', url, {
        filter: { notificationTypes: ['VnfLcmOperationOccurrenceNotification'] },
        callbackUri: this.listener.callbackUri,
        authentication: {
          authType: ['BASIC'],
          paramsBasic: { userName: this.listener.username, password: this.listener.password },
        },
      });
      // 201: ours to delete on close. 303 would point at someone else's (same callback and filter).
      const location = answer.headers.get('location');
      if (answer.status === 201 && location)
        this.subscriptionUrl = new URL(location, `${this.baseUrl}/`).href;
      this.trackingMode = 'notification';
    } catch (err) {
      this.trackingMode = 'polling';
      this.trackingProblem = `notification tracking unavailable, polling instead: ${err instanceof Error ? err.message : String(err)}`;
      this.tracker?.close();
      this.tracker = null;
      await this.listener?.close();
      this.listener = null;
    }
  }

  private async waitFinal(id: string, timeoutMs: number, signal?: AbortSignal): Promise<LcmOperation> {
    const deadlineMs = Date.now() + timeoutMs;
    const poll = this.config.poll ?? {};
    let delayMs = poll.initialMs ?? 100;
    for (;;) {
      const op = await this.getLcmOperation(id);
      if (FINAL_STATES.has(op.state)) return op;
      const leftMs = deadlineMs - Date.now();
      if (leftMs <= 0) {
        throw new Sol003Error({
          code: 'SOL003_OPERATION_TIMEOUT',
          detail: `LCM operation ${id} still ${op.state} after ${timeoutMs} ms`,
          method: 'GET',
          url: `${this.baseUrl}/vnf_lcm_op_occs/${id}`,
        });
      }
      signal?.throwIfAborted();
      if (this.tracker) {
        // A notice wakes us at once; the slow poll covers a lost notification.
        await this.tracker.next(id, Math.min(leftMs, 5000), signal);
      } else {
        await sleep(Math.min(leftMs, delayMs), signal);
        delayMs = Math.min(poll.maxMs ?? 2000, delayMs * (poll.factor ?? 1.5));
      }
    }
  }

  /**
   * OperateVnfRequest, or - on a VNFM without the operate resource (404 /
   * 405 / 501 while the instance exists) - nothing to do when the VNF
   * already is in the wanted state (operateUnsupported 'noop-if-in-state').
   */
  private async operate(vnf: VnfRecord, state: 'STARTED' | 'STOPPED'): Promise<LcmOperation> {
    try {
      return await this.task(vnf, 'operate', buildOperateRequest(state));
    } catch (err) {
      if (!(err instanceof Sol003Error) || ![404, 405, 501].includes(err.status ?? 0)) throw err;
      const inst = await this.getInstance(vnf); // 404 here: the instance is what is missing
      const current = inst.instantiatedVnfInfo?.vnfState;
      if (this.config.operateUnsupported !== 'error' && current === state) {
        return {
          id: `${NOOP_PREFIX}${vnf.vnfInstanceId}:${state}`,
          operation: 'OPERATE',
          state: 'COMPLETED',
        };
      }
      throw new Sol003Error(
        {
          code: 'SOL003_UNSUPPORTED',
          status: err.status,
          detail: `the VNFM has no operate resource (${err.status}: ${err.detail}) and VNF ${vnf.vnfInstanceId} is ${current ?? inst.instantiationState}, not ${state}; Tacker's v2 API cannot start or stop a VNF`,
          method: 'POST',
          url: err.url,
        },
        { cause: err },
      );
    }
  }

  private instanceUrl(id: string): string {
    return `${this.baseUrl}/vnf_instances/${encodeURIComponent(id)}`;
  }

  private async getInstance(vnf: VnfRecord): Promise<VnfInstance> {
    const url = this.instanceUrl(vnf.vnfInstanceId);
    return asVnfInstance((await this.http.request('GET', url)).body, 'GET', url);
  }

  private async getOpOcc(url: string): Promise<VnfLcmOpOcc> {
    return asVnfLcmOpOcc((await this.http.request('GET', url)).body, 'GET', url);
  }

  /** The instance's occurrences, filtered by the VNFM (SOL013 §5.2) or, if it refuses the filter, here. */
  private async opOccsOf(vnfInstanceId: string): Promise<VnfLcmOpOcc[]> {
    const base = `${this.baseUrl}/vnf_lcm_op_occs`;
    const filtered = `${base}?filter=${encodeURIComponent(`(eq,vnfInstanceId,${vnfInstanceId})`)}`;
    const list = await this.http.list(filtered).catch((err: unknown) => {
      if (err instanceof Sol003Error && err.status === 400) return this.http.list(base);
      throw err;
    });
    return list
      .map((item) => asVnfLcmOpOcc(item, 'GET', base))
      .filter((occ) => occ.vnfInstanceId === vnfInstanceId);
  }

  /** POST a task resource; SOL003 answers 202 with the occurrence's URI in Location. */
  private async task(vnf: VnfRecord, taskName: string, body: object): Promise<LcmOperation> {
    // Subscribe before the first task, so its notifications are not missed.
    await this.startTracking();
    const url = `${this.instanceUrl(vnf.vnfInstanceId)}/${taskName}`;
    const answer = await this.http.request('POST', url, body);
    const location = answer.headers.get('location');
    if (answer.status !== 202 || !location) {
      throw new Sol003Error({
        code: 'SOL003_PROTOCOL',
        status: answer.status,
        detail: `expected 202 with a Location header, got ${answer.status}${location ? '' : ' without Location'}`,
        method: 'POST',
        url,
      });
    }
    const occUrl = new URL(location, `${this.baseUrl}/`).href;
    return this.asPortOperation(await this.getOpOcc(occUrl), occUrl);
  }

  private asPortOperation(occ: VnfLcmOpOcc, url: string): LcmOperation {
    const op = toLcmOperation(occ);
    if (op) return op;
    throw new Sol003Error({
      code: 'SOL003_PROTOCOL',
      detail: `operation ${occ.operation} of occurrence ${occ.id} is not one the Vnfm port models`,
      method: 'GET',
      url,
    });
  }

  private async resolvingFailedOperations<T>(vnf: VnfRecord, request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (err) {
      if (
        this.config.resolveFailedOperations === false ||
        !(err instanceof Sol003Error) ||
        err.status !== 409
      ) {
        throw err;
      }
      const stuck = (await this.opOccsOf(vnf.vnfInstanceId)).filter(
        (o) => o.operationState === 'FAILED_TEMP',
      );
      if (stuck.length === 0) throw err;
      for (const occ of stuck) await this.resolveFailedTemp(occ);
      return request();
    }
  }

  /** SOL003 §5.4.15 rollback (INSTANTIATE: releases what it created), else §5.4.16 fail. */
  private async resolveFailedTemp(occ: VnfLcmOpOcc): Promise<void> {
    const occUrl = `${this.baseUrl}/vnf_lcm_op_occs/${encodeURIComponent(occ.id)}`;
    if (occ.operation === 'INSTANTIATE') {
      try {
        await this.http.request('POST', `${occUrl}/rollback`);
        const deadlineMs = Date.now() + (this.config.rollbackTimeoutMs ?? 60_000);
        for (;;) {
          const now = await this.getOpOcc(occUrl);
          if (now.operationState === 'ROLLED_BACK' || now.operationState === 'FAILED') return;
          if (now.operationState === 'FAILED_TEMP' || Date.now() >= deadlineMs) break;
          await sleep(100);
        }
      } catch {
        // Rollback refused or failed: fall through to fail.
      }
    }
    await this.http.request('POST', `${occUrl}/fail`);
  }

  private async vnfdFromFile(vnfdId: string): Promise<VnfdResources> {
    const file = this.config.vnfdFile ?? '';
    try {
      return await readVnfdFile(file, vnfdId);
    } catch (err) {
      if (!(err instanceof VnfdFileError)) throw err;
      throw new Sol003Error(
        { code: 'SOL003_VNFD_UNAVAILABLE', detail: err.message, method: 'READ', url: file },
        { cause: err },
      );
    }
  }

  private async vnfdFromLab(vnfdId: string): Promise<VnfdResources> {
    const url = `${this.apiRoot}/vnflab/v1/vnfds/${encodeURIComponent(vnfdId)}`;
    let body: unknown;
    try {
      body = (await this.http.request('GET', url)).body;
    } catch (err) {
      if (!(err instanceof Sol003Error) || err.status === null || err.status >= 500) throw err;
      throw new Sol003Error(
        {
          code: 'SOL003_VNFD_UNAVAILABLE',
          status: err.status,
          detail: `VNFD ${vnfdId} cannot be read from ${url} (${err.detail}); a VNFM other than the lab needs 'vnfdFile'`,
          method: 'GET',
          url,
        },
        { cause: err },
      );
    }
    const parsed = labVnfdSchema.safeParse(body);
    if (!parsed.success) {
      throw new Sol003Error({
        code: 'SOL003_PROTOCOL',
        detail: `malformed lab VNFD: ${parsed.error.message}`,
        method: 'GET',
        url,
      });
    }
    return labVnfdResources(parsed.data);
  }
}
