/**
 * The embedded lab's element manager (EM_VNF_SYSTEM = TRUE). Its config file
 * names the VNF configuration the EM owns (`vnfConfig`) and the EM's identity
 * (`emName`); started, it hands that configuration to the VNF at
 * instantiation (SOL003 additionalParams) and marks the VNF as EM-managed.
 * With the lab VNFM's address it can also ask the VNFM to migrate the VNF
 * (trigger type `em`), through the lab VNFM's migrate resource.
 */
import { Sol003HttpClient } from '../sol003/http-client.js';
import { SOL003_LCM_API_VERSION } from '../../protocols/sol003/sol003-types.js';
import type { Sol003VnfmConfig } from '../sol003/sol003-vnfm.js';
import type { ElementManager, EmInstantiationParams } from '../../ports/element-manager.js';
import type { VResourceType, VnfRecord } from '../../ports/vnfm.js';
import { readMappingFile } from '../../util/read-doc.js';
import { fail, ok, type Outcome } from '../../util/outcome.js';

/** The EM config file's content (`emName`, `vnfConfig`); a failure names the file and the field. */
export function parseEmConfig(
  doc: Record<string, unknown>,
  emConfigFile: string,
): Outcome<{ emName: string; vnfConfig: Record<string, unknown> }> {
  const { emName, vnfConfig } = doc;
  if (typeof emName !== 'string' || emName === '')
    return fail(`${emConfigFile}: field 'emName' is missing: name the EM (emName: my-em)`);
  if (vnfConfig === null || typeof vnfConfig !== 'object' || Array.isArray(vnfConfig)) {
    return fail(
      `${emConfigFile}: field 'vnfConfig' is missing or not a mapping: give the VNF configuration the EM applies`,
    );
  }
  return ok({ emName, vnfConfig: vnfConfig as Record<string, unknown> });
}

export class LabElementManager implements ElementManager {
  readonly name = 'lab-em';
  #config: { emName: string; vnfConfig: Record<string, unknown> } | null = null;
  #running = false;

  /** `vnfm`: the lab VNFM the EM talks to (its SOL003 driver config); without it the EM cannot ask for a migration. */
  constructor(private readonly opts: { vnfm?: Sol003VnfmConfig } = {}) {}

  async setEmConfiguration(_vnf: VnfRecord, emConfigFile: string): Promise<Outcome<EmInstantiationParams>> {
    const doc = await readMappingFile(emConfigFile);
    if (!doc.ok) return doc;
    const config = parseEmConfig(doc.value, emConfigFile);
    if (!config.ok) return config;
    this.#config = config.value;
    return ok({
      additionalParams: { vnfConfig: config.value.vnfConfig, elementManager: { name: config.value.emName } },
    });
  }

  async startEm(_vnf: VnfRecord): Promise<Outcome> {
    if (!this.#config) return fail('the EM has no configuration: SetEMConfiguration must succeed first');
    this.#running = true;
    return ok(undefined);
  }

  get running(): boolean {
    return this.#running;
  }

  /**
   * Trigger type `em`: the running EM asks the VNFM to migrate the VNF's
   * vResource (`POST {apiRoot}/vnflab/v1/vnf_instances/{id}/migrate`,
   * initiator EM). The VNFM answers 202 once the VIM started the move.
   */
  async requestMigration(vnf: VnfRecord, vResourceType: VResourceType): Promise<Outcome> {
    if (!this.#running) return fail('the EM is not running: StartEM must succeed first (EM_VNF_SYSTEM)');
    const vnfm = this.opts.vnfm;
    if (!vnfm) return fail('the EM was given no VNFM to ask: only the lab VNFM serves EM migrate requests');
    const apiRoot = vnfm.baseUrl.replace(/\/+$/, '').replace(/\/vnflcm\/v\d+$/, '');
    const url = `${apiRoot}/vnflab/v1/vnf_instances/${encodeURIComponent(vnf.vnfInstanceId)}/migrate`;
    const http = new Sol003HttpClient({
      apiVersion: vnfm.apiVersion ?? SOL003_LCM_API_VERSION,
      requestTimeoutMs: vnfm.requestTimeoutMs ?? 30_000,
      ...(vnfm.auth !== undefined ? { auth: vnfm.auth } : {}),
      ...(vnfm.tls !== undefined ? { tls: vnfm.tls } : {}),
      // A POST is never sent twice: a second migrate request would be refused (409) or move the VNF again.
      retry: { attempts: 1, baseDelayMs: 0, maxDelayMs: 0 },
    });
    try {
      await http.request('POST', url, { initiator: 'EM', vResourceType });
      return ok(undefined);
    } catch (err) {
      return fail(`the VNFM refused the EM's migrate request: ${(err as Error).message}`);
    } finally {
      http.close();
    }
  }

  async stopEm(): Promise<void> {
    this.#running = false;
  }
}
