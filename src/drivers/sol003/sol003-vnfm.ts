/**
 * The Vnfm port over ETSI GS NFV-SOL 003 VNF LCM API 2.0.0 (Tacker's v2
 * API, and the embedded lab's VNFM). Task operations return once the VNFM
 * accepted them (202 + Location), with the occurrence read once; callers
 * poll it.
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
import { COMPUTE_METADATA_KEY } from '../../lab/vnfm/lab-metadata.js';
import { labVnfdSchema } from '../../lab/vnfm/lab-vnfd.js';
import { sleep } from '../../util/clock.js';
import type { Sol003Auth } from './auth.js';
import { Sol003Error } from './errors.js';
import { type RetryPolicy, Sol003HttpClient } from './http-client.js';
import { newestOf, toDataPlane, toLcmOperation, toVResources, toVnfStateReport } from './mapping.js';
import { buildInstantiateRequest, buildOperateRequest, buildTerminateRequest } from './requests.js';
import { asVnfInstance, asVnfLcmOpOcc } from './responses.js';
import { SOL003_LCM_API_VERSION, type VnfInstance, type VnfLcmOpOcc } from './sol003-types.js';
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
}

export class Sol003Vnfm implements Vnfm {
  readonly name = 'sol003';
  private readonly http: Sol003HttpClient;
  private readonly baseUrl: string;
  private readonly apiRoot: string;
  private readonly vnfdCache = new Map<string, VnfdResources>();

  constructor(private readonly config: Sol003VnfmConfig) {
    this.baseUrl = config.baseUrl.replace(/\/+$/, '');
    this.apiRoot = this.baseUrl.replace(/\/vnflcm\/v\d+$/, '');
    this.http = new Sol003HttpClient({
      apiVersion: config.apiVersion ?? SOL003_LCM_API_VERSION,
      requestTimeoutMs: config.requestTimeoutMs ?? 30_000,
      ...(config.auth !== undefined ? { auth: config.auth } : {}),
      retry: { attempts: 4, baseDelayMs: 100, maxDelayMs: 2000, ...config.retry },
    });
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
    return this.task(vnf, 'instantiate', buildInstantiateRequest(req));
  }

  start(vnf: VnfRecord): Promise<LcmOperation> {
    return this.task(vnf, 'operate', buildOperateRequest('STARTED'));
  }

  stop(vnf: VnfRecord): Promise<LcmOperation> {
    return this.task(vnf, 'operate', buildOperateRequest('STOPPED'));
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

  close(): Promise<void> {
    this.http.close();
    return Promise.resolve();
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
